// Istio's proxyless gRPC output (its `grpc` generator) for clients that connect with
// GENERATOR=grpc: API listeners `HOST:PORT` so `xds:///HOST:PORT` resolves, route configs
// `FQDN:PORT` with the sidecar's virtual hosts (routes generator), EDS clusters over the clusters
// generator's plans, and the endpoints generator's assignments for them. gRPC requests listeners,
// routes and clusters by name; the server answers from these sets.

import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";
import { proxylessClusters } from "./clusters.js";
import { proxylessEndpoints } from "./endpoints.js";
import { proxylessListeners } from "./listeners.js";
import { proxylessRouteConfigs } from "./routes.js";

export interface ProxylessResources {
  readonly clusters: GeneratedResource[];
  readonly endpoints: GeneratedResource[];
  readonly listeners: GeneratedResource[];
  readonly routes: GeneratedResource[];
}

/** Keeps the first resource of each name (two services cannot share one xDS name). */
function unique(list: GeneratedResource[]): GeneratedResource[] {
  const seen = new Set<string>();
  return list.filter((r) => !seen.has(r.name) && seen.add(r.name));
}

export function generateProxyless(ctx: TranslateContext): ProxylessResources {
  const clusters = unique(proxylessClusters(ctx));
  return {
    clusters,
    endpoints: unique(proxylessEndpoints(ctx, clusters)),
    listeners: unique(proxylessListeners(ctx)),
    routes: unique(proxylessRouteConfigs(ctx)),
  };
}
