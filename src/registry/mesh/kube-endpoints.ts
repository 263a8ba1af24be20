// Endpoints of a Kubernetes Service. In order of preference: its EndpointSlices (label
// kubernetes.io/service-name); else its Endpoints object; else — meshpilot's stand-in for the
// endpoints controller when Pods are given as YAML — the Pods its selector picks. In every case the
// WorkloadEntries its selector picks in its namespace are added (Istio does this for VMs), and an
// ExternalName Service has its target as the one endpoint of each port.

import type { IEndpoint } from "kubernetes-models/discovery.k8s.io/v1/Endpoint";
import type { IEndpointPort } from "kubernetes-models/discovery.k8s.io/v1/EndpointPort";
import type { IEndpointSubset } from "kubernetes-models/v1/EndpointSubset";
import type { ConfigObject } from "../config-object.js";
import { makeEndpoint, targetPortFor, type EndpointContext } from "./endpoint-factory.js";
import type { EndpointHealth, MeshService, WorkloadEndpoint } from "./types.js";
import type { Workload, WorkloadIndex } from "./workloads.js";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

export interface KubeEndpointSources {
  /** EndpointSlices by `namespace/serviceName`. */
  readonly slices: ReadonlyMap<string, readonly ConfigObject[]>;
  /** Endpoints objects by `namespace/name`. */
  readonly endpoints: ReadonlyMap<string, readonly ConfigObject[]>;
  readonly workloads: WorkloadIndex;
  readonly clusterIdOf: (o: ConfigObject) => string;
}

function health(
  ready: boolean | undefined,
  serving: boolean | undefined,
  terminating: boolean | undefined,
  svc: MeshService,
): EndpointHealth {
  if (ready !== false || svc.publishNotReadyAddresses) return "HEALTHY";
  if (serving === true && terminating === true) return "DRAINING";
  return "UNHEALTHY";
}

function podFor(
  src: KubeEndpointSources,
  svc: MeshService,
  address: string,
  ref: { kind?: string; name?: string; namespace?: string } | undefined,
): Workload | undefined {
  if (ref?.kind === "Pod" && ref.name)
    return src.workloads.pod(ref.namespace ?? svc.namespace, ref.name);
  return src.workloads
    .atAddress(address)
    .find((w) => w.kind === "Pod" && w.namespace === svc.namespace);
}

function fromSlices(
  ctx: EndpointContext,
  src: KubeEndpointSources,
  svc: MeshService,
  slices: readonly ConfigObject[],
): WorkloadEndpoint[] {
  const out: WorkloadEndpoint[] = [];
  for (const slice of slices) {
    const clusterId = src.clusterIdOf(slice);
    const ports = (slice.body.ports ?? []) as IEndpointPort[];
    for (const ep of (slice.body.endpoints ?? []) as IEndpoint[]) {
      const c = ep.conditions ?? {};
      const h = health(c.ready, c.serving, c.terminating, svc);
      for (const address of ep.addresses ?? []) {
        const pod = podFor(src, svc, address, ep.targetRef);
        for (const sp of svc.ports) {
          const p = ports.find((x) => (x.name ?? "") === sp.name);
          if (p?.port === undefined) continue;
          out.push(
            makeEndpoint(ctx, {
              address,
              port: p.port,
              servicePort: sp,
              origin: "EndpointSlice",
              health: h,
              clusterId,
              ...(pod ? { workload: pod } : { namespace: svc.namespace }),
              ...(ep.zone ? { locality: `/${ep.zone}` } : {}),
            }),
          );
        }
      }
    }
  }
  return out;
}

function fromEndpointsObjects(
  ctx: EndpointContext,
  src: KubeEndpointSources,
  svc: MeshService,
  objects: readonly ConfigObject[],
): WorkloadEndpoint[] {
  const out: WorkloadEndpoint[] = [];
  for (const o of objects) {
    const clusterId = src.clusterIdOf(o);
    for (const subset of (o.body.subsets ?? []) as IEndpointSubset[]) {
      const groups = [
        { list: subset.addresses ?? [], h: "HEALTHY" as EndpointHealth },
        {
          list: subset.notReadyAddresses ?? [],
          h: (svc.publishNotReadyAddresses ? "HEALTHY" : "UNHEALTHY") as EndpointHealth,
        },
      ];
      for (const { list, h } of groups)
        for (const a of list) {
          const pod = podFor(src, svc, a.ip, a.targetRef);
          for (const sp of svc.ports) {
            const p = (subset.ports ?? []).find((x) => (x.name ?? "") === sp.name);
            if (!p) continue;
            out.push(
              makeEndpoint(ctx, {
                address: a.ip,
                port: p.port,
                servicePort: sp,
                origin: "Endpoints",
                health: h,
                clusterId,
                ...(pod ? { workload: pod } : { namespace: svc.namespace }),
              }),
            );
          }
        }
    }
  }
  return out;
}

function fromWorkloads(
  ctx: EndpointContext,
  svc: MeshService,
  workloads: readonly Workload[],
): WorkloadEndpoint[] {
  const out: WorkloadEndpoint[] = [];
  for (const w of workloads)
    for (const address of w.addresses.slice(0, 1))
      for (const sp of svc.ports) {
        const port =
          w.kind === "WorkloadEntry"
            ? (w.portMap[sp.name] ??
              (typeof sp.targetPort === "number" ? sp.targetPort : undefined) ??
              sp.port)
            : targetPortFor(sp, w);
        if (port === undefined) continue;
        out.push(
          makeEndpoint(ctx, {
            address,
            port,
            servicePort: sp,
            origin: w.kind,
            health: w.ready || svc.publishNotReadyAddresses ? "HEALTHY" : "UNHEALTHY",
            clusterId: w.clusterId,
            workload: w,
          }),
        );
      }
  return out;
}

export function kubernetesServiceEndpoints(
  ctx: EndpointContext,
  src: KubeEndpointSources,
  svc: MeshService,
  defaultClusterId: string,
): WorkloadEndpoint[] {
  if (svc.externalName !== undefined) {
    const target = svc.externalName;
    return svc.ports.map((sp) =>
      makeEndpoint(ctx, {
        address: target,
        port: sp.port,
        servicePort: sp,
        origin: "ExternalName",
        health: "HEALTHY",
        clusterId: defaultClusterId,
        namespace: svc.namespace,
      }),
    );
  }
  const key = `${svc.namespace}/${svc.name}`;
  const slices = src.slices.get(key);
  const endpointsObjects = src.endpoints.get(key);
  let out: WorkloadEndpoint[];
  if (slices && slices.length > 0) out = fromSlices(ctx, src, svc, slices);
  else if (endpointsObjects && endpointsObjects.length > 0)
    out = fromEndpointsObjects(ctx, src, svc, endpointsObjects);
  else if (svc.selector)
    out = fromWorkloads(ctx, svc, src.workloads.pods.select(svc.namespace, svc.selector));
  else out = [];
  if (svc.selector)
    out.push(
      ...fromWorkloads(ctx, svc, src.workloads.workloadEntries.select(svc.namespace, svc.selector)),
    );
  return out;
}

export { fromWorkloads as workloadEndpoints };
