// Which services an endpoint object belongs to, before and after a change. An EndpointSlice names
// its Service (label kubernetes.io/service-name), an Endpoints object is named after it, and a Pod
// or WorkloadEntry belongs to every Service (same namespace, selector matches) and ServiceEntry
// (same namespace, workloadSelector matches) that selects its labels. A ChangeSet only carries
// keys, and a deleted or relabelled object no longer shows what it used to belong to, so what
// decides ownership (service name, namespace, labels, service account) is remembered per object.

import {
  keyOf,
  keyString,
  type ConfigKey,
  type ConfigObject,
  type KeyString,
} from "../registry/config-object.js";
import type { ConfigStore } from "../registry/config-store.js";
import { SERVICE_NAME_LABEL } from "../registry/mesh/kube-endpoints.js";
import { isEmptySelector, selectorMatches, type Labels } from "../registry/mesh/labels.js";
import type { ServiceEntrySpec } from "../registry/mesh/services.js";
import { workloadFromPod, workloadFromWorkloadEntry } from "../registry/mesh/workloads.js";

/** The kinds whose changes move endpoints only. */
export const ENDPOINT_KINDS: ReadonlySet<string> = new Set([
  "EndpointSlice",
  "Endpoints",
  "Pod",
  "WorkloadEntry",
]);

/** What ownership of one endpoint object is decided by. */
type Membership =
  | { readonly by: "service"; readonly service: KeyString }
  | {
      readonly by: "selector";
      readonly namespace: string;
      readonly labels: Labels;
      readonly serviceAccount: string;
    };

export interface OwnerChange {
  /** Service / ServiceEntry keys the object belonged to before or belongs to after. */
  readonly owners: KeyString[];
  /** The workload's identity changed (a SAN in clusters: not an endpoint-only change). */
  readonly identityChanged: boolean;
}

function membershipOf(o: ConfigObject): Membership | undefined {
  const ns = o.metadata.namespace ?? "default";
  switch (o.kind) {
    case "EndpointSlice": {
      const svc = o.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc ? { by: "service", service: `Service/${ns}/${svc}` } : undefined;
    }
    case "Endpoints":
      return { by: "service", service: `Service/${ns}/${o.metadata.name}` };
    case "Pod":
    case "WorkloadEntry": {
      const w = o.kind === "Pod" ? workloadFromPod(o, "") : workloadFromWorkloadEntry(o, "");
      return { by: "selector", namespace: ns, labels: w.labels, serviceAccount: w.serviceAccount };
    }
    default:
      return undefined;
  }
}

export class EndpointOwners {
  private readonly remembered = new Map<KeyString, Membership>();

  /** Learns the endpoint objects already in the store. */
  constructor(private readonly store: ConfigStore) {
    for (const kind of ENDPOINT_KINDS)
      for (const o of store.list(kind as ConfigObject["kind"])) this.remember(o);
  }

  /**
   * Owners of an endpoint object before and after the change that was just applied to the store
   * (call in ChangeSet order, right after the apply); remembers the new state.
   * `selectors` lists the current selecting objects (built once per ChangeSet by the caller).
   */
  change(key: ConfigKey, selectors: SelectorTable): OwnerChange {
    const ks = keyString(key);
    const before = this.remembered.get(ks);
    const obj = this.store.get(key);
    const after = obj ? membershipOf(obj) : undefined;
    if (obj) this.remember(obj);
    else this.remembered.delete(ks);
    const owners = new Set<KeyString>();
    for (const m of [before, after]) if (m) for (const o of ownersOf(m, selectors)) owners.add(o);
    const identityChanged =
      before?.by === "selector" &&
      after?.by === "selector" &&
      before.serviceAccount !== after.serviceAccount;
    return { owners: [...owners].sort(), identityChanged };
  }

  private remember(o: ConfigObject): void {
    const m = membershipOf(o);
    if (m) this.remembered.set(keyString(keyOf(o)), m);
  }
}

/** Current selectors of Services and ServiceEntries, by namespace. */
export type SelectorTable = ReadonlyMap<
  string,
  ReadonlyArray<{ key: KeyString; selector: Labels }>
>;

export function selectorTable(store: ConfigStore): SelectorTable {
  const table = new Map<string, Array<{ key: KeyString; selector: Labels }>>();
  const add = (o: ConfigObject, selector: Labels | undefined): void => {
    if (isEmptySelector(selector)) return;
    const ns = o.metadata.namespace ?? "default";
    let list = table.get(ns);
    if (!list) table.set(ns, (list = []));
    list.push({ key: keyString(keyOf(o)), selector: selector as Labels });
  };
  for (const s of store.list("Service"))
    add(s, (s.body.spec as { selector?: Labels } | undefined)?.selector);
  for (const se of store.list("ServiceEntry"))
    add(se, (se.body.spec as ServiceEntrySpec | undefined)?.workloadSelector?.labels);
  return table;
}

function ownersOf(m: Membership, selectors: SelectorTable): KeyString[] {
  if (m.by === "service") return [m.service];
  return (selectors.get(m.namespace) ?? [])
    .filter((s) => selectorMatches(s.selector, m.labels))
    .map((s) => s.key);
}
