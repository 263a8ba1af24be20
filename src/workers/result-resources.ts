// GenerateResult → ResourceSets, in the coordinator's thread. Resources are cached by (type URL,
// name, content-hash version), so a resource equal for many views, or regenerated unchanged by a
// later task, is one EncodedResource (one Buffer) however many results carried it. A new resource
// is a view into its result's transferred ArrayBuffer when most of that buffer is new (no copy);
// otherwise it is copied out, so a mostly-cached result's buffer is not kept alive by a few bytes.
// As in ResourceEncoder, two generations are held strongly (the cache rolls when results of a
// newer model version arrive) and older entries weakly, while some held snapshot has them. Sets
// are interned (SetInterner): equal sets of many views are one object.

import { EncodedResource, type ResourceSet } from "../xds/encoded-resource.js";
import type { GeneratedResourceRef, GenerateResult } from "../actors/messages.js";
import { SetInterner } from "../push/set-interner.js";
import { WeakValueMap } from "../weak-value-map.js";

export class ResultResources {
  private current = new Map<string, EncodedResource>();
  private previous = new Map<string, EncodedResource>();
  private readonly held = new WeakValueMap<string, EncodedResource>();
  private readonly interner = new SetInterner();
  private newestVersion = -1;
  /** Resources taken from results (cache misses). */
  created = 0;
  /** Resources answered from the cache. */
  hits = 0;

  /** The result's sets, one per type URL it carries. */
  sets(result: GenerateResult): ResourceSet[] {
    if (result.version > this.newestVersion) {
      if (this.newestVersion >= 0) {
        this.previous = this.current;
        this.current = new Map();
      }
      this.newestVersion = result.version;
    }
    const bytes = Buffer.from(result.bytes);
    const missing = result.sets.flatMap((s) =>
      s.resources.filter((r) => !this.cached(s.typeUrl, r)),
    );
    const newBytes = missing.reduce((n, r) => n + r.length, 0);
    const shareBuffer = newBytes * 2 >= bytes.length;
    return result.sets.map((s) =>
      this.interner.intern(
        s.typeUrl,
        s.resources.map((r) => this.resource(s.typeUrl, r, bytes, shareBuffer)),
      ),
    );
  }

  get size(): number {
    return this.current.size;
  }

  private cached(typeUrl: string, r: GeneratedResourceRef): boolean {
    const key = cacheKey(typeUrl, r);
    return this.current.has(key) || this.previous.has(key) || this.held.get(key) !== undefined;
  }

  private resource(
    typeUrl: string,
    ref: GeneratedResourceRef,
    bytes: Buffer,
    shareBuffer: boolean,
  ): EncodedResource {
    const key = cacheKey(typeUrl, ref);
    let r = this.current.get(key) ?? this.previous.get(key) ?? this.held.get(key);
    if (r) this.hits++;
    else {
      const view = bytes.subarray(ref.offset, ref.offset + ref.length);
      r = EncodedResource.fromAny(
        typeUrl,
        ref.name,
        shareBuffer ? view : Buffer.from(view),
        ref.version,
      );
      this.held.set(key, r);
      this.created++;
    }
    this.current.set(key, r);
    return r;
  }
}

function cacheKey(typeUrl: string, r: GeneratedResourceRef): string {
  return `${typeUrl}\u0000${r.name}\u0000${r.version}`;
}
