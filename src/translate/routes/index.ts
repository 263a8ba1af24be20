// RDS: the route configurations of a proxy. Sidecars get one per outbound HTTP port (`PORT`, or
// `HOST:PORT` for sniffed ports of services with an address); gateways one per HTTP server port
// (`http.PORT`) and per TLS-terminating HTTPS server. Proxyless gRPC clients ask for `HOST:PORT`
// route configurations, built by the proxyless generator from buildVirtualHosts().

import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
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
export {
  tcpRouteClusters,
  tcpRoutes,
  tlsRoutes,
  type L4Route,
  type WeightedCluster,
} from "./tcp-routes.js";

export function generateRoutes(ctx: TranslateContext): GeneratedResource[] {
  if (ctx.proxy.kind === "router") return generateGatewayRoutes(ctx);
  if (ctx.proxy.kind === "sidecar") return generateSidecarRoutes(ctx);
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
