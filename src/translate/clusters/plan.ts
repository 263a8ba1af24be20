// Which outbound clusters a proxy gets, and the facts each is built from: one per (visible
// service, non-UDP port) and one per DestinationRule subset of it, named `outbound|PORT|SUBSET|HOST`,
// with the rule that applies from the proxy's namespace (Istio's precedence, exportTo) and the
// traffic policy for that port / subset. Both the cluster and the endpoint generators enumerate
// clusters from here, so every EDS cluster has its ClusterLoadAssignment and nothing else does.

import type { ConsolidatedDestinationRule } from "../../registry/mesh/destination-rules.js";
import type { MeshService, ServicePort } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import { identity, memoizeReadonly } from "../memo.js";
import { scopeViewKey } from "../view-facets.js";
import { outboundClusterName, outboundSni } from "./names.js";
import { portPolicy, subsetPolicy, type Subset, type TrafficPolicy } from "./policy.js";

export type OutboundClusterType = "EDS" | "STRICT_DNS" | "LOGICAL_DNS" | "ORIGINAL_DST";

export interface OutboundClusterPlan {
  readonly name: string;
  readonly service: MeshService;
  readonly port: ServicePort;
  readonly subset?: Subset;
  readonly rule?: ConsolidatedDestinationRule;
  /** The policy for this port (and subset). */
  readonly policy?: TrafficPolicy;
  /** Envoy discovery type after the policy (PASSTHROUGH load balancing → ORIGINAL_DST). */
  readonly type: OutboundClusterType;
  /** Istio's mTLS SNI for the cluster. */
  readonly sni: string;
  /** Whether the rule asks for passthrough load balancing (auto mTLS is then off). */
  readonly passthroughLb: boolean;
}

/** The services a proxy gets outbound clusters for: its Sidecar scope's (gateways: all visible). */
export function servicesForClusters(ctx: TranslateContext): readonly MeshService[] {
  return ctx.model.servicesVisibleTo(ctx.proxy.namespace, ctx.scope);
}

export function destinationRuleFor(
  ctx: TranslateContext,
  service: MeshService,
): ConsolidatedDestinationRule | undefined {
  return ctx.model.destinationRules.lookup(ctx.proxy, service.hostname, service.namespace);
}

function resolutionType(ctx: TranslateContext, service: MeshService): OutboundClusterType {
  switch (service.resolution) {
    case "DNS":
      return "STRICT_DNS";
    case "DNS_ROUND_ROBIN":
      return "LOGICAL_DNS";
    case "NONE":
      // Gateways have no original-destination listeners: they use EDS for passthrough services.
      return ctx.proxy.kind === "router" ? "EDS" : "ORIGINAL_DST";
    default:
      return "EDS";
  }
}

function subsetsOf(rule: ConsolidatedDestinationRule | undefined): Subset[] {
  return ((rule?.spec.subsets ?? []) as Subset[]).filter((s) => !!s.name);
}

/** The service cluster and the subset clusters of one service port. */
export function portPlans(
  ctx: TranslateContext,
  service: MeshService,
  port: ServicePort,
): OutboundClusterPlan[] {
  const rule = destinationRuleFor(ctx, service);
  const top = rule?.spec.trafficPolicy as TrafficPolicy | undefined;
  const policy = portPolicy(top, port.port);
  let baseType = resolutionType(ctx, service);
  if (policy?.loadBalancer?.simple === "PASSTHROUGH") baseType = "ORIGINAL_DST";
  const base: OutboundClusterPlan = {
    name: outboundClusterName(port.port, "", service.hostname),
    service,
    port,
    ...(rule ? { rule } : {}),
    ...(policy ? { policy } : {}),
    type: baseType,
    sni: outboundSni(port.port, "", service.hostname),
    passthroughLb: top?.loadBalancer?.simple === "PASSTHROUGH",
  };
  const plans = [base];
  for (const subset of subsetsOf(rule)) {
    const merged = subsetPolicy(top, subset.trafficPolicy, port.port);
    const ownPassthrough = subset.trafficPolicy?.loadBalancer?.simple === "PASSTHROUGH";
    plans.push({
      name: outboundClusterName(port.port, subset.name, service.hostname),
      service,
      port,
      subset,
      ...(rule ? { rule } : {}),
      ...(merged ? { policy: merged } : {}),
      type:
        ownPassthrough || merged?.loadBalancer?.simple === "PASSTHROUGH"
          ? "ORIGINAL_DST"
          : baseType,
      sni: outboundSni(port.port, subset.name, service.hostname),
      passthroughLb: ownPassthrough,
    });
  }
  return plans;
}

/**
 * Every outbound cluster plan of the proxy, in service, port, subset order. They read the scope's
 * services, the kind, and the namespace and labels (DestinationRule lookup): shared per
 * scopeViewKey. Read-only.
 */
export function outboundPlans(ctx: TranslateContext): readonly OutboundClusterPlan[] {
  return memoizeReadonly(ctx.model, `plans|${scopeViewKey(ctx)}`, () => planAll(ctx));
}

function planAll(ctx: TranslateContext): OutboundClusterPlan[] {
  const out: OutboundClusterPlan[] = [];
  for (const service of servicesForClusters(ctx))
    for (const port of service.ports)
      if (port.protocol !== "UDP") out.push(...portPlans(ctx, service, port));
  return out;
}

/**
 * A key naming every input of a plan but the proxy kind: its service, port, subset and rule (model
 * objects, by identity); the name, policy, SNI and type follow from these and the kind.
 */
export function planInputsKey(plan: OutboundClusterPlan): string {
  return [plan.service, plan.port, plan.subset, plan.rule].map(identity).join(",");
}
