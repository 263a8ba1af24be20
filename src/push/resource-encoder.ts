// Encode each distinct resource once. Generated messages are plain objects; their JSON text is
// hashed, and (type, name, hash) maps to one EncodedResource shared by every proxy whose snapshot
// holds that resource. Entries are held strongly for two generations (those used since the last
// `nextGeneration()` and in the one before) and weakly after that: a resource some held snapshot
// still has (a proxy not regenerated for several model versions) is found again and not
// re-encoded; one nothing holds is dropped once collected.
//
// The hash is of JSON.stringify's text, in the message's own key order (canonical sorting cost
// more than generating): equal text means equal content, so a hit is always right; equal content
// built in another key order only costs a second encode, whose bytes are the same (protobuf field
// order). A frozen message (the generators' memoised pieces, deep-frozen: see
// translate/memo.ts) cannot change, so its hash is remembered by identity and it is hashed once.

import { createHash } from "node:crypto";
import type { EnvoyMessage } from "../translate/envoy-message.js";
import { EncodedResource } from "../xds/encoded-resource.js";
import { encodeEnvoyMessage } from "../xds/envoy-json.js";
import { WeakValueMap } from "../weak-value-map.js";

export class ResourceEncoder {
  private current = new Map<string, EncodedResource>();
  private previous = new Map<string, EncodedResource>();
  private readonly held = new WeakValueMap<string, EncodedResource>();
  private readonly frozenHashes = new WeakMap<EnvoyMessage, string>();
  /** Messages encoded (cache misses) since this encoder was made. */
  encodes = 0;
  /** Lookups answered from the cache. */
  hits = 0;

  encode(typeUrl: string, name: string, message: EnvoyMessage): EncodedResource {
    const key = `${typeUrl}\u0000${name}\u0000${this.hashOf(message)}`;
    let r = this.current.get(key);
    if (r) {
      this.hits++;
      return r;
    }
    r = this.previous.get(key) ?? this.held.get(key);
    if (r) this.hits++;
    else {
      r = EncodedResource.fromMessageBytes(typeUrl, name, encodeEnvoyMessage(typeUrl, message));
      this.held.set(key, r);
      this.encodes++;
    }
    this.current.set(key, r);
    return r;
  }

  private hashOf(message: EnvoyMessage): string {
    const frozen = Object.isFrozen(message);
    let hash = frozen ? this.frozenHashes.get(message) : undefined;
    if (hash === undefined) {
      hash = createHash("sha256").update(JSON.stringify(message)).digest("base64url");
      if (frozen) this.frozenHashes.set(message, hash);
    }
    return hash;
  }

  /** Starts a new generation (call when the model changes). */
  nextGeneration(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  get size(): number {
    return this.current.size;
  }
}
