// The translation of Istio config into Envoy resources: one generator per xDS type, each a pure
// function of the TranslateContext. Everything a proxy gets comes from generateAll().

import { generateClusters } from "./clusters/index.js";
import type { TranslateContext } from "./context.js";
import { generateEndpoints } from "./endpoints/index.js";
import { byName, type GeneratedResource } from "./envoy-message.js";
import { generateListeners } from "./listeners/index.js";
import { generateProxyless } from "./proxyless/index.js";
import { generateRoutes } from "./routes/index.js";

export type ResourceKind = "clusters" | "endpoints" | "listeners" | "routes";

/** The message type of each kind's resources (their xDS type URL is type.googleapis.com/ + this). */
export const MESSAGE_TYPE: Readonly<Record<ResourceKind, string>> = {
  clusters: "envoy.config.cluster.v3.Cluster",
  endpoints: "envoy.config.endpoint.v3.ClusterLoadAssignment",
  listeners: "envoy.config.listener.v3.Listener",
  routes: "envoy.config.route.v3.RouteConfiguration",
};

const GENERATORS: Readonly<Record<ResourceKind, (ctx: TranslateContext) => GeneratedResource[]>> = {
  clusters: generateClusters,
  endpoints: generateEndpoints,
  listeners: generateListeners,
  routes: generateRoutes,
};

export type ProxyResources = Readonly<Record<ResourceKind, readonly GeneratedResource[]>>;

/**
 * Every resource of every kind for one proxy, each list sorted by name. Proxyless gRPC clients
 * (kind `proxyless`) get Istio's gRPC output instead of the Envoy sidecar's.
 */
export function generateAll(ctx: TranslateContext): ProxyResources {
  const out = {} as Record<ResourceKind, GeneratedResource[]>;
  const proxyless = ctx.proxy.kind === "proxyless" ? generateProxyless(ctx) : undefined;
  for (const kind of Object.keys(GENERATORS) as ResourceKind[])
    out[kind] = (proxyless ? proxyless[kind] : GENERATORS[kind](ctx)).sort(byName);
  return out;
}

/** The resources of one kind for a proxy, sorted by name: the same as generateAll's for it. */
export function generateKind(ctx: TranslateContext, kind: ResourceKind): GeneratedResource[] {
  const out = ctx.proxy.kind === "proxyless" ? generateProxyless(ctx)[kind] : GENERATORS[kind](ctx);
  return out.sort(byName);
}
