// Which parts of a DestinationRule listeners and routes read, as a fingerprint: the rule's host,
// exportTo and workloadSelector (which proxies and services it applies to), its subset names
// (route and listener cluster references, gateway subsets) and every consistentHash (route hash
// policies). The rest — connection pool, outlier detection, TLS, the other load-balancer
// settings, subset labels — is read only by clusters and load assignments. An update that leaves
// the fingerprint equal can change CDS and EDS only; anything unknown counts as read by routes.

import { canonicalJson } from "../registry/semantic-fingerprint.js";

const CLUSTER_ONLY_POLICY = new Set(["connectionPool", "outlierDetection", "tls"]);
const CLUSTER_ONLY_LB = new Set(["simple", "localityLbSetting", "warmupDurationSecs"]);

type Spec = Readonly<Record<string, unknown>>;

function isObject(v: unknown): v is Spec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A traffic policy with what only clusters read taken out (port-level settings alike). */
function routedPolicy(policy: unknown): unknown {
  if (!isObject(policy)) return policy;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(policy)) {
    if (CLUSTER_ONLY_POLICY.has(k)) continue;
    if (k === "loadBalancer" && isObject(v)) {
      const lb = Object.fromEntries(Object.entries(v).filter(([f]) => !CLUSTER_ONLY_LB.has(f)));
      if (Object.keys(lb).length > 0) out[k] = lb;
    } else if (k === "portLevelSettings" && Array.isArray(v)) out[k] = v.map(routedPolicy);
    else out[k] = v;
  }
  return out;
}

/** The fingerprint of what listeners and routes read of a DestinationRule's spec. */
export function destinationRuleRouting(spec: unknown): string {
  if (!isObject(spec)) return JSON.stringify(spec ?? null);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === "trafficPolicy") out[k] = routedPolicy(v);
    else if (k === "subsets" && Array.isArray(v))
      out[k] = v.map((s) =>
        isObject(s)
          ? Object.fromEntries(
              Object.entries(s)
                .filter(([f]) => f !== "labels")
                .map(([f, x]) => [f, f === "trafficPolicy" ? routedPolicy(x) : x]),
            )
          : s,
      );
    else out[k] = v;
  }
  return canonicalJson(out);
}
