// One VirtualService HTTP route (for one of its match blocks) → one Envoy route, as Istio's
// translateRoute; and a VirtualService's HTTP routes, in order, for one listener port and one set
// of gateway names (`mesh` for sidecars, `ns/name` for a gateway). A match block is left out when
// its `port` is not the listener's, or when its `gateways` / `sourceLabels` / `sourceNamespace`
// do not select this proxy: that is how routes differ per proxy. Routes after a catch-all are
// never reached and are not emitted.

import type { MeshConfig } from "../../registry/mesh/mesh-config.js";
import { selectorMatches } from "../../registry/mesh/labels.js";
import { resolveGatewayName } from "../../registry/mesh/virtual-services.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage } from "../envoy-message.js";
import { parseOutboundClusterName } from "./cluster-ref.js";
import { CORS_FILTER, translateCorsPolicy } from "./cors.js";
import { FAULT_FILTER, translateFault } from "./fault.js";
import { translateHeaders } from "./headers.js";
import type { HTTPMatchRequest, HTTPRetry, HTTPRoute } from "./istio-types.js";
import { isCatchAllMatch, translateRouteMatch } from "./match.js";
import { applyDirectResponse, applyRedirect } from "./redirect.js";
import { forwardAction } from "./route-action.js";

/** The VirtualService a route comes from: its identity and (delegates merged) HTTP routes. */
export interface RouteSource {
  readonly name: string;
  readonly namespace: string;
  readonly http: readonly HTTPRoute[];
}

export interface RouteOptions {
  readonly listenerPort: number;
  /** `mesh` for sidecars; the gateway's `namespace/name` at a gateway. */
  readonly gatewayNames: ReadonlySet<string>;
  /** The listener terminates TLS (redirects default to https). */
  readonly isTls?: boolean;
}

/** Istio's sourceMatchHTTP: the match block's gateways, else its source labels and namespace. */
export function sourceMatches(
  ctx: TranslateContext,
  match: HTTPMatchRequest | undefined,
  vsNamespace: string,
  gatewayNames: ReadonlySet<string>,
): boolean {
  if (!match) return true;
  if (match.gateways && match.gateways.length > 0)
    return match.gateways.some((g) => gatewayNames.has(resolveGatewayName(g, vsNamespace)));
  if (!selectorMatches(match.sourceLabels ?? {}, ctx.proxy.labels)) return false;
  return !match.sourceNamespace || match.sourceNamespace === ctx.proxy.namespace;
}

export function meshDefaultRetries(mesh: MeshConfig): HTTPRetry | undefined {
  return mesh.raw.defaultHttpRetryPolicy as HTTPRetry | undefined;
}

/** `/apis/networking.istio.io/v1/namespaces/NS/virtual-service/NAME` as route metadata. */
function configMetadata(src: RouteSource): EnvoyMessage {
  const path = `/apis/networking.istio.io/v1/namespaces/${src.namespace}/virtual-service/${src.name}`;
  return { filterMetadata: { istio: { fields: { config: { stringValue: path } } } } };
}

/** Istio's GetRouteOperation: `host:port/path` for one outbound cluster, else `vs:port/path`. */
function routeOperation(
  match: EnvoyMessage,
  cluster: string | undefined,
  src: RouteSource,
  port: number,
) {
  let path = "/*";
  if (typeof match.prefix === "string") path = `${match.prefix}*`;
  else if (typeof match.path === "string") path = match.path;
  else if (match.safeRegex) path = (match.safeRegex as { regex: string }).regex;
  const parsed = cluster ? parseOutboundClusterName(cluster) : undefined;
  if (parsed) return `${parsed.host}:${parsed.port}${path}`;
  return `${src.name}:${port}${path}`;
}

export function translateRoute(
  ctx: TranslateContext,
  src: RouteSource,
  http: HTTPRoute,
  match: HTTPMatchRequest | undefined,
  opts: RouteOptions,
): EnvoyMessage | undefined {
  if (match?.port && match.port !== opts.listenerPort) return undefined;
  if (!sourceMatches(ctx, match, src.namespace, opts.gatewayNames)) return undefined;
  const name = match?.name ? `${http.name ?? ""}.${match.name}` : (http.name ?? "");
  const routeMatch = translateRouteMatch(match);
  const ops = translateHeaders(http.headers);
  const out: Record<string, unknown> = {};
  if (name) out.name = name;
  out.match = routeMatch;
  if (match?.statPrefix) out.statPrefix = match.statPrefix;
  let cluster: string | undefined;
  let destinationOps: ReturnType<typeof translateHeaders> | undefined;
  if (http.redirect) {
    const redirect = applyRedirect(http.redirect, opts.listenerPort, opts.isTls === true);
    if (!redirect) return undefined;
    out.redirect = redirect;
  } else if (http.directResponse) {
    out.directResponse = applyDirectResponse(http.directResponse);
  } else {
    const fwd = forwardAction(
      ctx,
      http,
      src.namespace,
      opts.listenerPort,
      ops.authority,
      meshDefaultRetries(ctx.model.meshConfig),
    );
    out.route = fwd.action;
    cluster = fwd.singleCluster;
    destinationOps = fwd.destinationHeaders;
  }
  out.metadata = configMetadata(src);
  out.decorator = { operation: routeOperation(routeMatch, cluster, src, opts.listenerPort) };
  const perFilter: Record<string, unknown> = {};
  const fault = http.fault ? translateFault(http.fault) : undefined;
  if (fault) perFilter[FAULT_FILTER] = fault;
  if (http.corsPolicy) perFilter[CORS_FILTER] = translateCorsPolicy(http.corsPolicy);
  if (Object.keys(perFilter).length > 0) out.typedPerFilterConfig = perFilter;
  const reqAdd = [...ops.requestHeadersToAdd, ...(destinationOps?.requestHeadersToAdd ?? [])];
  const reqRemove = [
    ...ops.requestHeadersToRemove,
    ...(destinationOps?.requestHeadersToRemove ?? []),
  ];
  const respAdd = [...ops.responseHeadersToAdd, ...(destinationOps?.responseHeadersToAdd ?? [])];
  const respRemove = [
    ...ops.responseHeadersToRemove,
    ...(destinationOps?.responseHeadersToRemove ?? []),
  ];
  if (reqAdd.length) out.requestHeadersToAdd = reqAdd;
  if (reqRemove.length) out.requestHeadersToRemove = reqRemove;
  if (respAdd.length) out.responseHeadersToAdd = respAdd;
  if (respRemove.length) out.responseHeadersToRemove = respRemove;
  return out;
}

export function isCatchAllRoute(route: EnvoyMessage): boolean {
  return isCatchAllMatch(route.match as EnvoyMessage);
}

/** The Envoy routes of a VirtualService on one port for one proxy, in order (may be empty). */
export function buildRoutesForVirtualService(
  ctx: TranslateContext,
  src: RouteSource,
  opts: RouteOptions,
): EnvoyMessage[] {
  const out: EnvoyMessage[] = [];
  for (const http of src.http) {
    let catchAll = false;
    if (!http.match || http.match.length === 0) {
      const r = translateRoute(ctx, src, http, undefined, opts);
      if (r) out.push(r);
      catchAll = true;
    } else {
      for (const m of http.match) {
        const r = translateRoute(ctx, src, http, m, opts);
        if (!r) continue;
        out.push(r);
        if (isCatchAllRoute(r)) {
          catchAll = true;
          break;
        }
      }
    }
    if (catchAll) break;
  }
  return out;
}
