// Proxyless gRPC endpoints: the endpoints generator's ClusterLoadAssignments (locality groups with
// their weights, which gRPC requires, and locality priorities), for the clusters the client gets.

import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";
import { generateEndpoints } from "../endpoints/index.js";

export function proxylessEndpoints(
  ctx: TranslateContext,
  clusters: readonly GeneratedResource[],
): GeneratedResource[] {
  const names = new Set(clusters.map((c) => c.name));
  return generateEndpoints(ctx).filter((e) => names.has(e.name));
}
