// DestinationRules and Istio's lookup for a (proxy, service) pair:
//   1. the proxy's own namespace: a rule whose workloadSelector matches the proxy's labels, else
//      any selector-less rule visible in that namespace (exportTo `*`, `.` or the namespace). For
//      a proxy in the root namespace only the root rules private to it count here, so that
//      mesh-wide catch-alls (`*.local`) do not hide a service's own rule from gateways;
//   2. rules exported to the proxy from the service's namespace;
//   3. rules exported to the proxy from the root namespace.
// At each step the most specific host wins (exact, then the longest wildcard). Several rules for
// the same host in one namespace are merged as Istio does when they have the same exportTo and no
// selector (or equal selectors): the oldest rule's trafficPolicy (or the first one that has one),
// subsets added in age order, a subset name already taken dropped. Unlike istiod, every merged
// rule stays listed in `from`, so a change to any of them is seen as a dependency.

import type { IDestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import { keyOf, type ConfigKey, type ConfigObject } from "../config-object.js";
import { hostSubsetOf, isWildcardHost, mostSpecificHostMatch, resolveShortName } from "./hosts.js";
import { byCreationTime, isEmptySelector, push, selectorMatches, type Labels } from "./labels.js";
import type { MeshConfig } from "./mesh-config.js";
import type { Visibility } from "./types.js";
import { isPrivateTo, isVisibleTo, parseExportTo, sameVisibility } from "./visibility.js";

export type DestinationRuleSpec = NonNullable<IDestinationRule["spec"]>;

export interface ConsolidatedDestinationRule {
  /** Host with a short name completed in the rule's namespace. */
  readonly host: string;
  readonly namespace: string;
  /** The merged spec (host as written in the oldest rule). */
  readonly spec: DestinationRuleSpec;
  /** Every rule merged into this one, oldest first. */
  readonly from: readonly ConfigKey[];
  readonly exportTo: Visibility;
  readonly workloadSelector?: Labels;
}

interface Mutable {
  host: string;
  namespace: string;
  spec: DestinationRuleSpec;
  from: ConfigKey[];
  exportTo: Visibility;
  workloadSelector?: Labels;
}

function sameLabels(a: Labels, b: Labels | undefined): boolean {
  const keys = Object.keys(a);
  return (
    b !== undefined && keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
  );
}

function merge(into: Mutable, spec: DestinationRuleSpec, key: ConfigKey): void {
  const taken = new Set((into.spec.subsets ?? []).map((s) => s.name));
  const subsets = [...(into.spec.subsets ?? [])];
  for (const s of spec.subsets ?? [])
    if (!taken.has(s.name)) {
      taken.add(s.name);
      subsets.push(s);
    }
  into.spec = {
    ...into.spec,
    ...(into.spec.trafficPolicy === undefined && spec.trafficPolicy !== undefined
      ? { trafficPolicy: spec.trafficPolicy }
      : {}),
    ...(subsets.length > 0 ? { subsets } : {}),
  };
  into.from.push(key);
}

/** Rules of one namespace by host. */
type HostTable = Map<string, ConsolidatedDestinationRule[]>;

export class DestinationRuleIndex {
  /** Every namespace's rules, by namespace then host (all exportTo values). */
  private readonly byNamespace = new Map<string, HostTable>();
  /** Each namespace's wildcard rule hosts, sorted. */
  private readonly wildcardHosts = new Map<string, string[]>();

  constructor(
    objects: readonly ConfigObject[],
    mesh: MeshConfig,
    domainSuffix: string,
    private readonly rootNamespace: string,
  ) {
    const groups = new Map<string, Mutable[]>();
    for (const o of [...objects].sort(byCreationTime)) {
      const ns = o.metadata.namespace ?? "default";
      const spec = (o.body.spec ?? {}) as DestinationRuleSpec;
      if (!spec.host) continue;
      const host = resolveShortName(spec.host, ns, domainSuffix);
      const exportTo = parseExportTo(spec.exportTo, ns, mesh.defaultDestinationRuleExportTo);
      const selector = spec.workloadSelector?.matchLabels;
      const groupKey = `${ns}\u0000${host}`;
      const group = groups.get(groupKey) ?? [];
      groups.set(groupKey, group);
      const mergeTarget = group.find(
        (g) =>
          sameVisibility(g.exportTo, exportTo) &&
          (isEmptySelector(selector)
            ? !g.workloadSelector
            : g.workloadSelector !== undefined && sameLabels(g.workloadSelector, selector)),
      );
      if (mergeTarget) merge(mergeTarget, spec, keyOf(o));
      else
        group.push({
          host,
          namespace: ns,
          spec,
          from: [keyOf(o)],
          exportTo,
          ...(isEmptySelector(selector) ? {} : { workloadSelector: { ...selector } }),
        });
    }
    for (const group of groups.values())
      for (const rule of group) {
        let table = this.byNamespace.get(rule.namespace);
        if (!table) this.byNamespace.set(rule.namespace, (table = new Map()));
        push(table, rule.host, rule);
      }
    for (const [ns, table] of this.byNamespace)
      this.wildcardHosts.set(ns, [...table.keys()].filter(isWildcardHost).sort());
  }

  /** Rules with a workloadSelector in `namespace` (they apply to some proxies there). */
  withSelectorIn(namespace: string): ConsolidatedDestinationRule[] {
    const table = this.byNamespace.get(namespace);
    if (!table) return [];
    return [...table.keys()]
      .sort()
      .flatMap((h) => (table.get(h) ?? []).filter((r) => r.workloadSelector !== undefined));
  }

  /** Every consolidated rule, by namespace then host, for debug views. */
  all(): ConsolidatedDestinationRule[] {
    return [...this.byNamespace.keys()].sort().flatMap((ns) => {
      const table = this.byNamespace.get(ns) ?? new Map();
      return [...table.keys()].sort().flatMap((h) => table.get(h) ?? []);
    });
  }

  /**
   * The rule that applies to traffic from a proxy (namespace, labels) to `serviceHost`, whose
   * service lives in `serviceNamespace` (undefined when the host is not a known service).
   */
  lookup(
    proxy: { namespace: string; labels?: Labels },
    serviceHost: string,
    serviceNamespace: string | undefined,
  ): ConsolidatedDestinationRule | undefined {
    const inRoot = proxy.namespace === this.rootNamespace;
    const own = this.pickIn(proxy.namespace, serviceHost, (r) => {
      if (r.workloadSelector)
        return selectorMatches(r.workloadSelector, proxy.labels ?? {}) ? 2 : 0;
      if (inRoot) return isPrivateTo(r.exportTo, r.namespace) ? 1 : 0;
      // A rule exported only to other namespaces does not apply to its own namespace.
      return isVisibleTo(r.exportTo, r.namespace) ? 1 : 0;
    });
    if (own) return own;
    const exported = (r: ConsolidatedDestinationRule) =>
      !r.workloadSelector && isVisibleTo(r.exportTo, proxy.namespace) ? 1 : 0;
    if (serviceNamespace !== undefined && (serviceNamespace !== proxy.namespace || inRoot)) {
      const fromService = this.pickIn(serviceNamespace, serviceHost, exported);
      if (fromService || serviceNamespace === this.rootNamespace) return fromService;
    }
    return this.pickIn(this.rootNamespace, serviceHost, exported);
  }

  /** Most specific host in `namespace` with a rule of the best score (> 0). */
  private pickIn(
    namespace: string,
    host: string,
    score: (r: ConsolidatedDestinationRule) => number,
  ): ConsolidatedDestinationRule | undefined {
    const table = this.byNamespace.get(namespace);
    if (!table) return undefined;
    const exact = bestOf(table.get(host), score);
    if (exact) return exact;
    // Only wildcard hosts can cover another host: scan those alone (usually few).
    const covering = (this.wildcardHosts.get(namespace) ?? []).filter(
      (h) => hostSubsetOf(host, h) && bestOf(table.get(h), score),
    );
    const matched = mostSpecificHostMatch(host, covering);
    return matched === undefined ? undefined : bestOf(table.get(matched), score);
  }
}

function bestOf(
  rules: readonly ConsolidatedDestinationRule[] | undefined,
  score: (r: ConsolidatedDestinationRule) => number,
): ConsolidatedDestinationRule | undefined {
  let best: ConsolidatedDestinationRule | undefined;
  let bestScore = 0;
  for (const r of rules ?? []) {
    const s = score(r);
    if (s > bestScore) [best, bestScore] = [r, s];
  }
  return best;
}
