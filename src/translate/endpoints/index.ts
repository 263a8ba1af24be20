// EDS: one ClusterLoadAssignment per EDS cluster the proxy gets, named as the cluster — including
// clusters with no endpoints, whose empty assignment Envoy needs to finish warming them.

import { outboundPlans } from "../clusters/plan.js";
import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";
import { loadAssignment } from "./load-assignment.js";

export function generateEndpoints(ctx: TranslateContext): GeneratedResource[] {
  return outboundPlans(ctx)
    .filter((p) => p.type === "EDS")
    .map((p) => ({ name: p.name, message: loadAssignment(ctx, p) }));
}
