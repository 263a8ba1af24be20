// Kubernetes Services and ServiceEntries → MeshService. A Service is one service
// (`name.ns.svc.<domain>`); the same Service seen in several clusters is one service with a
// cluster IP per cluster. A ServiceEntry is one service per host.

import type { IServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry";
import type { IServiceSpec } from "kubernetes-models/v1/ServiceSpec";
import { keyOf, type ConfigObject } from "../config-object.js";
import { serviceFqdn } from "./hosts.js";
import { isEmptySelector } from "./labels.js";
import type { MeshConfig } from "./mesh-config.js";
import { kubernetesPortProtocol, parseProtocol } from "./protocol.js";
import type { MeshService, Resolution, ServicePort } from "./types.js";
import { exportToAnnotation, parseExportTo } from "./visibility.js";

export type ServiceEntrySpec = NonNullable<IServiceEntry["spec"]>;

export const EXPORT_TO_ANNOTATION = "networking.istio.io/exportTo";

export interface ServiceBuildContext {
  readonly domainSuffix: string;
  readonly defaultClusterId: string;
  readonly mesh: MeshConfig;
}

export function clusterIdOf(o: ConfigObject, ctx: ServiceBuildContext): string {
  return o.source.apiServer ?? ctx.defaultClusterId;
}

export function kubernetesServiceSpec(o: ConfigObject): IServiceSpec {
  return (o.body.spec ?? {}) as IServiceSpec;
}

export function fromKubernetesService(o: ConfigObject, ctx: ServiceBuildContext): MeshService {
  const spec = kubernetesServiceSpec(o);
  const ns = o.metadata.namespace ?? "default";
  const name = o.metadata.name;
  const clusterIps = (
    spec.clusterIPs && spec.clusterIPs.length > 0 ? spec.clusterIPs : [spec.clusterIP ?? ""]
  ).filter((ip) => ip !== "" && ip !== "None");
  const externalName =
    spec.type === "ExternalName" && spec.externalName ? spec.externalName : undefined;
  const headless = clusterIps.length === 0 && externalName === undefined;
  const resolution: Resolution = externalName ? "DNS" : headless ? "NONE" : "STATIC";
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    name: p.name ?? "",
    port: p.port,
    ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
    protocol: kubernetesPortProtocol(p),
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));
  const selector = isEmptySelector(spec.selector) ? undefined : { ...spec.selector };
  return {
    id: `Service/${ns}/${name}`,
    hostname: serviceFqdn(name, ns, ctx.domainSuffix),
    namespace: ns,
    name,
    sourceKind: "Service",
    sources: [keyOf(o)],
    ports,
    addresses: clusterIps,
    clusterVIPs: clusterIps.length > 0 ? { [clusterIdOf(o, ctx)]: clusterIps } : {},
    headless,
    resolution,
    location: externalName ? "MESH_EXTERNAL" : "MESH_INTERNAL",
    exportTo: parseExportTo(
      exportToAnnotation(o.metadata.annotations?.[EXPORT_TO_ANNOTATION]),
      ns,
      ctx.mesh.defaultServiceExportTo,
    ),
    labels: { ...(o.metadata.labels ?? {}) },
    ...(selector ? { selector } : {}),
    subjectAltNames: [],
    ...(externalName ? { externalName } : {}),
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    creationTimestamp: o.metadata.creationTimestamp ?? "",
  };
}

/** The same Service from another cluster: one service, the cluster IPs of each cluster. */
export function mergeClusterService(first: MeshService, other: MeshService): MeshService {
  const clusterVIPs = { ...first.clusterVIPs };
  for (const [cluster, ips] of Object.entries(other.clusterVIPs)) clusterVIPs[cluster] ??= ips;
  const addresses = [
    ...new Set(
      Object.keys(clusterVIPs)
        .sort()
        .flatMap((c) => clusterVIPs[c] ?? []),
    ),
  ];
  return {
    ...first,
    sources: [...first.sources, ...other.sources],
    clusterVIPs,
    addresses,
    headless: first.headless && other.headless,
  };
}

export function serviceEntrySpec(o: ConfigObject): ServiceEntrySpec {
  return (o.body.spec ?? {}) as ServiceEntrySpec;
}

export function fromServiceEntry(o: ConfigObject, ctx: ServiceBuildContext): MeshService[] {
  const spec = serviceEntrySpec(o);
  const ns = o.metadata.namespace ?? "default";
  const ports: ServicePort[] = (spec.ports ?? []).map((p) => ({
    name: p.name ?? "",
    port: p.number ?? 0,
    ...(p.targetPort ? { targetPort: p.targetPort } : {}),
    protocol: parseProtocol(p.protocol),
  }));
  const resolution: Resolution = (spec.resolution as Resolution | undefined) ?? "NONE";
  const selectorLabels = spec.workloadSelector?.labels;
  const exportTo = parseExportTo(spec.exportTo, ns, ctx.mesh.defaultServiceExportTo);
  const addresses = [...(spec.addresses ?? [])];
  return [...new Set(spec.hosts ?? [])].map((host) => ({
    id: `ServiceEntry/${ns}/${o.metadata.name}/${host}`,
    hostname: host,
    namespace: ns,
    name: o.metadata.name,
    sourceKind: "ServiceEntry",
    sources: [keyOf(o)],
    ports,
    addresses,
    clusterVIPs: {},
    headless: false,
    resolution,
    // MESH_EXTERNAL is the enum zero value: an SE that says nothing is external.
    location: spec.location === "MESH_INTERNAL" ? "MESH_INTERNAL" : "MESH_EXTERNAL",
    exportTo,
    labels: { ...(o.metadata.labels ?? {}) },
    ...(selectorLabels ? { selector: { ...selectorLabels } } : {}),
    subjectAltNames: [...(spec.subjectAltNames ?? [])],
    publishNotReadyAddresses: false,
    creationTimestamp: o.metadata.creationTimestamp ?? "",
  }));
}
