// A filter chain before it becomes Envoy config: its match conditions, TLS context and filters.
// Outbound and gateway listeners are assembled from these, as Istio does: chains that match
// everything become the listener's only chain or its default chain; the others get a
// FilterChainMatch; listener filters (TLS / HTTP inspector) are added when a match needs them.

import type { EnvoyMessage } from "../envoy-message.js";
import { tlsTransportSocket } from "./filters.js";
import { WILDCARD_IPV4 } from "./names.js";

export interface FilterChainOpts {
  readonly sniHosts?: readonly string[];
  readonly destinationCidrs?: readonly string[];
  readonly applicationProtocols?: readonly string[];
  readonly transportProtocol?: string;
  readonly tlsContext?: EnvoyMessage;
  /** The network filters, the last one terminal (tcp_proxy or HCM). */
  readonly filters: readonly EnvoyMessage[];
  readonly name?: string;
}

function sniWithoutWildcard(hosts: readonly string[] | undefined): readonly string[] {
  return hosts && hosts.length > 0 && !hosts.includes("*") ? hosts : [];
}

/** A chain with no condition: it matches every connection. */
export function isMatchAll(c: FilterChainOpts): boolean {
  return (
    sniWithoutWildcard(c.sniHosts).length === 0 &&
    (c.applicationProtocols ?? []).length === 0 &&
    !c.transportProtocol &&
    (c.destinationCidrs ?? []).length === 0
  );
}

/** `10.0.0.0/8` or an address (as /32 or /128). */
export function cidrRange(cidr: string): EnvoyMessage {
  const [address, len] = cidr.split("/");
  const prefixLen = len !== undefined ? Number(len) : address!.includes(":") ? 128 : 32;
  return { addressPrefix: address, prefixLen: { value: prefixLen } };
}

export function toFilterChainMatch(c: FilterChainOpts): EnvoyMessage | undefined {
  if (isMatchAll(c)) return undefined;
  const sni = [...sniWithoutWildcard(c.sniHosts)].sort();
  const cidrs = [...(c.destinationCidrs ?? [])]
    .sort()
    .filter((d) => d.split("/")[0] !== WILDCARD_IPV4);
  return {
    ...(sni.length > 0 ? { serverNames: sni } : {}),
    ...(c.transportProtocol ? { transportProtocol: c.transportProtocol } : {}),
    ...(c.applicationProtocols?.length
      ? { applicationProtocols: [...c.applicationProtocols] }
      : {}),
    ...(cidrs.length > 0 ? { prefixRanges: cidrs.map(cidrRange) } : {}),
  };
}

/** Two chains that Envoy would see as the same match (the second could never be selected). */
export function conflicts(a: FilterChainOpts, b: FilterChainOpts): boolean {
  const set = (xs: readonly string[] | undefined) =>
    [...new Set((xs ?? []).filter((x) => x !== "*" && x.split("/")[0] !== WILDCARD_IPV4))]
      .sort()
      .join(",");
  return (
    (a.transportProtocol ?? "") === (b.transportProtocol ?? "") &&
    (a.applicationProtocols ?? []).join(",") === (b.applicationProtocols ?? []).join(",") &&
    set(a.sniHosts) === set(b.sniHosts) &&
    set(a.destinationCidrs) === set(b.destinationCidrs)
  );
}

export function needsTlsInspector(chains: readonly FilterChainOpts[]): boolean {
  return chains.some(
    (c) =>
      sniWithoutWildcard(c.sniHosts).length > 0 ||
      (
        (c.tlsContext?.commonTlsContext as EnvoyMessage | undefined)?.alpnProtocols as
          unknown[] | undefined
      )?.length,
  );
}

export function needsHttpInspector(chains: readonly FilterChainOpts[]): boolean {
  return chains.some((c) => (c.applicationProtocols ?? []).length > 0);
}

/** The Envoy FilterChain of one option. */
export function filterChain(c: FilterChainOpts, withMatch: boolean): EnvoyMessage {
  const match = withMatch ? toFilterChainMatch(c) : undefined;
  return {
    ...(match ? { filterChainMatch: match } : {}),
    filters: [...c.filters],
    ...(c.tlsContext ? { transportSocket: tlsTransportSocket(c.tlsContext) } : {}),
    ...(c.name ? { name: c.name } : {}),
  };
}
