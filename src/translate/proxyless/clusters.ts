// Proxyless gRPC clusters: for every visible service port, `outbound|PORT||FQDN` and one cluster
// per DestinationRule subset, all EDS over ADS (endpoints named as the cluster). Of a traffic
// policy only what gRPC implements is carried: ring hash (consistentHash; gRFC A42), outlier
// detection (A50) and the concurrent-request limit (http2MaxRequests; A32). Other load balancers
// stay ROUND_ROBIN, as Istio's grpcgen does. The subset's policy replaces the service's field by
// field; portLevelSettings for the port replace the service's top-level fields first.

import type { TranslateContext } from "../context.js";
import { duration, type EnvoyMessage, type GeneratedResource } from "../envoy-message.js";
import { ADS_CONFIG_SOURCE } from "./listeners.js";
import { clusterName } from "./naming.js";

export interface TrafficPolicyView {
  readonly loadBalancer?: {
    readonly simple?: string;
    readonly consistentHash?: { readonly minimumRingSize?: number; readonly [k: string]: unknown };
  };
  readonly connectionPool?: { readonly http?: { readonly http2MaxRequests?: number } };
  readonly outlierDetection?: {
    readonly consecutiveErrors?: number;
    readonly consecutive5xxErrors?: number;
    readonly consecutiveGatewayErrors?: number;
    readonly interval?: string;
    readonly baseEjectionTime?: string;
    readonly maxEjectionPercent?: number;
  };
  readonly portLevelSettings?: readonly (TrafficPolicyView & {
    readonly port?: { readonly number?: number };
  })[];
}

type Fields = Pick<TrafficPolicyView, "loadBalancer" | "connectionPool" | "outlierDetection">;

function merge(base: Fields, over: Fields | undefined): Fields {
  if (!over) return base;
  return {
    loadBalancer: over.loadBalancer ?? base.loadBalancer,
    connectionPool: over.connectionPool ?? base.connectionPool,
    outlierDetection: over.outlierDetection ?? base.outlierDetection,
  };
}

function forPort(policy: TrafficPolicyView | undefined, port: number): Fields {
  const base: Fields = policy ?? {};
  return merge(
    base,
    policy?.portLevelSettings?.find((s) => s.port?.number === port),
  );
}

function outlier(o: NonNullable<Fields["outlierDetection"]>): EnvoyMessage {
  const consecutive5xx = o.consecutive5xxErrors ?? o.consecutiveErrors;
  return {
    ...(consecutive5xx !== undefined
      ? { consecutive_5xx: { value: consecutive5xx }, enforcingConsecutive_5xx: { value: 100 } }
      : { enforcingConsecutive_5xx: { value: 0 } }),
    ...(o.consecutiveGatewayErrors !== undefined
      ? {
          consecutiveGatewayFailure: { value: o.consecutiveGatewayErrors },
          enforcingConsecutiveGatewayFailure: { value: 100 },
        }
      : {}),
    ...(o.interval ? { interval: duration(o.interval) } : {}),
    ...(o.baseEjectionTime ? { baseEjectionTime: duration(o.baseEjectionTime) } : {}),
    ...(o.maxEjectionPercent !== undefined
      ? { maxEjectionPercent: { value: o.maxEjectionPercent } }
      : {}),
  };
}

function edsCluster(name: string, p: Fields): EnvoyMessage {
  const ringHash = p.loadBalancer?.consistentHash;
  const maxRequests = p.connectionPool?.http?.http2MaxRequests;
  return {
    name,
    type: "EDS",
    edsClusterConfig: { edsConfig: ADS_CONFIG_SOURCE, serviceName: name },
    lbPolicy: ringHash ? "RING_HASH" : "ROUND_ROBIN",
    ...(ringHash?.minimumRingSize
      ? { ringHashLbConfig: { minimumRingSize: { value: ringHash.minimumRingSize } } }
      : {}),
    ...(maxRequests
      ? { circuitBreakers: { thresholds: [{ maxRequests: { value: maxRequests } }] } }
      : {}),
    ...(p.outlierDetection ? { outlierDetection: outlier(p.outlierDetection) } : {}),
  };
}

export function proxylessClusters(ctx: TranslateContext): GeneratedResource[] {
  const out: GeneratedResource[] = [];
  for (const service of ctx.scope.services) {
    const rule = ctx.model.destinationRuleFor(ctx.proxy, service.hostname);
    const policy = rule?.spec.trafficPolicy as TrafficPolicyView | undefined;
    for (const { port } of service.ports) {
      const base = forPort(policy, port);
      const name = clusterName(port, "", service.hostname);
      out.push({ name, message: edsCluster(name, base) });
      for (const subset of rule?.spec.subsets ?? []) {
        if (!subset.name) continue;
        const sub = subset.trafficPolicy as TrafficPolicyView | undefined;
        const subName = clusterName(port, subset.name, service.hostname);
        out.push({ name: subName, message: edsCluster(subName, merge(base, forPort(sub, port))) });
      }
    }
  }
  return out;
}
