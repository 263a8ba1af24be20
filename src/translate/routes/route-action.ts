// The action of a VirtualService HTTP route that forwards (Istio's applyHTTPRouteDestination):
// one cluster, or weighted clusters (weight-0 destinations dropped), the timeout (none: 0s, with
// maxGrpcTimeout following it), rewrites, mirrors, hash policies and the retry policy.

import type { TranslateContext } from "../context.js";
import { duration, type EnvoyMessage } from "../envoy-message.js";
import { resolveDestination, type ResolvedDestination } from "./cluster-ref.js";
import { integerToFractional, percentToFractional } from "./fault.js";
import { hashPolicyForDestination } from "./hash-policy.js";
import { translateHeaders } from "./headers.js";
import type { Destination, HTTPRetry, HTTPRoute, HTTPRouteDestination } from "./istio-types.js";
import { convertRetryPolicy } from "./retry.js";

export const NO_TIMEOUT = { seconds: 0, nanos: 0 };

export interface ForwardAction {
  readonly action: EnvoyMessage;
  /** Header operations of a single destination, appended to the route's. */
  readonly destinationHeaders?: ReturnType<typeof translateHeaders>;
  /** Istio's name of the single destination cluster (for the decorator); undefined if weighted. */
  readonly singleCluster?: string;
}

function hashFor(ctx: TranslateContext, d: ResolvedDestination, dst: HTTPRouteDestination) {
  return hashPolicyForDestination(ctx, d.host, d.subset, dst.destination?.port?.number);
}

function mirrorFraction(percentage: { value?: number } | undefined, legacy: number | undefined) {
  if (percentage !== undefined)
    return (percentage.value ?? 0) > 0 ? percentToFractional(percentage) : undefined;
  if (legacy !== undefined) return legacy > 0 ? integerToFractional(legacy) : undefined;
  return integerToFractional(100);
}

function mirrorPolicies(ctx: TranslateContext, http: HTTPRoute, ns: string, port: number) {
  const out: EnvoyMessage[] = [];
  const add = (dst: Destination, fraction: EnvoyMessage | undefined) => {
    if (!fraction) return;
    const d = resolveDestination(ctx, dst, ns, port);
    // A mirror to a cluster the proxy was not sent would be dropped by Envoy; leave it out.
    if (!d.sent) return;
    out.push({
      cluster: d.cluster,
      runtimeFraction: { defaultValue: fraction },
      traceSampled: { value: false },
    });
  };
  if (http.mirror)
    add(
      http.mirror,
      mirrorFraction(http.mirrorPercentage, http.mirrorPercent ?? http.mirror_percent),
    );
  for (const m of http.mirrors ?? [])
    if (m.destination) add(m.destination, mirrorFraction(m.percentage, undefined));
  return out;
}

export function forwardAction(
  ctx: TranslateContext,
  http: HTTPRoute,
  vsNamespace: string,
  listenerPort: number,
  headerAuthority: string,
  defaultRetries: HTTPRetry | undefined,
): ForwardAction {
  const action: Record<string, unknown> = {};
  const hashPolicy: EnvoyMessage[] = [];
  let destinationHeaders: ReturnType<typeof translateHeaders> | undefined;
  let singleCluster: string | undefined;
  let consistentHash = false;
  let authority = headerAuthority;
  const routes = http.route ?? [];
  if (routes.length === 1) {
    const dst = routes[0]!;
    const d = resolveDestination(ctx, dst.destination ?? {}, vsNamespace, listenerPort);
    action.cluster = d.cluster;
    singleCluster = d.istioCluster;
    if (dst.headers) destinationHeaders = translateHeaders(dst.headers);
    const h = hashFor(ctx, d, dst);
    if (h) hashPolicy.push(h);
    consistentHash = h !== undefined;
  } else {
    const clusters: EnvoyMessage[] = [];
    for (const dst of routes) {
      if (!dst.weight) continue;
      const d = resolveDestination(ctx, dst.destination ?? {}, vsNamespace, listenerPort);
      const ops = dst.headers ? translateHeaders(dst.headers) : undefined;
      clusters.push({
        name: d.cluster,
        weight: { value: dst.weight },
        ...(ops && ops.requestHeadersToAdd.length
          ? { requestHeadersToAdd: ops.requestHeadersToAdd }
          : {}),
        ...(ops && ops.requestHeadersToRemove.length
          ? { requestHeadersToRemove: ops.requestHeadersToRemove }
          : {}),
        ...(ops && ops.responseHeadersToAdd.length
          ? { responseHeadersToAdd: ops.responseHeadersToAdd }
          : {}),
        ...(ops && ops.responseHeadersToRemove.length
          ? { responseHeadersToRemove: ops.responseHeadersToRemove }
          : {}),
        ...(ops?.authority ? { hostRewriteLiteral: ops.authority } : {}),
      });
      const h = hashFor(ctx, d, dst);
      if (h) hashPolicy.push(h);
    }
    action.weightedClusters = { clusters };
  }
  const rw = http.rewrite;
  if (rw?.uriRegexRewrite)
    action.regexRewrite = {
      pattern: { regex: rw.uriRegexRewrite.match ?? "" },
      substitution: rw.uriRegexRewrite.rewrite ?? "",
    };
  else if (rw?.uri) action.prefixRewrite = rw.uri;
  if (rw?.authority) authority = rw.authority;
  // A single destination's authority applies only when the route sets none.
  if (!authority && destinationHeaders?.authority) authority = destinationHeaders.authority;
  if (authority) action.hostRewriteLiteral = authority;
  const timeout = http.timeout ? duration(http.timeout) : NO_TIMEOUT;
  action.timeout = timeout;
  const retryPolicy = convertRetryPolicy(http.retries ?? defaultRetries, consistentHash);
  if (retryPolicy) action.retryPolicy = retryPolicy;
  const mirrors = mirrorPolicies(ctx, http, vsNamespace, listenerPort);
  if (mirrors.length > 0) action.requestMirrorPolicies = mirrors;
  if (hashPolicy.length > 0) action.hashPolicy = hashPolicy;
  if (ctx.proxy.kind === "proxyless") action.maxStreamDuration = { maxStreamDuration: timeout };
  else action.maxGrpcTimeout = timeout;
  return {
    action,
    ...(destinationHeaders ? { destinationHeaders } : {}),
    ...(singleCluster ? { singleCluster } : {}),
  };
}
