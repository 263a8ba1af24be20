// HTTPMatchRequest → Envoy RouteMatch, as Istio translates it: uri exact/prefix/regex to the path
// specifier, headers and withoutHeaders to header matchers (sorted by name), then method,
// authority and scheme as the `:method`, `:authority`, `:scheme` pseudo-headers, query parameters
// (sorted by name here; Istio's map order is random), and `caseSensitive` from ignoreUriCase.
// A StringMatch with no kind, or the regex `*`, means "present". A header named
// `@request.auth.claims.a.b` (or `@request.auth.claims[a][b]`) matches a claim of the request's
// validated JWT instead: a dynamic metadata matcher on the jwt_authn filter's `payload`.

import type { EnvoyMessage } from "../envoy-message.js";
import type { HTTPMatchRequest, StringMatch } from "./istio-types.js";

/** StringMatch → envoy.type.matcher.v3.StringMatcher (undefined when it names no kind). */
export function stringMatcher(m: StringMatch | undefined): EnvoyMessage | undefined {
  if (!m) return undefined;
  if (m.exact !== undefined) return { exact: m.exact };
  if (m.prefix !== undefined) return { prefix: m.prefix };
  if (m.regex !== undefined) return { safeRegex: { regex: m.regex } };
  return undefined;
}

/** A StringMatch that only asks for presence: no kind given, or the regex `*` (Istio #20629). */
export function isPresenceMatch(m: StringMatch | undefined): boolean {
  if (!m) return true;
  if (m.exact === undefined && m.prefix === undefined && m.regex === undefined) return true;
  return m.exact === undefined && m.prefix === undefined && m.regex === "*";
}

export function headerMatcher(name: string, m: StringMatch | undefined): Record<string, unknown> {
  if (isPresenceMatch(m)) return { name, presentMatch: true };
  return { name, stringMatch: stringMatcher(m) };
}

function queryParameterMatcher(name: string, m: StringMatch | undefined): EnvoyMessage {
  if (isPresenceMatch(m)) return { name, presentMatch: true };
  return { name, stringMatch: stringMatcher(m) };
}

const byName = (a: { readonly [k: string]: unknown }, b: { readonly [k: string]: unknown }) =>
  String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0;

const JWT_CLAIMS = "@request.auth.claims";

/** The claim path a `@request.auth.claims…` header names, or undefined for other headers. */
export function routingClaim(header: string): string[] | undefined {
  if (!header.toLowerCase().startsWith(JWT_CLAIMS)) return undefined;
  const rest = header.slice(JWT_CLAIMS.length);
  if (rest.startsWith(".") && rest.length > 1) return rest.slice(1).split(".");
  if (rest.startsWith("[") && rest.endsWith("]") && rest.length > 2)
    return rest.slice(1, -1).split("][");
  return undefined;
}

/** Istio's metadata matcher for a JWT claim: the claim is the value, or one of a list. */
function claimMatcher(claims: string[], m: StringMatch | undefined, invert: boolean): EnvoyMessage {
  const sm = isPresenceMatch(m) ? undefined : stringMatcher(m);
  const value = sm ? { stringMatch: sm } : { presentMatch: true };
  return {
    filter: "envoy.filters.http.jwt_authn",
    path: ["payload", ...claims].map((key) => ({ key })),
    value: { orMatch: { valueMatchers: [{ listMatch: { oneOf: value } }, value] } },
    ...(invert ? { invert: true } : {}),
  };
}

/** The RouteMatch for one match block; `prefix: /` when there is none. */
export function translateRouteMatch(match: HTTPMatchRequest | undefined): EnvoyMessage {
  if (!match) return { prefix: "/" };
  const out: Record<string, unknown> = {};
  const uri = match.uri;
  if (uri?.exact !== undefined) out.path = uri.exact;
  else if (uri?.prefix !== undefined) out.prefix = uri.prefix;
  else if (uri?.regex !== undefined) out.safeRegex = { regex: uri.regex };
  else out.prefix = "/";
  out.caseSensitive = { value: match.ignoreUriCase !== true };

  const headers: Record<string, unknown>[] = [];
  const metadata: EnvoyMessage[] = [];
  for (const [name, m] of Object.entries(match.headers ?? {})) {
    const claims = routingClaim(name);
    if (claims) metadata.push(claimMatcher(claims, m, false));
    else headers.push(headerMatcher(name, m));
  }
  for (const [name, m] of Object.entries(match.withoutHeaders ?? {})) {
    const claims = routingClaim(name);
    if (claims) {
      metadata.push(claimMatcher(claims, m, true));
      continue;
    }
    const h = headerMatcher(name, m);
    h.invertMatch = true;
    // treat_missing_header_as_empty cannot be combined with present_match.
    if (!isPresenceMatch(m)) h.treatMissingHeaderAsEmpty = true;
    headers.push(h);
  }
  headers.sort(byName);
  if (match.method) headers.push(headerMatcher(":method", match.method));
  if (match.authority) headers.push(headerMatcher(":authority", match.authority));
  if (match.scheme) headers.push(headerMatcher(":scheme", match.scheme));
  if (headers.length > 0) out.headers = headers;

  const query = Object.entries(match.queryParams ?? {})
    .map(([name, m]) => queryParameterMatcher(name, m))
    .sort(byName);
  if (query.length > 0) out.queryParameters = query;
  if (metadata.length > 0) out.dynamicMetadata = metadata;
  return out;
}

/** A route that matches every request: prefix `/` (or regex `.*`) and no header/query match. */
export function isCatchAllMatch(match: EnvoyMessage): boolean {
  const pathAll =
    match.prefix === "/" ||
    match.pathSeparatedPrefix === "/" ||
    (match.safeRegex as { regex?: string } | undefined)?.regex === ".*";
  const none = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
  return (
    pathAll && none(match.headers) && none(match.queryParameters) && none(match.dynamicMetadata)
  );
}
