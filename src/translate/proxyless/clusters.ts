// Proxyless gRPC clusters, as Istio's gRPC generator builds them: the proxy's EDS outbound
// clusters (the clusters generator's plans: `outbound|PORT|SUBSET|HOST` per visible service port
// and DestinationRule subset, with the policy for that port and subset), each a plain EDS cluster
// over ADS with its endpoints named as the cluster. Of the traffic policy only what gRPC
// implements is carried: ring hash (consistentHash; gRFC A42), outlier detection (A50) and the
// concurrent-request limit (http2MaxRequests; A32). Other load balancers stay ROUND_ROBIN, as in
// Istio; the sidecar's extras (LEAST_REQUEST, auto mTLS, HTTP/2 options, stats names) are not sent.

import { BLACKHOLE_CLUSTER } from "../clusters/names.js";
import { outboundPlans } from "../clusters/plan.js";
import type { OutlierDetection, TrafficPolicy } from "../clusters/policy.js";
import type { TranslateContext } from "../context.js";
import { duration, type EnvoyMessage, type GeneratedResource } from "../envoy-message.js";
import { ADS_CONFIG_SOURCE } from "./listeners.js";

const u32 = (value: number) => ({ value });

function outlier(o: OutlierDetection): EnvoyMessage {
  const consecutive5xx = o.consecutive5xxErrors ?? o.consecutiveErrors;
  return {
    ...(consecutive5xx !== undefined
      ? { consecutive_5xx: u32(consecutive5xx), enforcingConsecutive_5xx: u32(100) }
      : { enforcingConsecutive_5xx: u32(0) }),
    ...(o.consecutiveGatewayErrors !== undefined
      ? {
          consecutiveGatewayFailure: u32(o.consecutiveGatewayErrors),
          enforcingConsecutiveGatewayFailure: u32(100),
        }
      : {}),
    ...(o.interval ? { interval: duration(o.interval) } : {}),
    ...(o.baseEjectionTime ? { baseEjectionTime: duration(o.baseEjectionTime) } : {}),
    ...(o.maxEjectionPercent !== undefined
      ? { maxEjectionPercent: u32(o.maxEjectionPercent) }
      : {}),
  };
}

export function grpcCluster(name: string, policy: TrafficPolicy | undefined): EnvoyMessage {
  const hash = policy?.loadBalancer?.consistentHash;
  const ringSize = hash?.ringHash?.minimumRingSize ?? hash?.minimumRingSize;
  const maxRequests = policy?.connectionPool?.http?.http2MaxRequests;
  return {
    name,
    type: "EDS",
    edsClusterConfig: { edsConfig: ADS_CONFIG_SOURCE, serviceName: name },
    lbPolicy: hash ? "RING_HASH" : "ROUND_ROBIN",
    ...(hash && ringSize ? { ringHashLbConfig: { minimumRingSize: { value: ringSize } } } : {}),
    ...(maxRequests
      ? { circuitBreakers: { thresholds: [{ maxRequests: u32(maxRequests) }] } }
      : {}),
    ...(policy?.outlierDetection ? { outlierDetection: outlier(policy.outlierDetection) } : {}),
  };
}

/**
 * Where the routes generator points a destination whose cluster the proxy is not sent (a subset
 * no DestinationRule defines): for gRPC an EDS cluster with no endpoints, so such calls fail with
 * UNAVAILABLE and a route never names a cluster the client cannot get. Sent only when asked for.
 */
export const GRPC_BLACKHOLE: GeneratedResource = {
  name: BLACKHOLE_CLUSTER,
  message: grpcCluster(BLACKHOLE_CLUSTER, undefined),
};

export function proxylessClusters(ctx: TranslateContext): GeneratedResource[] {
  return [
    ...outboundPlans(ctx)
      .filter((p) => p.type === "EDS")
      .map((p) => ({ name: p.name, message: grpcCluster(p.name, p.policy) })),
    GRPC_BLACKHOLE,
  ];
}
