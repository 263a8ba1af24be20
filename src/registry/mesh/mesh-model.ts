// The mesh model: one immutable snapshot of everything the Envoy generators read, with its indexes
// built once, in one pass per kind, when the snapshot is built. Lookups are pure functions of the
// snapshot; the few that are memoised (sidecar scopes, per-namespace visibility) are memoised
// inside it, so a model can be shared by every proxy and every generator of one version.
//
// Incremental updates: `updateMeshModel` (mesh-model-update.ts) makes the next model from this one
// when a change touches only EndpointSlices / Endpoints, rebuilding only the endpoints of the
// services named; any other change builds the model whole here.

import type { ConfigObject } from "../config-object.js";
import type { EndpointContext } from "./endpoint-factory.js";
import type { ServiceBuildContext } from "./services.js";
import type { Kind } from "../kinds.js";
import { DestinationRuleIndex, type ConsolidatedDestinationRule } from "./destination-rules.js";
import { GatewayIndex, type IndexedGateway } from "./gateways.js";
import { byCreationTime, push } from "./labels.js";
import { readMeshSettings, type MeshConfig, type MeshNetworks } from "./mesh-config.js";
import { NetworkResolver } from "./networks.js";
import { ProxyInstanceIndex } from "./proxy-instances.js";
import {
  buildServiceRegistry,
  type EndpointQuery,
  type ServiceRegistry,
} from "./service-registry.js";
import { SidecarIndex, type SidecarScope } from "./sidecar-scope.js";
import type {
  MeshModelOptions,
  MeshService,
  ProxyView,
  ServiceInstance,
  WorkloadEndpoint,
} from "./types.js";
import { VirtualServiceIndex, type IndexedVirtualService } from "./virtual-services.js";
import {
  NETWORK_LABEL,
  WorkloadIndex,
  workloadFromPod,
  workloadFromWorkloadEntry,
} from "./workloads.js";

/** How a model's services and endpoints were built (updateMeshModel builds more the same way). */
export interface ModelBuildContext {
  readonly services: ServiceBuildContext;
  readonly endpoints: EndpointContext;
  readonly options: MeshModelOptions;
}

export class MeshModel {
  constructor(
    readonly domainSuffix: string,
    readonly clusterId: string,
    readonly meshConfig: MeshConfig,
    readonly meshNetworks: MeshNetworks,
    /** Problems found while building (bad mesh config YAML); the model is still usable. */
    readonly problems: readonly string[],
    readonly registry: ServiceRegistry,
    readonly workloads: WorkloadIndex,
    readonly virtualServices: VirtualServiceIndex,
    readonly destinationRules: DestinationRuleIndex,
    readonly sidecars: SidecarIndex,
    readonly gateways: GatewayIndex,
    /** The rest is for updateMeshModel (mesh-model-update.ts), which reuses what a change keeps. */
    readonly proxyInstances: ProxyInstanceIndex,
    readonly byKind: ReadonlyMap<Kind, readonly ConfigObject[]>,
    readonly buildContext: ModelBuildContext,
  ) {}

