// The service registry part of the model: every service (Kubernetes Services and ServiceEntry
// hosts) with its endpoints, built in one pass over the objects, and the host and visibility
// lookups. Services with the same hostname in several namespaces (ServiceEntries may do that)
// are all kept; a lookup from namespace N prefers the one in N, then the oldest.

import type { ConfigObject } from "../config-object.js";
import { compareEndpoints, type EndpointContext } from "./endpoint-factory.js";
import {
  compareStrings,
  isWildcardHost,
  mostSpecificHostMatch,
  resolveShortName,
} from "./hosts.js";
import { kubernetesServiceEndpoints, SERVICE_NAME_LABEL } from "./kube-endpoints.js";
import { push, selectorMatches, type Labels } from "./labels.js";
import { serviceEntryEndpoints } from "./service-entry-endpoints.js";
import {
  clusterIdOf,
  fromKubernetesService,
  fromServiceEntry,
  mergeClusterService,
  type ServiceBuildContext,
} from "./services.js";
import type { MeshService, WorkloadEndpoint } from "./types.js";
import { isVisibleTo } from "./visibility.js";
import type { WorkloadIndex } from "./workloads.js";

export interface EndpointQuery {
  /** Only endpoints whose labels include these (a DestinationRule subset's labels). */
  readonly subsetLabels?: Labels;
  /** Include UNHEALTHY and DRAINING endpoints too (debug views). Default false. */
  readonly includeUnhealthy?: boolean;
  /** Namespace asking, for hosts defined in several namespaces (default: the preferred one). */
  readonly fromNamespace?: string;
}

function servicePreference(a: MeshService, b: MeshService): number {
  return (
    compareStrings(a.creationTimestamp, b.creationTimestamp) ||
    compareStrings(a.namespace, b.namespace) ||
    compareStrings(a.id, b.id)
  );
}

export class ServiceRegistry {
  /** Every service, sorted by hostname, then namespace, then id. */
  readonly services: readonly MeshService[];
  private readonly byHost = new Map<string, MeshService[]>();
  private readonly byId = new Map<string, MeshService>();
  private readonly byNamespace = new Map<string, MeshService[]>();
  private readonly endpointsById: ReadonlyMap<string, readonly WorkloadEndpoint[]>;
  private readonly wildcardHosts: readonly string[];
  private readonly visibleCache = new Map<string, readonly MeshService[]>();

  constructor(
    services: MeshService[],
    endpointsById: Map<string, WorkloadEndpoint[]>,
    private readonly domainSuffix: string,
    /** Services and endpoint lists are already sorted (withEndpoints). */
    sorted = false,
  ) {
    if (!sorted)
      services.sort(
        (a, b) =>
          compareStrings(a.hostname, b.hostname) ||
          compareStrings(a.namespace, b.namespace) ||
          compareStrings(a.id, b.id),
      );
    this.services = services;
    for (const s of services) {
      push(this.byHost, s.hostname, s);
      this.byId.set(s.id, s);
      push(this.byNamespace, s.namespace, s);
    }
    for (const list of this.byHost.values()) list.sort(servicePreference);
    if (!sorted) for (const list of endpointsById.values()) list.sort(compareEndpoints);
    this.endpointsById = endpointsById;
    this.wildcardHosts = [...this.byHost.keys()].filter(isWildcardHost).sort();
  }

  /** The same services, with the endpoints of the service ids in `replaced` replaced. */
  withEndpoints(replaced: ReadonlyMap<string, WorkloadEndpoint[]>): ServiceRegistry {
    const endpoints = new Map(this.endpointsById as Map<string, WorkloadEndpoint[]>);
    for (const [id, list] of replaced) endpoints.set(id, list.sort(compareEndpoints));
    return new ServiceRegistry(this.services as MeshService[], endpoints, this.domainSuffix, true);
  }

  byServiceId(id: string): MeshService | undefined {
    return this.byId.get(id);
  }

