// Envoy's filter chain match: the chains of a listener are pruned criterion by criterion, in
// Envoy's order, each step keeping the chains that match the connection most specifically (a
// chain without the criterion matches anything, least specifically). Whatever is left after all
// steps is the chain (Envoy rejects listeners where two chains could be left); with nothing left,
// the listener's defaultFilterChain takes the connection, if it has one.

import { cidrOf, inCidr, isLoopback, type Cidr } from "./address.js";
import type { Detected } from "./listeners.js";
import { list, num, obj, strings, type Msg } from "./plain.js";

export interface Connection extends Detected {
  readonly destinationIp: string;
  readonly destinationPort: number;
  readonly sourceIp: string;
  readonly sourcePort: number;
}

/**
 * One step: `score` says how specifically a chain matches (higher is more specific); undefined
 * means the chain's criterion excludes the connection. Only the best-scoring chains go on.
 */
function prune(chains: Msg[], score: (m: Msg) => number | undefined): Msg[] {
  const scored = chains
    .map((c) => ({ c, s: score(obj(c["filterChainMatch"]) ?? {}) }))
    .filter((x): x is { c: Msg; s: number } => x.s !== undefined);
  const best = Math.max(...scored.map((x) => x.s));
  return scored.filter((x) => x.s === best).map((x) => x.c);
}

function cidrs(v: unknown): Cidr[] {
  return list(v)
    .map(cidrOf)
    .filter((c): c is Cidr => c !== undefined);
}

/** Longest matching prefix (+1, so /0 beats "no ranges"); 0 without ranges. */
function prefixScore(v: unknown, ip: string): number | undefined {
  const ranges = cidrs(v);
  if (ranges.length === 0) return 0;
  const lens = ranges.filter((r) => inCidr(ip, r)).map((r) => r.len + 1);
  return lens.length > 0 ? Math.max(...lens) : undefined;
}

function serverNameScore(names: string[], sni: string | undefined): number | undefined {
  if (names.length === 0) return 0;
  if (sni === undefined) return undefined;
  const host = sni.toLowerCase();
  let best: number | undefined;
  for (const n of names.map((x) => x.toLowerCase())) {
    if (n === host) return Number.MAX_SAFE_INTEGER;
    // `*.example.com` matches names ending in `.example.com` (one label or more before it).
    if (n.startsWith("*.") && host.endsWith(n.slice(1)) && host.length > n.length - 1)
      best = Math.max(best ?? 0, n.length);
  }
  return best;
}

function sourceTypeScore(t: unknown, c: Connection): number | undefined {
  if (t === undefined || t === "ANY" || t === 0) return 0;
  const local = c.sourceIp === c.destinationIp || isLoopback(c.sourceIp);
  if (t === "SAME_IP_OR_LOOPBACK" || t === 1) return local ? 1 : undefined;
  if (t === "EXTERNAL" || t === 2) return local ? undefined : 1;
  return undefined;
}

export function matchFilterChain(listener: Msg, c: Connection): Msg | undefined {
  let chains = list(listener["filterChains"]);
  const steps: Array<(m: Msg) => number | undefined> = [
    (m) => {
      const p = num(m["destinationPort"]);
      return p === undefined ? 0 : p === c.destinationPort ? 1 : undefined;
    },
    (m) => prefixScore(m["prefixRanges"], c.destinationIp),
    (m) => serverNameScore(strings(m["serverNames"]), c.serverName),
    (m) => {
      const t = m["transportProtocol"];
      return t === undefined || t === "" ? 0 : t === c.transportProtocol ? 1 : undefined;
    },
    (m) => {
      const protos = strings(m["applicationProtocols"]);
      if (protos.length === 0) return 0;
      return c.applicationProtocols.some((p) => protos.includes(p)) ? 1 : undefined;
    },
    (m) => prefixScore(m["directSourcePrefixRanges"], c.sourceIp),
    (m) => sourceTypeScore(m["sourceType"], c),
    (m) => prefixScore(m["sourcePrefixRanges"], c.sourceIp),
    (m) => {
      const ports = (Array.isArray(m["sourcePorts"]) ? m["sourcePorts"] : []) as unknown[];
      if (ports.length === 0) return 0;
      return ports.map(num).includes(c.sourcePort) ? 1 : undefined;
    },
  ];
  for (const step of steps) {
    if (chains.length === 0) break;
    chains = prune(chains, step);
  }
  return chains[0] ?? obj(listener["defaultFilterChain"]);
}

export function chainName(listener: Msg, chain: Msg): string {
  if (typeof chain["name"] === "string" && chain["name"] !== "") return chain["name"];
  const i = list(listener["filterChains"]).indexOf(chain);
  return i >= 0 ? `filterChains[${i}]` : "defaultFilterChain";
}
