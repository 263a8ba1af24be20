// One ResourceSet object per distinct content: views whose resources of a type are the same
// EncodedResources (the ResourceEncoder already shares equal resources) get the same set, so
// everything built from a set once — its version, its SotW and delta bodies in the xDS actor —
// is built once for all of them. Sets are held weakly: one no snapshot holds any more goes.

import { ResourceSet, type EncodedResource } from "../xds/encoded-resource.js";
import { WeakValueMap } from "../weak-value-map.js";

export class SetInterner {
  private readonly sets = new WeakValueMap<string, ResourceSet>();

  /** The set of these resources (a new one only for content not seen while the last lived). */
  intern(typeUrl: string, resources: readonly EncodedResource[]): ResourceSet {
    const ids = resources.map((r) => r.id).sort((a, b) => a - b);
    const key = `${typeUrl} ${ids.join(",")}`;
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new ResourceSet(typeUrl, resources)));
    return set;
  }

  get size(): number {
    return this.sets.size;
  }
}