  /** Objects of one kind, oldest first (for the generators of kinds this model does not index). */
  objectsOf(kind: Kind): readonly ConfigObject[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The service `host` means from `fromNamespace` (short names completed there). */
  serviceByHost(host: string, fromNamespace: string): MeshService | undefined {
    return this.registry.serviceByHost(host, fromNamespace);
  }

  /** Services a proxy of `proxyNamespace` may reach: its Sidecar scope's, or all exported to it. */
  servicesVisibleTo(proxyNamespace: string, scope?: SidecarScope): readonly MeshService[] {
    return scope ? scope.services : this.registry.servicesVisibleTo(proxyNamespace);
  }

  /** VirtualServices bound to `gateway` (`mesh` or `namespace/name`) visible to the namespace. */
  virtualServicesForGateway(gateway: string, proxyNamespace: string): IndexedVirtualService[] {
    return this.virtualServices.forGateway(gateway, proxyNamespace);
  }

  virtualServicesForHost(
    host: string,
    gateway: string,
    proxyNamespace: string,
  ): IndexedVirtualService[] {
    return this.virtualServices.forHost(host, gateway, proxyNamespace);
  }

  /** The DestinationRule for traffic from `proxy` to `serviceHost` (Istio's precedence). */
  destinationRuleFor(
    proxy: Pick<ProxyView, "namespace" | "labels">,
    serviceHost: string,
  ): ConsolidatedDestinationRule | undefined {
    const service = this.registry.serviceByHost(serviceHost, proxy.namespace);
    return this.destinationRules.lookup(
      proxy,
      service?.hostname ?? serviceHost,
      service?.namespace,
    );
  }

  /** The Sidecar scope of a proxy (gateways, kind `router`, always get the default scope). */
  sidecarScope(
    proxy: Pick<ProxyView, "namespace" | "labels"> & { kind?: ProxyView["kind"] },
  ): SidecarScope {
    return this.sidecars.scopeFor(proxy);
  }

  gatewaysForProxy(proxy: Pick<ProxyView, "labels">): IndexedGateway[] {
    return this.gateways.forProxy(proxy);
  }

  instancesForProxy(proxy: Pick<ProxyView, "namespace" | "labels" | "ips">): ServiceInstance[] {
    return this.proxyInstances.instancesForProxy(proxy);
  }

  /** Healthy endpoints of a service port (optionally a subset's), sorted. */
  endpointsFor(serviceHost: string, port: number, query?: EndpointQuery): WorkloadEndpoint[] {
    return this.registry.endpointsFor(serviceHost, port, query);
  }
}

export function groupByKind(objects: readonly ConfigObject[]): Map<Kind, ConfigObject[]> {
  const byKind = new Map<Kind, ConfigObject[]>();
  for (const o of objects) push(byKind, o.kind, o);
  for (const list of byKind.values()) list.sort(byCreationTime);
  return byKind;
}

export function buildMeshModel(
  objects: readonly ConfigObject[],
  options: MeshModelOptions = {},
): MeshModel {
  const domainSuffix = options.domainSuffix ?? "cluster.local";
  const clusterId = options.clusterId ?? "Kubernetes";
  const systemNamespace = options.systemNamespace ?? "istio-system";
  const byKind = groupByKind(objects);
  const of = (k: Kind): readonly ConfigObject[] => byKind.get(k) ?? [];

  const settings = readMeshSettings(
    [...of("ConfigMap"), ...of("MeshConfig"), ...of("MeshNetworks")],
    systemNamespace,
  );
  const mesh = settings.meshConfig;
  const systemNs = of("Namespace").find((n) => n.metadata.name === systemNamespace);
  const defaultNetwork = options.network ?? systemNs?.metadata.labels?.[NETWORK_LABEL] ?? "";
  const networks = new NetworkResolver(settings.meshNetworks, defaultNetwork);

  const workloads = new WorkloadIndex();
  for (const p of of("Pod")) workloads.add(workloadFromPod(p, p.source.apiServer ?? clusterId));
  for (const w of of("WorkloadEntry"))
    workloads.add(workloadFromWorkloadEntry(w, w.source.apiServer ?? clusterId));
  workloads.seal();

  const buildContext: ModelBuildContext = {
    services: { domainSuffix, defaultClusterId: clusterId, mesh },
    endpoints: { networks },
    options,
  };
  const registry = buildServiceRegistry(
    {
      services: of("Service"),
      serviceEntries: of("ServiceEntry"),
      endpointSlices: of("EndpointSlice"),
      endpoints: of("Endpoints"),
      workloads,
    },
    buildContext.services,
    buildContext.endpoints,
  );
  const virtualServices = new VirtualServiceIndex(of("VirtualService"), mesh, domainSuffix);
  const destinationRules = new DestinationRuleIndex(
    of("DestinationRule"),
    mesh,
    domainSuffix,
    mesh.rootNamespace,
  );
  const sidecars = new SidecarIndex(
    of("Sidecar"),
    mesh,
    registry,
    virtualServices,
    destinationRules,
    domainSuffix,
  );
  const gateways = new GatewayIndex(of("Gateway"));
  return new MeshModel(
    domainSuffix,
    clusterId,
    mesh,
    settings.meshNetworks,
    settings.problems,
    registry,
    workloads,
    virtualServices,
    destinationRules,
    sidecars,
    gateways,
    new ProxyInstanceIndex(registry, workloads),
    byKind,
    buildContext,
  );
}
