// What the xDS actor serves: per proxy view, the ResourceSets the coordinator last sent
// (SnapshotUpdate), and which streams belong to each view. A view's snapshot is dropped when its
// last stream ends. Sets come from the ResourceTable: one object per distinct set the coordinator
// made, shared (with its response bodies) by every view that has it.

import { proxyViewKey, proxyViewOf } from "../../push/proxy-view.js";
import type { XdsConnection } from "../../xds/connection.js";
import type { ResourceSet, ResourceSnapshot } from "../../xds/encoded-resource.js";
import type { Proxy } from "../../xds/proxy-identity.js";
import type { SnapshotUpdate } from "../messages.js";
import { ResourceTable } from "./resource-table.js";

interface View {
  readonly streams: Set<XdsConnection>;
  snapshot?: ResourceSnapshot;
}

export class ViewSnapshots {
  private readonly views = new Map<string, View>();
  private readonly keys = new WeakMap<Proxy, string>();
  readonly table = new ResourceTable();

  /** The snapshot for a proxy; undefined until its view's first snapshot arrives. */
  resolve(proxy: Proxy): ResourceSnapshot | undefined {
    return this.views.get(this.keyOf(proxy))?.snapshot;
  }

  connected(c: XdsConnection): void {
    const key = this.keyOf(c.proxy as Proxy);
    let v = this.views.get(key);
    if (!v) this.views.set(key, (v = { streams: new Set() }));
    v.streams.add(c);
  }

  disconnected(c: XdsConnection): void {
    const key = this.keyOf(c.proxy as Proxy);
    const v = this.views.get(key);
    if (v?.streams.delete(c) && v.streams.size === 0) this.views.delete(key);
  }

  /**
   * Applies an update. Returns the view's streams when this was its first snapshot (they have
   * been waiting and must be pushed); an update for a view with no stream is ignored.
   */
  apply(u: SnapshotUpdate): XdsConnection[] {
    // The table takes every update, so later ones can name what this one brings.
    const given = this.table.apply(u);
    const v = this.views.get(u.viewKey);
    if (!v || (!v.snapshot && !u.complete)) return [];
    const sets = new Map<string, ResourceSet | undefined>();
    if (!u.complete && v.snapshot) for (const [t, s] of entries(v.snapshot)) sets.set(t, s);
    for (const [t, s] of given) sets.set(t, s);
    const first = !v.snapshot;
    v.snapshot = snapshotOf(sets);
    return first ? [...v.streams] : [];
  }

  get viewCount(): number {
    return this.views.size;
  }

  private keyOf(proxy: Proxy): string {
    let k = this.keys.get(proxy);
    if (k === undefined) this.keys.set(proxy, (k = proxyViewKey(proxyViewOf(proxy))));
    return k;
  }
}

const SETS = Symbol("sets");
type HeldSnapshot = ResourceSnapshot & {
  readonly [SETS]: ReadonlyMap<string, ResourceSet | undefined>;
};

function snapshotOf(sets: ReadonlyMap<string, ResourceSet | undefined>): HeldSnapshot {
  return { [SETS]: sets, get: (t) => sets.get(t) };
}

function entries(s: ResourceSnapshot): Iterable<[string, ResourceSet | undefined]> {
  return (s as HeldSnapshot)[SETS].entries();
}
