// HTTP header names, header operations and methods as Istio checks them.

import { q, type IssueSink, type Path } from "./shape.js";

// RFC 7230 token characters.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Header names: RFC 7230 tokens (letters, digits and !#$%&'*+-.^_`|~; no spaces or ':'). */
export function checkHeaderName(sink: IssueSink, path: Path, name: string): void {
  if (name === "") sink.error(path, "header name is empty");
  else if (!HEADER_NAME.test(name))
    sink.error(
      path,
      `header name ${q(name)} is not valid; use letters, digits and - _ . (no spaces, ':' or '@')`,
    );
}

/**
 * Header names in add/set/remove operations. Pseudo headers (`:path`) and `host` cannot be
 * changed, except that request add/set may rewrite the authority (`:authority` or `host`).
 */
export function checkHeaderOperationName(
  sink: IssueSink,
  path: Path,
  name: string,
  allowAuthority: boolean,
): void {
  const lower = name.toLowerCase();
  const isAuthority = lower === ":authority" || lower === "host";
  if (allowAuthority && isAuthority) return;
  if (name.startsWith(":") || lower === "host") {
    sink.error(
      path,
      `header ${q(name)} cannot be changed; pseudo headers and host are managed by the proxy`,
    );
    return;
  }
  checkHeaderName(sink, path, name);
}

export const HTTP_METHODS = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
] as const;

export function isHttpMethod(s: unknown): boolean {
  return typeof s === "string" && (HTTP_METHODS as readonly string[]).includes(s);
}

const PSEUDO_HEADERS = new Set([":method", ":scheme", ":authority", ":path", ":status"]);
const CLAIM_PREFIX = "@request.auth.claims";

/**
 * Header names in HTTP matches: ordinary names, HTTP/2 pseudo headers, or a JWT claim
 * (`@request.auth.claims.group`, `@request.auth.claims[group]`), which only gateways can route on.
 */
export function checkMatchHeaderName(
  sink: IssueSink,
  path: Path,
  name: string,
  boundToGateway: boolean,
): void {
  if (PSEUDO_HEADERS.has(name)) return;
  if (name.startsWith(CLAIM_PREFIX)) {
    const rest = name.slice(CLAIM_PREFIX.length);
    if (!/^(\.[^.[\]]+)+$|^(\[[^\]]+\])+$/.test(rest))
      sink.error(
        path,
        `JWT claim match ${q(name)} must look like @request.auth.claims.group or @request.auth.claims[group]`,
      );
    else if (!boundToGateway)
      sink.error(
        path,
        `JWT claim routing (${name}) only works in a VirtualService bound to gateways (not mesh)`,
      );
    return;
  }
  checkHeaderName(sink, path, name);
}
