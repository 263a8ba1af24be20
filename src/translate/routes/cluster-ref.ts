// Which cluster a route destination names, and whether the proxy was sent that cluster.
//
// Istio names the cluster `outbound|PORT|SUBSET|HOST` whatever exists, and sets
// `validate_clusters: false`, so a destination whose subset no DestinationRule defines (or whose
// host or port is not a service the proxy knows) becomes a dangling reference: Envoy answers
// 503 (NC, cluster not found) for the share of traffic that picks it. meshpilot keeps the
// behaviour and drops the dangling reference (invariant: a route never names a cluster the proxy
// was not sent): such a destination names `BlackHoleCluster`, which every sidecar and gateway is
// sent and which has no endpoints, so Envoy still answers 503 (UH) for exactly that share.

import { resolveShortName } from "../../registry/mesh/hosts.js";
import type { MeshService } from "../../registry/mesh/types.js";
import { isVisibleTo } from "../../registry/mesh/visibility.js";
import type { TranslateContext } from "../context.js";
import type { Destination } from "./istio-types.js";

export const BLACKHOLE_CLUSTER = "BlackHoleCluster";
export const PASSTHROUGH_CLUSTER = "PassthroughCluster";

/** `outbound|PORT|SUBSET|HOST` (the clusters generator names outbound clusters the same way). */
export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

/** The parts of an outbound cluster name, or undefined for any other name. */
export function parseOutboundClusterName(
  name: string,
): { port: number; subset: string; host: string } | undefined {
  const parts = name.split("|");
  if (parts.length !== 4 || parts[0] !== "outbound") return undefined;
  const port = Number(parts[1]);
  if (!Number.isInteger(port) || port <= 0) return undefined;
  return { port, subset: parts[2]!, host: parts[3]! };
}

/** The service a destination host means for this proxy (undefined when it knows none). */
export function destinationService(
  ctx: TranslateContext,
  host: string,
  vsNamespace: string,
): MeshService | undefined {
  const inScope = ctx.scope.services.find((s) => s.hostname === host);
  if (ctx.proxy.kind !== "router") return inScope;
  // Gateways prefer the service of that name in the VirtualService's namespace, as Istio does.
  const candidates = ctx.model.registry
    .servicesWithHost(host)
    .filter((s) => isVisibleTo(s.exportTo, ctx.proxy.namespace));
  return candidates.find((s) => s.namespace === vsNamespace) ?? inScope ?? candidates[0];
}

/** True when the proxy's CDS holds `outbound|port|subset|service` (same rule as the clusters). */
export function clusterSent(
  ctx: TranslateContext,
  service: MeshService | undefined,
  port: number,
  subset: string,
): boolean {
  if (!service || !service.ports.some((p) => p.port === port)) return false;
  if (subset === "") return true;
  const rule = ctx.model.destinationRuleFor(ctx.proxy, service.hostname);
  return (rule?.spec.subsets ?? []).some((s) => s.name === subset);
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
