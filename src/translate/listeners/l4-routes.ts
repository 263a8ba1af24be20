// VirtualService `tcp` and `tls` routes → the tcp_proxy of a filter chain. One destination: a
// tcp_proxy to its cluster (stat prefix = cluster name); several: weighted clusters (stat prefix
// `<vs name>.<vs namespace>`), weight-0 destinations left out, as Istio does.
//
// Destinations resolve with the routes generator's resolveDestination, so a tcp_proxy and an HTTP
// route name the same cluster for the same destination (and a cluster the proxy is not sent
// becomes BlackHoleCluster). The filter chain logic (which routes and matches apply) stays here:
// it follows Istio's listener builder, not RDS.

import { selectorMatches } from "../../registry/mesh/labels.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage } from "../envoy-message.js";
import { tcpProxyFilter, type WeightedCluster } from "./filters.js";
import { resolveDestination } from "../routes/cluster-ref.js";

export interface L4Destination {
  readonly host?: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}
export interface L4RouteDestination {
  readonly destination?: L4Destination;
  readonly weight?: number;
}
/** TCP match (L4MatchAttributes) and TLS match (TLSMatchAttributes) fields. */
export interface L4Match {
  readonly port?: number;
  readonly gateways?: readonly string[];
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly sourceNamespace?: string;
  readonly destinationSubnets?: readonly string[];
  readonly sniHosts?: readonly string[];
}
export interface L4Route {
  readonly match?: readonly L4Match[];
  readonly route?: readonly L4RouteDestination[];
}

/** The cluster a route destination names, for a listener on `listenPort` (as RDS resolves it). */
export function destinationCluster(
  ctx: TranslateContext,
  d: L4Destination,
  vsNamespace: string,
  listenPort: number,
): string {
  return resolveDestination(ctx, d, vsNamespace, listenPort).cluster;
}

/** The tcp_proxy for a route's destinations. */
export function l4RouteFilters(
  ctx: TranslateContext,
  routes: readonly L4RouteDestination[],
  vs: { readonly name: string; readonly namespace: string },
  listenPort: number,
): EnvoyMessage[] {
  if (routes.length === 1) {
    const cluster = destinationCluster(ctx, routes[0]!.destination ?? {}, vs.namespace, listenPort);
    return [tcpProxyFilter(cluster, cluster)];
  }
  const clusters: WeightedCluster[] = routes
    .filter((r) => (r.weight ?? 0) > 0)
    .map((r) => ({
      name: destinationCluster(ctx, r.destination ?? {}, vs.namespace, listenPort),
      weight: r.weight!,
    }));
  return [tcpProxyFilter(`${vs.name}.${vs.namespace}`, clusters)];
}

/**
 * The static part of a tcp/tls match, decided at generation time: gateway (`mesh` or
 * `namespace/name`, resolved in the VirtualService's namespace), source labels and namespace, port.
 */
export function l4MatchApplies(
  ctx: TranslateContext,
  m: L4Match | undefined,
  gateways: ReadonlySet<string>,
  port: number,
  resolveGateway: (name: string) => string,
): boolean {
  if (!m) return true;
  const gatewayOk =
    (m.gateways ?? []).length === 0 ||
    (m.gateways ?? []).some((g) => gateways.has(resolveGateway(g)));
  const labelsOk = selectorMatches(m.sourceLabels, ctx.proxy.labels);
  const portOk = !m.port || m.port === port;
  const nsOk = !m.sourceNamespace || m.sourceNamespace === ctx.proxy.namespace;
  return gatewayOk && labelsOk && portOk && nsOk;
}
