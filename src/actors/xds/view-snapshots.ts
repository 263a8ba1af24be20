// What the xDS actor serves: per proxy view, the ResourceSets the coordinator last sent
// (SnapshotUpdate), and which streams belong to each view. A view's snapshot is dropped when its
// last stream ends. Resources are rebuilt from the transferred Any bytes once per distinct
// (type, name, content hash) — the same EncodedResource object (and its cached delta entry) is
// shared by every view that holds it, across two model versions.

import { proxyViewKey, proxyViewOf } from "../../push/proxy-view.js";
import type { XdsConnection } from "../../xds/connection.js";
import { EncodedResource, ResourceSet, type ResourceSnapshot } from "../../xds/encoded-resource.js";
import type { Proxy } from "../../xds/proxy-identity.js";
import type { SnapshotUpdate } from "../messages.js";

interface View {
  readonly streams: Set<XdsConnection>;
  snapshot?: ResourceSnapshot;
}

export class ViewSnapshots {
  private readonly views = new Map<string, View>();
  private readonly keys = new WeakMap<Proxy, string>();
  private current = new Map<string, EncodedResource>();
  private previous = new Map<string, EncodedResource>();
  private generation = -1;

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
    const v = this.views.get(u.viewKey);
    if (!v || (!v.snapshot && !u.complete)) return [];
    if (u.version > this.generation) {
      this.previous = this.current;
      this.current = new Map();
      this.generation = u.version;
    }
    const sets = new Map<string, ResourceSet | undefined>();
    if (!u.complete && v.snapshot) for (const [t, s] of entries(v.snapshot)) sets.set(t, s);
    const bytes = Buffer.from(u.bytes);
    for (const t of u.sets)
      sets.set(
        t.typeUrl,
        new ResourceSet(
          t.typeUrl,
          t.resources.map((r) =>
            this.resource(
              t.typeUrl,
              r.name,
              r.version,
              bytes.subarray(r.offset, r.offset + r.length),
            ),
          ),
        ),
      );
    const first = !v.snapshot;
    v.snapshot = snapshotOf(sets);
    return first ? [...v.streams] : [];
  }

  get viewCount(): number {
    return this.views.size;
  }

  private resource(typeUrl: string, name: string, version: string, any: Buffer): EncodedResource {
    const key = `${typeUrl}\u0000${name}\u0000${version}`;
    let r = this.current.get(key) ?? this.previous.get(key);
    // Copied out of the shared buffer, so one retained resource does not keep the whole buffer.
    r ??= EncodedResource.fromAny(typeUrl, name, Buffer.from(any), version);
    this.current.set(key, r);
    return r;
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
