// The endpoints of one outbound cluster: the service's healthy endpoints on the cluster's port,
// those of a subset filtered by its labels, grouped by locality with the locality LB settings for
// the proxy's locality applied. Used for EDS responses and for the inline loadAssignment of DNS
// clusters.

import { selectorMatches } from "../../registry/mesh/labels.js";
import type { WorkloadEndpoint } from "../../registry/mesh/types.js";
import { effectiveLocalityLbSetting } from "../clusters/load-balancer.js";
import type { OutboundClusterPlan } from "../clusters/plan.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage } from "../envoy-message.js";
import { groupByLocality, localityLbEndpointsMessage, type LocalityGroup } from "./locality.js";
import { applyLocalityLb } from "./locality-lb.js";

/** Healthy endpoints of the cluster's service port (and subset), sorted. */
export function clusterEndpoints(
  ctx: TranslateContext,
  plan: Pick<OutboundClusterPlan, "service" | "port" | "subset">,
): WorkloadEndpoint[] {
  return ctx.model.registry
    .endpointsOf(plan.service)
    .filter(
      (e) =>
        e.servicePort === plan.port.port &&
        e.health === "HEALTHY" &&
        selectorMatches(plan.subset?.labels, e.labels),
    );
}

/** The proxy's locality: as it reports it, else its workload's (Pod / WorkloadEntry at its IP). */
export function proxyLocality(ctx: TranslateContext): string {
  if (ctx.proxy.locality !== undefined) return ctx.proxy.locality;
  for (const ip of ctx.proxy.ips) {
    const w = ctx.model.workloads.atAddress(ip).find((x) => x.namespace === ctx.proxy.namespace);
    if (w) return w.locality;
  }
  return "";
}

export function localityGroups(ctx: TranslateContext, plan: OutboundClusterPlan): LocalityGroup[] {
  const setting = effectiveLocalityLbSetting(
    ctx.model.meshConfig,
    plan.policy?.loadBalancer?.localityLbSetting,
  );
  return applyLocalityLb(
    proxyLocality(ctx),
    ctx.proxy.labels,
    groupByLocality(clusterEndpoints(ctx, plan)),
    setting,
    plan.policy?.outlierDetection !== undefined,
  );
}

/** The ClusterLoadAssignment of a cluster (an empty one when it has no endpoints). */
export function loadAssignment(ctx: TranslateContext, plan: OutboundClusterPlan): EnvoyMessage {
  const groups = localityGroups(ctx, plan);
  return {
    clusterName: plan.name,
    ...(groups.length > 0 ? { endpoints: groups.map(localityLbEndpointsMessage) } : {}),
  };
}
