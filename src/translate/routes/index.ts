// RDS: the route configurations of a proxy, with current Istio's semantics. Sidecars get one per
// outbound HTTP port (`PORT`, or `HOST:PORT` for sniffed ports of services with an address);
// gateways one per HTTP server port (`http.PORT`) and per TLS-terminating HTTPS server. Proxyless
// gRPC clients ask for `HOST:PORT` route configurations, built by the proxyless generator from
// buildVirtualHosts().
//
// Decisions (see the files named):
// - A destination whose cluster the proxy is not sent (undefined subset, unknown host or port)
//   names BlackHoleCluster instead of Istio's dangling name: same 503, and a route never names a
//   cluster CDS did not send (cluster-ref.ts).
// - Domains carry no `:PORT` variants: route configurations set ignorePortInHostMatching, as
//   current Istio does, so `Host: name:port` still matches (domains.ts).
// - As in Istio, VirtualService hosts that are no service (`bookinfo.com`) only get a virtual host
//   on port 80, unless the VirtualService also names a service on the port (virtual-hosts.ts).
// - Gateway route names use the Gateway server's port (`http.80`) even when the listener is on
//   the translated target port (gateway-routes.ts).
// - Delegates are merged as current Istio merges them; destination short names of the merged
//   routes complete in the root's namespace (delegate.ts).

import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
import { memoize } from "../memo.js";
import { scopeViewKey } from "../view-facets.js";
import { generateGatewayRoutes } from "./gateway-routes.js";
import { generateSidecarRoutes } from "./sidecar-routes.js";

export {
  buildGatewayRouteConfig,
  gatewayRouteName,
  gatewayServersByRouteName,
} from "./gateway-routes.js";
export {
  buildRoutesForVirtualService,
  translateRoute,
  type RouteSource,
  type RouteOptions,
} from "./http-route.js";
export {
  buildSidecarRouteConfig,
  sidecarOutboundRouteNames,
  catchAllVirtualHost,
} from "./sidecar-routes.js";
export { buildVirtualHosts, defaultRoute } from "./virtual-hosts.js";
export { mergedHttpRoutes } from "./delegate.js";
export { outboundClusterName, BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from "./cluster-ref.js";

export function generateRoutes(ctx: TranslateContext): GeneratedResource[] {
  if (ctx.proxy.kind === "router") return generateGatewayRoutes(ctx);
  if (ctx.proxy.kind === "sidecar")
    return [...memoize(ctx.model, `rds|${scopeViewKey(ctx)}`, () => generateSidecarRoutes(ctx))];
  return [];
}

/** Every cluster name the route configurations reference (routes, weighted clusters, mirrors). */
export function referencedClusters(routeConfigs: readonly EnvoyMessage[]): string[] {
  const out = new Set<string>();
  for (const rc of routeConfigs)
    for (const vh of (rc.virtualHosts as EnvoyMessage[] | undefined) ?? [])
      for (const r of (vh.routes as EnvoyMessage[] | undefined) ?? []) {
        const a = r.route as EnvoyMessage | undefined;
        if (!a) continue;
        if (typeof a.cluster === "string") out.add(a.cluster);
        const wc = a.weightedClusters as { clusters?: { name: string }[] } | undefined;
        for (const c of wc?.clusters ?? []) out.add(c.name);
        for (const m of (a.requestMirrorPolicies as { cluster: string }[] | undefined) ?? [])
          out.add(m.cluster);
      }
  return [...out].sort();
}

/** The clusters a proxy's routes reference (for the "never a cluster it was not sent" check). */
export function routeClustersForProxy(ctx: TranslateContext): string[] {
  return referencedClusters(generateRoutes(ctx).map((r) => r.message));
}
