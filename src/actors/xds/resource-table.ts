// The xDS actor's side of the coordinator's table (../coordinator/wire-table.ts): the resource sets
// and resources the coordinator has sent, by the coordinator's ids, so an update can name them
// without sending them again. One set object per id: every view given that id shares it, and with
// it the response bodies built from it. Entries go when the coordinator says it forgot them; a
// new epoch empties the table (views keep the sets they hold).

import { EncodedResource, ResourceSet } from "../../xds/encoded-resource.js";
import type { SnapshotUpdate } from "../messages.js";

export class ResourceTable {
  private epoch = "";
  private readonly sets = new Map<number, ResourceSet>();
  private readonly resources = new Map<number, EncodedResource>();

  /** Takes in what the update adds and forgets; returns the view's sets by type URL. */
  apply(u: SnapshotUpdate): Map<string, ResourceSet> {
    if (u.epoch !== this.epoch) {
      this.epoch = u.epoch;
      this.sets.clear();
      this.resources.clear();
    }
    const bytes = Buffer.from(u.bytes);
    for (const r of u.newResources) {
      // Copied out of the update's buffer, so one long-lived resource does not keep it all.
      const any = Buffer.from(bytes.subarray(r.offset, r.offset + r.length));
      this.resources.set(r.id, EncodedResource.fromAny(r.typeUrl, r.name, any, r.version));
    }
    for (const s of u.newSets)
      this.sets.set(
        s.id,
        new ResourceSet(
          s.typeUrl,
          s.resourceIds.map((id) => this.resource(id)),
        ),
      );
    const out = new Map<string, ResourceSet>();
    for (const { typeUrl, setId } of u.sets) {
      const set = this.sets.get(setId);
      if (!set) throw new Error(`snapshot update names set ${setId}, which was never sent`);
      out.set(typeUrl, set);
    }
    for (const id of u.forgottenSets) this.sets.delete(id);
    for (const id of u.forgottenResources) this.resources.delete(id);
    return out;
  }

  get setCount(): number {
    return this.sets.size;
  }

  get resourceCount(): number {
    return this.resources.size;
  }

  private resource(id: number): EncodedResource {
    const r = this.resources.get(id);
    if (!r) throw new Error(`snapshot update names resource ${id}, which was never sent`);
    return r;
  }
}
