// Locality load balancing on one cluster's locality groups, for one proxy's locality, as Istio:
//   - `distribute`: the first rule whose `from` matches the proxy sets each destination
//     locality's weight (split across the groups a wildcard `to` covers, in proportion to their
//     own weights, rounded up); groups no `to` covers get no endpoints;
//   - otherwise, when failover is possible (outlier detection on): priority by how much of the
//     proxy's locality a group shares — 0 same subzone, 1 same zone, 2 same region, 3 other
//     regions — with `failover` rules pushing other regions than the named `to` to priority 4;
//     priorities are then renumbered 0..N without gaps.
// `failoverPriority` (label-based) is not implemented.

import type { LocalityLbSetting } from "../clusters/policy.js";
import { parseLocality, type Locality, type LocalityGroup } from "./locality.js";

/** Istio's locality rule match: `*` matches anything; an omitted zone/subzone matches any. */
export function localityMatches(l: Locality, rule: string): boolean {
  const r = parseLocality(rule);
  return (
    (r.region === "*" || l.region === r.region) &&
    (r.zone === "*" || r.zone === "" || l.zone === r.zone) &&
    (r.subzone === "*" || r.subzone === "" || l.subzone === r.subzone)
  );
}

function lbPriority(proxy: Locality, l: Locality): number {
  if (proxy.region !== l.region) return 3;
  if (proxy.zone !== l.zone) return 2;
  return proxy.subzone === l.subzone ? 0 : 1;
}

function applyDistribute(
  proxy: Locality,
  groups: LocalityGroup[],
  distribute: NonNullable<LocalityLbSetting["distribute"]>,
): void {
  const rule = distribute.find((d) => d.from !== undefined && localityMatches(proxy, d.from));
  if (!rule) return;
  const unmatched = new Set(groups.keys());
  for (const [to, weight] of Object.entries(rule.to ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const covered = [...unmatched].filter((i) => localityMatches(groups[i]!.locality, to));
    const total = covered.reduce((sum, i) => sum + groups[i]!.weight, 0);
    for (const i of covered) {
      unmatched.delete(i);
      const w = (groups[i]!.weight * weight) / total;
      if (w > 0) groups[i]!.weight = Math.ceil(w);
    }
  }
  for (const i of unmatched) groups[i]!.dropped = true;
}

function applyFailover(
  proxy: Locality,
  groups: LocalityGroup[],
  failover: NonNullable<LocalityLbSetting["failover"]>,
): void {
  for (const g of groups) {
    let p = lbPriority(proxy, g.locality);
    if (p === 3) {
      const rule = failover.find((f) => f.from === proxy.region);
      if (rule && g.locality.region !== rule.to) p = 4;
    }
    g.priority = p;
  }
  const used = [...new Set(groups.map((g) => g.priority))].sort((a, b) => a - b);
  for (const g of groups) g.priority = used.indexOf(g.priority);
}

export function applyLocalityLb(
  proxyLocality: string,
  groups: LocalityGroup[],
  setting: LocalityLbSetting | undefined,
  failoverEnabled: boolean,
): void {
  if (!setting || proxyLocality === "") return;
  const proxy = parseLocality(proxyLocality);
  if ((setting.distribute?.length ?? 0) > 0) applyDistribute(proxy, groups, setting.distribute!);
  else if (failoverEnabled && setting.enabled !== false)
    applyFailover(proxy, groups, setting.failover ?? []);
}
