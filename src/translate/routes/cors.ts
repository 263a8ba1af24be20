// CORS (VirtualService corsPolicy → envoy.extensions.filters.http.cors.v3.CorsPolicy, set as the
// route's per-filter config for `envoy.filters.http.cors`), as current Istio: always enabled
// (filterEnabled 100 %), origins as string matchers (the deprecated `allowOrigin` as exact
// matches), lists joined with commas, maxAge in whole seconds, and preflights that match no
// origin forwarded upstream unless `unmatchedPreflights: IGNORE`.

import { duration, typed, type EnvoyMessage } from "../envoy-message.js";
import type { CorsPolicy } from "./istio-types.js";
import { stringMatcher } from "./match.js";

export const CORS_FILTER = "envoy.filters.http.cors";

export function translateCorsPolicy(cors: CorsPolicy): EnvoyMessage {
  const out: Record<string, unknown> = {};
  if (cors.allowOrigins)
    out.allowOriginStringMatch = cors.allowOrigins
      .map((o) => stringMatcher(o))
      .filter((m) => m !== undefined);
  else if (cors.allowOrigin)
    out.allowOriginStringMatch = cors.allowOrigin.map((o) => ({ exact: o }));
  const join = (l: readonly string[] | undefined) => (l && l.length > 0 ? l.join(",") : undefined);
  const methods = join(cors.allowMethods);
  const headers = join(cors.allowHeaders);
  const expose = join(cors.exposeHeaders);
  if (methods) out.allowMethods = methods;
  if (headers) out.allowHeaders = headers;
  if (expose) out.exposeHeaders = expose;
  if (cors.maxAge) out.maxAge = String(duration(cors.maxAge).seconds);
  if (cors.allowCredentials !== undefined) out.allowCredentials = { value: cors.allowCredentials };
  out.filterEnabled = { defaultValue: { numerator: 100, denominator: "HUNDRED" } };
  out.forwardNotMatchingPreflights = { value: cors.unmatchedPreflights !== "IGNORE" };
  return typed("envoy.extensions.filters.http.cors.v3.CorsPolicy", out);
}
