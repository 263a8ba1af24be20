// From a route or tcp_proxy action to clusters and their endpoints. A weighted split yields every
// cluster with its weight; callNum picks one (the n-th call of `total weight` calls lands in the
// cluster whose cumulative weight range holds n mod total). EDS clusters take their endpoints
// from the ClusterLoadAssignment named by edsClusterConfig.serviceName (else the cluster name);
// static and DNS clusters from their inline loadAssignment; ORIGINAL_DST ones from the connection.

import { byName, list, num, obj, str, type Msg } from "./plain.js";
import type { ProxyConfig, SimCluster } from "./types.js";

export interface Split {
  readonly name: string;
  readonly weight?: number;
}

/** Clusters of a RouteAction or TcpProxy: `cluster`, `weightedClusters`, or `clusterHeader`. */
export function splitOf(
  action: Msg,
  header: (name: string) => string | undefined,
): Split[] | string {
  const single = str(action["cluster"]);
  if (single !== undefined) return [{ name: single }];
  const wc = obj(action["weightedClusters"]);
  if (wc)
    return list(wc["clusters"]).map((c) => ({
      name: str(c["name"]) ?? "",
      weight: num(c["weight"]) ?? 0,
    }));
  const h = str(action["clusterHeader"]);
  if (h !== undefined) {
    const v = header(h);
    return v === undefined ? `cluster header ${h} is missing → 404` : [{ name: v }];
  }
  return "the action names no cluster (cluster, weightedClusters or clusterHeader)";
}

export function pick(split: readonly Split[], callNum: number): Split | undefined {
  if (split.length === 1) return split[0];
  const total = split.reduce((s, c) => s + (c.weight ?? 0), 0);
  if (total <= 0) return undefined;
  let n = ((callNum % total) + total) % total;
  for (const c of split) {
    if (n < (c.weight ?? 0)) return c;
    n -= c.weight ?? 0;
  }
  return undefined;
}

function endpointText(lb: Msg): string | undefined {
  const address = obj(obj(lb["endpoint"])?.["address"]);
  const sa = obj(address?.["socketAddress"]);
  if (sa)
    return `${str(sa["address"]) ?? "?"}:${num(sa["portValue"]) ?? str(sa["namedPort"]) ?? "?"}`;
  const pipe = obj(address?.["pipe"]);
  if (pipe) return `pipe:${str(pipe["path"]) ?? "?"}`;
  const internal = obj(address?.["envoyInternalAddress"]);
  if (internal) return `internal:${str(internal["serverListenerName"]) ?? "?"}`;
  return undefined;
}

export function assignmentEndpoints(cla: Msg): string[] {
  return list(cla["endpoints"])
    .flatMap((locality) => list(locality["lbEndpoints"]))
    .map(endpointText)
    .filter((e): e is string => e !== undefined);
}

/** The cluster with its endpoints, or why it cannot be used. */
export function resolveCluster(
  cfg: ProxyConfig,
  split: Split,
  originalDestination: string,
): SimCluster | string {
  const cluster = byName(cfg.clusters, split.name);
  if (!cluster) return `cluster ${split.name} not sent`;
  const type = cluster["type"] ?? "STATIC";
  let endpoints: string[];
  if (type === "EDS" || type === 3) {
    const service = str(obj(cluster["edsClusterConfig"])?.["serviceName"]) || split.name;
    const cla = byName(cfg.endpoints, service, "clusterName");
    if (!cla) return `endpoints of cluster ${split.name} (${service}) not sent`;
    endpoints = assignmentEndpoints(cla);
  } else if (type === "ORIGINAL_DST" || type === 4) {
    endpoints = [originalDestination];
  } else {
    endpoints = assignmentEndpoints(obj(cluster["loadAssignment"]) ?? {});
  }
  return {
    name: split.name,
    ...(split.weight !== undefined ? { weight: split.weight } : {}),
    endpoints,
  };
}
