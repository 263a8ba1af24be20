// The coordinator's side of the table of resource sets and resources the xDS actor holds for it
// (its side: ../xds/resource-table.ts). A SnapshotUpdate names a view's sets by id and carries
// only what the xDS actor has not been sent: after a DestinationRule change, the clusters every
// view shares travel once, not once per view, and views with equal sets share one set object in
// the xDS actor, with one encoded response body. The table forgets an id when the coordinator's
// object behind it has been collected (no held snapshot has it, so no later update can name it);
// the ids go to the xDS actor with the next update. A new epoch (xDS actor restarted, or a new
// coordinator) starts an empty table on both sides.

import { randomUUID } from "node:crypto";
import {
  concatAnyBytes,
  type EncodedResource,
  type ResourceSet,
} from "../../xds/encoded-resource.js";
import type { SnapshotUpdate, WireResource, WireSet } from "../messages.js";

interface Forgettable {
  readonly epoch: string;
  readonly kind: "set" | "resource";
  readonly id: number;
}

export interface ViewSets {
  readonly version: number;
  readonly viewKey: string;
  /** One set per type sent (an empty set for a type the view has none of). */
  readonly sets: readonly ResourceSet[];
}

export class WireTable {
  private epoch = randomUUID();
  private sentSets = new WeakSet<ResourceSet>();
  private sentResources = new WeakSet<EncodedResource>();
  private forgottenSets: number[] = [];
  private forgottenResources: number[] = [];
  private readonly registry = new FinalizationRegistry<Forgettable>((f) => {
    if (f.epoch !== this.epoch) return;
    (f.kind === "set" ? this.forgottenSets : this.forgottenResources).push(f.id);
  });

  /** The update for a view, and the buffer to transfer with it. */
  update(v: ViewSets, complete: boolean): SnapshotUpdate {
    const newSets: WireSet[] = [];
    const fresh: EncodedResource[] = [];
    for (const set of v.sets) {
      if (this.sentSets.has(set)) continue;
      const resourceIds: number[] = [];
      for (const r of set.resources.values()) {
        resourceIds.push(r.id);
        if (this.sentResources.has(r)) continue;
        this.sentResources.add(r);
        this.registry.register(r, { epoch: this.epoch, kind: "resource", id: r.id });
        fresh.push(r);
      }
      this.sentSets.add(set);
      this.registry.register(set, { epoch: this.epoch, kind: "set", id: set.id });
      newSets.push({ id: set.id, typeUrl: set.typeUrl, resourceIds });
    }
    const { newResources, bytes } = packResources(fresh);
    const update: SnapshotUpdate = {
      type: "snapshot-update",
      epoch: this.epoch,
      version: v.version,
      viewKey: v.viewKey,
      complete,
      sets: v.sets.map((s) => ({ typeUrl: s.typeUrl, setId: s.id })),
      newSets,
      newResources,
      bytes,
      forgottenSets: this.forgottenSets,
      forgottenResources: this.forgottenResources,
    };
    this.forgottenSets = [];
    this.forgottenResources = [];
    return update;
  }

  /** The xDS actor's table is gone (it restarted): start again, sending everything anew. */
  reset(): void {
    this.epoch = randomUUID();
    this.sentSets = new WeakSet();
    this.sentResources = new WeakSet();
    this.forgottenSets = [];
    this.forgottenResources = [];
  }
}

function packResources(fresh: readonly EncodedResource[]): {
  newResources: WireResource[];
  bytes: ArrayBuffer;
} {
  const { bytes, offsets } = concatAnyBytes(fresh);
  const newResources = fresh.map((r, i) => ({
    id: r.id,
    typeUrl: r.typeUrl,
    name: r.name,
    version: r.version,
    offset: offsets[i] ?? 0,
    length: r.any.length,
  }));
  return { newResources, bytes };
}
