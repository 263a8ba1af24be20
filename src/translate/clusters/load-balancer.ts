// DestinationRule loadBalancer and outlierDetection → Envoy lbPolicy / lb config, outlier
// detection and commonLbConfig, with Istio's mapping:
//   - no `simple` → LEAST_REQUEST (Istio's default since 1.14); LEAST_CONN is LEAST_REQUEST;
//     PASSTHROUGH turns the cluster into ORIGINAL_DST with CLUSTER_PROVIDED;
//   - consistentHash → RING_HASH (minimumRingSize, 1024 when unset) or MAGLEV (tableSize); the
//     hash policy itself (header, cookie, source IP, query parameter) is on the route;
//   - outlier detection: success-rate ejection off, consecutive5xxErrors / consecutiveGatewayErrors
//     with enforcement 100 % when > 0, the legacy consecutiveErrors as gateway errors only (as
//     Istio did until it dropped the field), and the panic threshold set to minHealthPercent
//     (0 when unset: Istio disables Envoy's panic mode by default);
//   - locality: localityWeightedLbConfig when `distribute` is set, or when failover settings are
//     given and outlier detection is on (failover never triggers without it).

import type { MeshConfig } from "../../registry/mesh/mesh-config.js";
import { duration } from "../envoy-message.js";
import type { ClusterDraft } from "./draft.js";
import type { LoadBalancerSettings, LocalityLbSetting, OutlierDetection } from "./policy.js";

export function applyOutlierDetection(d: ClusterDraft, o: OutlierDetection | undefined): void {
  if (!o) return;
  const out: Record<string, unknown> = { enforcingSuccessRate: { value: 0 } };
  if (typeof o.consecutiveErrors === "number" && o.consecutiveErrors > 0) {
    out.consecutiveGatewayFailure = { value: o.consecutiveErrors };
    out.enforcingConsecutiveGatewayFailure = { value: 100 };
    out.enforcingConsecutive_5xx = { value: 0 };
  }
  if (typeof o.consecutive5xxErrors === "number") {
    out.consecutive_5xx = { value: o.consecutive5xxErrors };
    out.enforcingConsecutive_5xx = { value: o.consecutive5xxErrors > 0 ? 100 : 0 };
  }
  if (typeof o.consecutiveGatewayErrors === "number") {
    out.consecutiveGatewayFailure = { value: o.consecutiveGatewayErrors };
    out.enforcingConsecutiveGatewayFailure = { value: o.consecutiveGatewayErrors > 0 ? 100 : 0 };
  }
  if (o.interval) out.interval = duration(o.interval);
  if (o.baseEjectionTime) out.baseEjectionTime = duration(o.baseEjectionTime);
  if (typeof o.maxEjectionPercent === "number" && o.maxEjectionPercent > 0)
    out.maxEjectionPercent = { value: o.maxEjectionPercent };
  if (o.splitExternalLocalOriginErrors) {
    out.splitExternalLocalOriginErrors = true;
    if (
      typeof o.consecutiveLocalOriginFailures === "number" &&
      o.consecutiveLocalOriginFailures > 0
    ) {
      out.consecutiveLocalOriginFailure = { value: o.consecutiveLocalOriginFailures };
      out.enforcingConsecutiveLocalOriginFailure = { value: 100 };
    }
    out.enforcingLocalOriginSuccessRate = { value: 0 };
  }
  d.fields.outlierDetection = out;
  const common = d.fields.commonLbConfig as Record<string, unknown>;
  common.healthyPanicThreshold = { value: o.minHealthPercent ?? 0 };
}

/** The locality setting in force: the rule's unless it disables it, else the mesh's if enabled. */
export function effectiveLocalityLbSetting(
  mesh: MeshConfig,
  fromRule: LocalityLbSetting | undefined,
): LocalityLbSetting | undefined {
  const meshSetting = mesh.localityLbSetting as LocalityLbSetting;
  let enabled = meshSetting.enabled !== false;
  if (fromRule) enabled = fromRule.enabled !== false;
  if (!enabled) return undefined;
  return fromRule ?? meshSetting;
}

function slowStart(window: string | undefined): Record<string, unknown> | undefined {
  return window ? { slowStartConfig: { slowStartWindow: duration(window) } } : undefined;
}

export function applyLoadBalancer(
  d: ClusterDraft,
  lb: LoadBalancerSettings | undefined,
  mesh: MeshConfig,
): void {
  const locality = effectiveLocalityLbSetting(mesh, lb?.localityLbSetting);
  const failoverConfigured =
    (locality?.failover?.length ?? 0) > 0 || (locality?.failoverPriority?.length ?? 0) > 0;
  if (
    (locality?.distribute?.length ?? 0) > 0 ||
    (d.fields.outlierDetection !== undefined && failoverConfigured)
  )
    (d.fields.commonLbConfig as Record<string, unknown>).localityWeightedLbConfig = {};

  if (d.fields.type === "ORIGINAL_DST") {
    d.fields.lbPolicy = "CLUSTER_PROVIDED";
    return;
  }
  switch (lb?.simple) {
    case "RANDOM":
      d.fields.lbPolicy = "RANDOM";
      break;
    case "ROUND_ROBIN":
      d.fields.lbPolicy = "ROUND_ROBIN";
      d.fields.roundRobinLbConfig = slowStart(lb.warmupDurationSecs);
      break;
    case "PASSTHROUGH":
      d.fields.lbPolicy = "CLUSTER_PROVIDED";
      d.fields.type = "ORIGINAL_DST";
      delete d.fields.loadAssignment;
      break;
    default:
      d.fields.lbPolicy = "LEAST_REQUEST";
      d.fields.leastRequestLbConfig = slowStart(lb?.warmupDurationSecs);
  }
  applyConsistentHash(d, lb);
}

function applyConsistentHash(d: ClusterDraft, lb: LoadBalancerSettings | undefined): void {
  const hash = lb?.consistentHash;
  if (!hash) return;
  delete d.fields.leastRequestLbConfig;
  delete d.fields.roundRobinLbConfig;
  if (hash.maglev) {
    d.fields.lbPolicy = "MAGLEV";
    if (hash.maglev.tableSize)
      d.fields.maglevLbConfig = { tableSize: { value: hash.maglev.tableSize } };
  } else if (hash.ringHash) {
    d.fields.lbPolicy = "RING_HASH";
    if (hash.ringHash.minimumRingSize)
      d.fields.ringHashLbConfig = { minimumRingSize: { value: hash.ringHash.minimumRingSize } };
  } else {
    d.fields.lbPolicy = "RING_HASH";
    d.fields.ringHashLbConfig = { minimumRingSize: { value: hash.minimumRingSize || 1024 } };
  }
}
