// Locality load balancing on one cluster's locality groups, for one proxy, as Istio:
//   - `distribute`: the first rule whose `from` matches the proxy's locality sets each destination
//     locality's weight (split across the groups a wildcard `to` covers, in proportion to their
//     own weights, rounded up); groups no `to` covers get no endpoints;
//   - otherwise, when failover is possible (outlier detection on):
//       `failoverPriority` labels first: each group is split by how many of the listed labels
//       (in order) an endpoint shares with the proxy — all → priority 0, the first mismatch at
//       label j of n → n - j (`label=value` compares with that value instead of the proxy's);
//       then, unless only failoverPriority is given, priority by how much of the proxy's locality
//       a group shares — 0 same subzone, 1 same zone, 2 same region, 3 other regions, 4 other
//       regions than a matching `failover` rule's `to` — combined as label priority × 5 + this;
//     priorities are then renumbered 0..N without gaps.

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

function renumber(groups: LocalityGroup[]): void {
  const used = [...new Set(groups.map((g) => g.priority))].sort((a, b) => a - b);
  for (const g of groups) g.priority = used.indexOf(g.priority);
}

function splitByLabels(
  groups: LocalityGroup[],
  proxyLabels: Readonly<Record<string, string>>,
  failoverPriority: readonly string[],
): LocalityGroup[] {
  const n = failoverPriority.length;
  const rules = failoverPriority.map((entry) => {
    const eq = entry.indexOf("=");
    return eq < 0
      ? { label: entry, value: proxyLabels[entry] ?? "" }
      : { label: entry.slice(0, eq), value: entry.slice(eq + 1) };
  });
  const out: LocalityGroup[] = [];
  for (const g of groups) {
    const byPriority = new Map<number, number[]>();
    g.endpoints.forEach((e, i) => {
      const j = rules.findIndex((r) => (e.labels[r.label] ?? "") !== r.value);
      const p = j < 0 ? 0 : n - j;
      byPriority.set(p, [...(byPriority.get(p) ?? []), i]);
    });
    for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
      const idx = byPriority.get(p)!;
      out.push({
        locality: g.locality,
        endpoints: idx.map((i) => g.endpoints[i]!),
        lbEndpoints: idx.map((i) => g.lbEndpoints[i]!),
        weight: idx.reduce((sum, i) => sum + Math.max(g.endpoints[i]!.weight, 1), 0),
        priority: p,
        dropped: false,
      });
    }
  }
  renumber(out);
  return out;
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
    g.priority = g.priority * 5 + p;
  }
  renumber(groups);
}

/** Applies the setting; returns the groups (split when failoverPriority is used). */
export function applyLocalityLb(
  proxyLocality: string,
  proxyLabels: Readonly<Record<string, string>>,
  groups: LocalityGroup[],
  setting: LocalityLbSetting | undefined,
  failoverEnabled: boolean,
): LocalityGroup[] {
  if (!setting) return groups;
  const proxy = parseLocality(proxyLocality);
  if ((setting.distribute?.length ?? 0) > 0) {
    applyDistribute(proxy, groups, setting.distribute!);
    return groups;
  }
  if (!failoverEnabled || setting.enabled === false) return groups;
  const labels = setting.failoverPriority ?? [];
  if (labels.length > 0) {
    if (Object.keys(proxyLabels).length === 0 || groups.length === 0) return groups;
    const split = splitByLabels(groups, proxyLabels, labels);
    if ((setting.failover?.length ?? 0) > 0) applyFailover(proxy, split, setting.failover!);
    return split;
  }
  applyFailover(proxy, groups, setting.failover ?? []);
  return groups;
}
