// Which cluster a route destination names, and whether the proxy was sent that cluster.
//
// Istio names the cluster `outbound|PORT|SUBSET|HOST` whatever exists, and sets
// `validate_clusters: false`, so a destination whose subset no DestinationRule defines (or whose
// host or port is not a service the proxy knows) becomes a dangling reference: Envoy answers
// 503 (NC, cluster not found) for the share of traffic that picks it. meshpilot keeps the
// behaviour and drops the dangling reference (invariant: a route never names a cluster the proxy
// was not sent): such a destination names `BlackHoleCluster`, which every sidecar and gateway is
// sent and which has no endpoints, so Envoy still answers 503 (UH) for exactly that share. What
// "sent" means comes from the clusters generator's own plan (outboundPlans), not a copy of it.

import { resolveShortName } from "../../registry/mesh/hosts.js";
import type { MeshService } from "../../registry/mesh/types.js";
import { isVisibleTo } from "../../registry/mesh/visibility.js";
import {
  BLACKHOLE_CLUSTER,
  outboundClusterName,
  PASSTHROUGH_CLUSTER,
  parseClusterName,
} from "../clusters/names.js";
import { outboundPlans } from "../clusters/plan.js";
import type { TranslateContext } from "../context.js";
import type { Destination } from "./istio-types.js";

export { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER, outboundClusterName };

/** The parts of an outbound cluster name, or undefined for any other name. */
export function parseOutboundClusterName(
  name: string,
): { port: number; subset: string; host: string } | undefined {
  const parsed = parseClusterName(name);
  return parsed?.direction === "outbound" ? parsed : undefined;
}

/** The outbound cluster names CDS sends the proxy (from the clusters generator's plan). */
const sentClusters = new WeakMap<TranslateContext, ReadonlySet<string>>();

function sentClusterNames(ctx: TranslateContext): ReadonlySet<string> {
  let names = sentClusters.get(ctx);
  if (!names) sentClusters.set(ctx, (names = new Set(outboundPlans(ctx).map((p) => p.name))));
  return names;
}

const scopeServices = new WeakMap<TranslateContext, ReadonlyMap<string, MeshService>>();

function scopeServiceByHost(ctx: TranslateContext, host: string): MeshService | undefined {
  let byHost = scopeServices.get(ctx);
  if (!byHost)
    scopeServices.set(ctx, (byHost = new Map(ctx.scope.services.map((s) => [s.hostname, s]))));
  return byHost.get(host);
}

/** The service a destination host means for this proxy (undefined when it knows none). */
export function destinationService(
  ctx: TranslateContext,
  host: string,
  vsNamespace: string,
): MeshService | undefined {
  const inScope = scopeServiceByHost(ctx, host);
  if (ctx.proxy.kind !== "router") return inScope;
  // Gateways prefer the service of that name in the VirtualService's namespace, as Istio does.
  const candidates = ctx.model.registry
    .servicesWithHost(host)
    .filter((s) => isVisibleTo(s.exportTo, ctx.proxy.namespace));
  return candidates.find((s) => s.namespace === vsNamespace) ?? inScope ?? candidates[0];
}

/** True when the proxy's CDS holds `outbound|port|subset|service`. */
export function clusterSent(
  ctx: TranslateContext,
  service: MeshService | undefined,
  port: number,
  subset: string,
): boolean {
  if (!service) return false;
  return sentClusterNames(ctx).has(outboundClusterName(port, subset, service.hostname));
}

export interface ResolvedDestination {
  /** The FQDN the destination names (short names completed in the VirtualService's namespace). */
  readonly host: string;
  readonly service?: MeshService;
  readonly port: number;
  readonly subset: string;
  /** The cluster the route names: the outbound cluster, or BlackHoleCluster when not sent. */
  readonly cluster: string;
  /** The cluster Istio would name (what the route names when `sent`). */
  readonly istioCluster: string;
  readonly sent: boolean;
}

/**
 * Istio's GetDestinationCluster: the port is the destination's, else the service's only port
 * (gateways, which see whole services), else the listener port.
 */
export function resolveDestination(
  ctx: TranslateContext,
  destination: Destination,
  vsNamespace: string,
  listenerPort: number,
): ResolvedDestination {
  const host = resolveShortName(destination.host ?? "", vsNamespace, ctx.model.domainSuffix);
  const service = destinationService(ctx, host, vsNamespace);
  let port = listenerPort;
  if (destination.port?.number) port = destination.port.number;
  else if (ctx.proxy.kind === "router" && service?.ports.length === 1)
    port = service.ports[0]!.port;
  const subset = destination.subset ?? "";
  const istioCluster = outboundClusterName(port, subset, host);
  const sent = clusterSent(ctx, service, port, subset);
  return {
    host,
    ...(service ? { service } : {}),
    port,
    subset,
    cluster: sent ? istioCluster : BLACKHOLE_CLUSTER,
    istioCluster,
    sent,
  };
}
