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
  /** Selectors of Services and ServiceEntries: namespace → key → selector. */
  private readonly selectors = new Map<string, Map<KeyString, Labels>>();

  /** Learns the endpoint objects and selectors already in the store. */
  constructor(private readonly store: ConfigStore) {
    for (const kind of ENDPOINT_KINDS)
      for (const o of store.list(kind as ConfigObject["kind"])) this.remember(o);
    for (const kind of ["Service", "ServiceEntry"] as const)
      for (const o of store.list(kind)) this.selectorChanged(keyOf(o));
  }

  /**
   * A Service or ServiceEntry was added, updated or deleted: re-read its selector from the store.
   * Call for every such key of a ChangeSet before change() for its endpoint objects.
   */
  selectorChanged(key: ConfigKey): void {
    const ks = keyString(key);
    const ns = key.namespace || "default";
    const o = this.store.get(key);
    const selector = o ? selectorOf(o) : undefined;
    let byKey = this.selectors.get(ns);
    if (isEmptySelector(selector)) {
      byKey?.delete(ks);
      if (byKey?.size === 0) this.selectors.delete(ns);
      return;
    }
    if (!byKey) this.selectors.set(ns, (byKey = new Map()));
    byKey.set(ks, selector as Labels);
  }

  /**
   * Owners of an endpoint object before and after the change that was just applied to the store
   * (call in ChangeSet order, right after the apply); remembers the new state.
   */
  change(key: ConfigKey): OwnerChange {
    const ks = keyString(key);
    const before = this.remembered.get(ks);
    const obj = this.store.get(key);
    const after = obj ? membershipOf(obj) : undefined;
    if (obj) this.remember(obj);
    else this.remembered.delete(ks);
    const owners = new Set<KeyString>();
    for (const m of [before, after]) if (m) for (const o of this.ownersOf(m)) owners.add(o);
    const identityChanged =
      before?.by === "selector" &&
      after?.by === "selector" &&
      before.serviceAccount !== after.serviceAccount;
    return { owners: [...owners].sort(), identityChanged };
  }

  private ownersOf(m: Membership): KeyString[] {
    if (m.by === "service") return [m.service];
    const out: KeyString[] = [];
    for (const [key, selector] of this.selectors.get(m.namespace) ?? [])
      if (selectorMatches(selector, m.labels)) out.push(key);
    return out;
  }

  private remember(o: ConfigObject): void {
    const m = membershipOf(o);
    if (m) this.remembered.set(keyString(keyOf(o)), m);
  }
}

function selectorOf(o: ConfigObject): Labels | undefined {
  if (o.kind === "Service") return (o.body.spec as { selector?: Labels } | undefined)?.selector;
  if (o.kind === "ServiceEntry")
    return (o.body.spec as ServiceEntrySpec | undefined)?.workloadSelector?.labels;
  return undefined;
}
