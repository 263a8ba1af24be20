// EDS: one ClusterLoadAssignment per EDS cluster the proxy gets, named as the cluster — including
// clusters with no endpoints, whose empty assignment Envoy needs to finish warming them. An
// assignment reads the plan, the proxy's locality and (for failoverPriority only) its labels, so
// proxies that agree on those share it (memo.ts).

import { effectiveLocalityLbSetting } from "../clusters/load-balancer.js";
import { outboundPlans, planInputsKey, type OutboundClusterPlan } from "../clusters/plan.js";
import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";
import { labelsKey, memoize } from "../memo.js";
import { loadAssignment, proxyLocality } from "./load-assignment.js";

function assignmentKey(ctx: TranslateContext, plan: OutboundClusterPlan, locality: string): string {
  const setting = effectiveLocalityLbSetting(
    ctx.model.meshConfig,
    plan.policy?.loadBalancer?.localityLbSetting,
  );
  const labels = (setting?.failoverPriority?.length ?? 0) > 0 ? labelsKey(ctx.proxy.labels) : "";
  return `eds|${planInputsKey(plan)}|${locality}|${labels}`;
}

export function generateEndpoints(ctx: TranslateContext): GeneratedResource[] {
  const locality = proxyLocality(ctx);
  return outboundPlans(ctx)
    .filter((p) => p.type === "EDS")
    .map((p) => ({
      name: p.name,
      message: memoize(ctx.model, assignmentKey(ctx, p, locality), () => loadAssignment(ctx, p)),
    }));
}
