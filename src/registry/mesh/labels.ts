// Label selectors (equality only, as Istio's workloadSelector and Service selectors are), a label
// index for selecting workloads without scanning them all, and the creation-order sort Istio uses
// to break ties between config objects.

import type { ConfigObject } from "../config-object.js";
import { compareStrings } from "./hosts.js";

export type Labels = Readonly<Record<string, string>>;

/** Every key of `selector` is in `labels` with the same value (an empty selector matches all). */
export function selectorMatches(selector: Labels | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

export function isEmptySelector(selector: Labels | undefined): boolean {
  return !selector || Object.keys(selector).length === 0;
}

/** Items grouped by namespace, and within it by `key=value` label pair. */
export class LabelIndex<T> {
  private readonly byNamespace = new Map<string, T[]>();
  private readonly byPair = new Map<string, T[]>();

  constructor(private readonly labelsOf: (item: T) => Labels) {}

  add(namespace: string, item: T): void {
    push(this.byNamespace, namespace, item);
    for (const [k, v] of Object.entries(this.labelsOf(item)))
      push(this.byPair, `${namespace}\u0000${k}=${v}`, item);
  }

  /** Items of `namespace` whose labels match `selector`, in insertion order. */
  select(namespace: string, selector: Labels | undefined): T[] {
    let candidates = this.byNamespace.get(namespace) ?? [];
    for (const [k, v] of Object.entries(selector ?? {})) {
      const list = this.byPair.get(`${namespace}\u0000${k}=${v}`) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    return candidates.filter((item) => selectorMatches(selector, this.labelsOf(item)));
  }

  inNamespace(namespace: string): readonly T[] {
    return this.byNamespace.get(namespace) ?? [];
  }
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Istio's order for config of one kind: oldest first, then namespace, then name. */
export function byCreationTime(a: ConfigObject, b: ConfigObject): number {
  return (
    compareStrings(
      normalizedTimestamp(a.metadata.creationTimestamp),
      normalizedTimestamp(b.metadata.creationTimestamp),
    ) ||
    compareStrings(a.metadata.namespace ?? "", b.metadata.namespace ?? "") ||
    compareStrings(a.metadata.name, b.metadata.name)
  );
}

/** Objects without a timestamp (YAML files) sort as equally old, before any stamped object. */
function normalizedTimestamp(ts: string | undefined): string {
  if (ts === undefined) return "";
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString();
}
