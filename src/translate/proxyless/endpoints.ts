// Proxyless gRPC endpoints: the endpoints generator's ClusterLoadAssignments (locality groups with
// their weights, which gRPC requires, and locality priorities), for the clusters the client gets;
// BlackHoleCluster's is empty.

import { BLACKHOLE_CLUSTER } from "../clusters/names.js";
import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";
import { generateEndpoints } from "../endpoints/index.js";

export function proxylessEndpoints(
  ctx: TranslateContext,
  clusters: readonly GeneratedResource[],
): GeneratedResource[] {
  const names = new Set(clusters.map((c) => c.name));
  const out = generateEndpoints(ctx).filter((e) => names.has(e.name));
  if (names.has(BLACKHOLE_CLUSTER))
    out.push({ name: BLACKHOLE_CLUSTER, message: { clusterName: BLACKHOLE_CLUSTER } });
  return out;
}
