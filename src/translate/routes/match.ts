// HTTPMatchRequest → Envoy RouteMatch, as Istio translates it: uri exact/prefix/regex to the path
// specifier, headers and withoutHeaders to header matchers (sorted by name), then method,
// authority and scheme as the `:method`, `:authority`, `:scheme` pseudo-headers, query parameters
// (sorted by name here; Istio's map order is random), and `caseSensitive` from ignoreUriCase.
// A StringMatch with no kind, or the regex `*`, means "present".

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
  for (const [name, m] of Object.entries(match.headers ?? {})) headers.push(headerMatcher(name, m));
  for (const [name, m] of Object.entries(match.withoutHeaders ?? {})) {
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
