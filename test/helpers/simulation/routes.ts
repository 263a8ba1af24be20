// Route matching inside a virtual host: the first route whose match accepts the request wins.
// Path specifiers look at :path without the query string (prefix, path and pathSeparatedPrefix
// honour caseSensitive; safeRegex must match the whole path); then every header matcher and every
// query parameter matcher must accept; `grpc` needs content-type application/grpc.

import { bool, list, num, obj, str, type Msg } from "./plain.js";
import { regexMatcher, stringMatcher } from "./string-matcher.js";

export interface HttpRequest {
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  readonly scheme: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/** A header value, pseudo-headers included; undefined when absent. */
export function headerValue(req: HttpRequest, name: string): string | undefined {
  const n = name.toLowerCase();
  if (n === ":authority" || n === "host") return req.authority;
  if (n === ":path") return req.path;
  if (n === ":method") return req.method;
  if (n === ":scheme") return req.scheme;
  return req.headers[n];
}

function valueMatches(m: Msg, value: string): boolean {
  if (m["exactMatch"] !== undefined) return value === m["exactMatch"];
  if (m["prefixMatch"] !== undefined) return value.startsWith(str(m["prefixMatch"]) ?? "");
  if (m["suffixMatch"] !== undefined) return value.endsWith(str(m["suffixMatch"]) ?? "");
  if (m["containsMatch"] !== undefined) return value.includes(str(m["containsMatch"]) ?? "");
  if (m["safeRegexMatch"] !== undefined) return regexMatcher(m["safeRegexMatch"], value);
  if (m["stringMatch"] !== undefined) return stringMatcher(obj(m["stringMatch"]) ?? {}, value);
  const range = obj(m["rangeMatch"]);
  if (range) {
    if (!/^-?\d+$/.test(value)) return false;
    const n = Number(value);
    return n >= (num(range["start"]) ?? 0) && n < (num(range["end"]) ?? 0);
  }
  return true; // no value matcher: presence only
}

/** HeaderMatcher. A missing header fails every matcher except an absence check (presentMatch). */
export function headerMatches(m: Msg, req: HttpRequest): boolean {
  const invert = bool(m["invertMatch"]) === true;
  let value = headerValue(req, str(m["name"]) ?? "");
  if (value === undefined && bool(m["treatMissingHeaderAsEmpty"]) === true) value = "";
  const present = m["presentMatch"];
  if (value === undefined)
    return typeof present === "boolean" ? (present === false) !== invert : false;
  if (typeof present === "boolean") return present !== invert;
  return valueMatches(m, value) !== invert;
}

export function queryParameters(path: string): Map<string, string> {
  const q = path.indexOf("?");
  const out = new Map<string, string>();
  if (q < 0) return out;
  for (const part of path
    .slice(q + 1)
    .split("#")[0]!
    .split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const k = eq < 0 ? part : part.slice(0, eq);
    if (!out.has(k)) out.set(k, eq < 0 ? "" : part.slice(eq + 1));
  }
  return out;
}

function queryMatches(m: Msg, params: Map<string, string>): boolean {
  const value = params.get(str(m["name"]) ?? "");
  if (value === undefined) return false;
  const sm = obj(m["stringMatch"]);
  if (sm) return stringMatcher(sm, value);
  return true; // presentMatch, or no matcher
}

function pathMatches(match: Msg, path: string): boolean | "unsupported" {
  const bare = path.split("?")[0]!.split("#")[0]!;
  const cs = bool(match["caseSensitive"]) !== false;
  const fold = (s: string) => (cs ? s : s.toLowerCase());
  const p = fold(bare);
  if (typeof match["prefix"] === "string") return p.startsWith(fold(match["prefix"]));
  if (typeof match["path"] === "string") return p === fold(match["path"]);
  if (typeof match["pathSeparatedPrefix"] === "string") {
    const sep = fold(match["pathSeparatedPrefix"]);
    return p === sep || p.startsWith(`${sep}/`);
  }
  if (match["safeRegex"] !== undefined) return regexMatcher(match["safeRegex"], bare);
  return "unsupported";
}

export type RouteMatch = { route: Msg; index: number } | { unsupported: string } | undefined;

export function selectRoute(virtualHost: Msg, req: HttpRequest): RouteMatch {
  const params = queryParameters(req.path);
  const routes = list(virtualHost["routes"]);
  for (let i = 0; i < routes.length; i++) {
    const match = obj(routes[i]!["match"]) ?? {};
    if (match["connectMatcher"] !== undefined) {
      if (req.method !== "CONNECT") continue;
    } else {
      const p = pathMatches(match, req.path);
      if (p === "unsupported")
        return { unsupported: `routes[${i}].match has no path specifier this simulation knows` };
      if (!p) continue;
    }
    if (
      match["grpc"] !== undefined &&
      !(req.headers["content-type"] ?? "").startsWith("application/grpc")
    )
      continue;
    if (!list(match["headers"]).every((h) => headerMatches(h, req))) continue;
    if (!list(match["queryParameters"]).every((q) => queryMatches(q, params))) continue;
    return { route: routes[i]!, index: i };
  }
  return undefined;
}