  /** The services of one namespace, in `services` order. */
  servicesIn(namespace: string): readonly MeshService[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** Every service with this exact hostname, most preferred first (any visibility). */
  servicesWithHost(hostname: string): readonly MeshService[] {
    return this.byHost.get(hostname) ?? [];
  }

  /** The service of `hostname` that namespace `ns` sees: its own namespace's first. */
  private pick(hostname: string, ns: string): MeshService | undefined {
    const list = this.byHost.get(hostname);
    if (!list) return undefined;
    const visible = list.filter((s) => isVisibleTo(s.exportTo, ns));
    return visible.find((s) => s.namespace === ns) ?? visible[0];
  }

  /**
   * The service a config in (or a proxy of) namespace `fromNamespace` means by `host`: short names
   * are completed in that namespace; an exact hostname wins, else the most specific visible
   * wildcard ServiceEntry host covering it. Only services exported to the namespace count.
   */
  serviceByHost(host: string, fromNamespace: string): MeshService | undefined {
    const fqdn = resolveShortName(host, fromNamespace, this.domainSuffix);
    const exact = this.pick(fqdn, fromNamespace);
    if (exact || isWildcardHost(fqdn)) return exact;
    const visibleWildcards = this.wildcardHosts.filter((h) => this.pick(h, fromNamespace));
    const match = mostSpecificHostMatch(fqdn, visibleWildcards);
    return match === undefined ? undefined : this.pick(match, fromNamespace);
  }

  /** Services exported to `namespace`, one per hostname (its own namespace's first), by hostname. */
  servicesVisibleTo(namespace: string): readonly MeshService[] {
    const cached = this.visibleCache.get(namespace);
    if (cached) return cached;
    const out: MeshService[] = [];
    for (const host of [...this.byHost.keys()].sort()) {
      const s = this.pick(host, namespace);
      if (s) out.push(s);
    }
    this.visibleCache.set(namespace, out);
    return out;
  }

  /** All endpoints of a service (every port, any health), sorted. */
  endpointsOf(service: MeshService): readonly WorkloadEndpoint[] {
    return this.endpointsById.get(service.id) ?? [];
  }

  /** Endpoints of `serviceHost` on service port `port`, filtered and sorted. */
  endpointsFor(serviceHost: string, port: number, query: EndpointQuery = {}): WorkloadEndpoint[] {
    const service =
      query.fromNamespace !== undefined
        ? this.serviceByHost(serviceHost, query.fromNamespace)
        : this.byHost.get(serviceHost)?.[0];
    if (!service) return [];
    return this.endpointsOf(service).filter(
      (e) =>
        e.servicePort === port &&
        (query.includeUnhealthy === true || e.health === "HEALTHY") &&
        selectorMatches(query.subsetLabels, e.labels),
    );
  }
}

export interface RegistryInputs {
  readonly services: readonly ConfigObject[];
  readonly serviceEntries: readonly ConfigObject[];
  readonly endpointSlices: readonly ConfigObject[];
  readonly endpoints: readonly ConfigObject[];
  readonly workloads: WorkloadIndex;
}

/** Services and their endpoints, in one pass over each kind. */
export function buildServiceRegistry(
  inputs: RegistryInputs,
  ctx: ServiceBuildContext,
  endpointCtx: EndpointContext,
): ServiceRegistry {
  const slices = new Map<string, ConfigObject[]>();
  for (const s of inputs.endpointSlices) {
    const svcName = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (svcName) push(slices, `${s.metadata.namespace ?? "default"}/${svcName}`, s);
  }
  const endpointsObjects = new Map<string, ConfigObject[]>();
  for (const e of inputs.endpoints)
    push(endpointsObjects, `${e.metadata.namespace ?? "default"}/${e.metadata.name}`, e);

  const byId = new Map<string, MeshService>();
  for (const o of inputs.services) {
    const svc = fromKubernetesService(o, ctx);
    const seen = byId.get(svc.id);
    byId.set(svc.id, seen ? mergeClusterService(seen, svc) : svc);
  }
  const endpointsById = new Map<string, WorkloadEndpoint[]>();
  const src = {
    slices,
    endpoints: endpointsObjects,
    workloads: inputs.workloads,
    clusterIdOf: (o: ConfigObject) => clusterIdOf(o, ctx),
  };
  for (const svc of byId.values())
    endpointsById.set(
      svc.id,
      kubernetesServiceEndpoints(endpointCtx, src, svc, ctx.defaultClusterId),
    );

  for (const se of inputs.serviceEntries) {
    for (const svc of fromServiceEntry(se, ctx)) {
      if (byId.has(svc.id)) continue;
      byId.set(svc.id, svc);
      endpointsById.set(
        svc.id,
        serviceEntryEndpoints(endpointCtx, se, svc, inputs.workloads, clusterIdOf(se, ctx)),
      );
    }
  }
  return new ServiceRegistry([...byId.values()], endpointsById, ctx.domainSuffix);
}
