// Header manipulation (VirtualService `headers`, on a route or on one weighted destination), as
// Istio: `set` → OVERWRITE_IF_EXISTS_OR_ADD and `add` → APPEND_IF_EXISTS_OR_ADD (each sorted by
// name, set before add); pseudo-headers and `host` cannot be changed by Envoy and are dropped,
// except that setting `:authority`/`host` becomes the route's host rewrite.

import type { EnvoyMessage } from "../envoy-message.js";
import type { Headers } from "./istio-types.js";

export interface HeaderOperations {
  readonly requestHeadersToAdd: EnvoyMessage[];
  readonly requestHeadersToRemove: string[];
  readonly responseHeadersToAdd: EnvoyMessage[];
  readonly responseHeadersToRemove: string[];
  /** The authority a `set`/`add` of `:authority` or `host` asks for ("" when none). */
  readonly authority: string;
}

const isInternal = (k: string) => k.startsWith(":") || k.toLowerCase() === "host";
const isAuthority = (k: string) => k.toLowerCase() === ":authority" || k.toLowerCase() === "host";

function options(
  headers: Readonly<Record<string, string>> | undefined,
  append: boolean,
): { list: EnvoyMessage[]; authority: string } {
  let authority = "";
  const list: EnvoyMessage[] = [];
  for (const key of Object.keys(headers ?? {}).sort()) {
    const value = headers![key]!;
    if (isAuthority(key)) authority = value;
    if (isInternal(key)) continue;
    list.push({
      header: { key, value },
      appendAction: append ? "APPEND_IF_EXISTS_OR_ADD" : "OVERWRITE_IF_EXISTS_OR_ADD",
    });
  }
  return { list, authority };
}

export function translateHeaders(h: Headers | undefined): HeaderOperations {
  const reqSet = options(h?.request?.set, false);
  const reqAdd = options(h?.request?.add, true);
  const respSet = options(h?.response?.set, false);
  const respAdd = options(h?.response?.add, true);
  return {
    requestHeadersToAdd: [...reqSet.list, ...reqAdd.list],
    requestHeadersToRemove: (h?.request?.remove ?? []).filter((k) => !isInternal(k)),
    responseHeadersToAdd: [...respSet.list, ...respAdd.list],
    responseHeadersToRemove: (h?.response?.remove ?? []).filter((k) => !isInternal(k)),
    authority: reqSet.authority || reqAdd.authority,
  };
}
