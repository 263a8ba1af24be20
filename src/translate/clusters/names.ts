// Istio's names for clusters and their mTLS SNI, shared by every generator that refers to a
// cluster (routes, listeners, proxyless): `outbound|PORT|SUBSET|HOST`, `inbound|PORT||`, and the
// SNI `outbound_.PORT_.SUBSET_.HOST` (`outbound_.PORT_._.HOST` when no subset) that Istio's gateways route on.

export const BLACKHOLE_CLUSTER = "BlackHoleCluster";
export const PASSTHROUGH_CLUSTER = "PassthroughCluster";
export const INBOUND_PASSTHROUGH_CLUSTER = "InboundPassthroughCluster";

/** `outbound|9080|v1|reviews.default.svc.cluster.local` (subset "" for the service cluster). */
export function outboundClusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

/** `inbound|9080||`: one inbound cluster per workload port. */
export function inboundClusterName(port: number): string {
  return `inbound|${port}||`;
}

/** `outbound_.9080_.v1_.reviews.default.svc.cluster.local` (`outbound_.9080_._.reviews…` without). */
export function outboundSni(port: number, subset: string, host: string): string {
  return `outbound_.${port}_.${subset}_.${host}`;
}

export interface ParsedClusterName {
  readonly direction: "outbound" | "inbound";
  readonly port: number;
  readonly subset: string;
  readonly host: string;
}

/** The parts of an `outbound|…` / `inbound|…` name; undefined for any other cluster name. */
export function parseClusterName(name: string): ParsedClusterName | undefined {
  const parts = name.split("|");
  if (parts.length !== 4) return undefined;
  const [direction, port, subset, host] = parts as [string, string, string, string];
  if ((direction !== "outbound" && direction !== "inbound") || !/^\d+$/.test(port))
    return undefined;
  return { direction, port: Number(port), subset, host };
}

/** Envoy's stat prefix for a cluster, as current Istio sets it (`altStatName`: name + `;`). */
export function altStatName(clusterName: string): string {
  return `${clusterName};`;
}
