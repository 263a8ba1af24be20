// Encode each distinct resource once. Generated messages are plain objects; their canonical JSON
// (keys sorted) is hashed, and (type, name, hash) maps to one EncodedResource shared by every
// proxy whose snapshot holds that resource. Two generations are kept: entries used since the last
// `nextGeneration()` and those used in the generation before, so a model change re-encodes only
// what changed, and resources no proxy uses any more are dropped after one more generation.

import { createHash } from "node:crypto";
import type { EnvoyMessage } from "../translate/envoy-message.js";
import { EncodedResource } from "../xds/encoded-resource.js";
import { encodeEnvoyMessage } from "../xds/envoy-json.js";

/** JSON with object keys sorted, so equal content gives equal text whatever the build order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export class ResourceEncoder {
  private current = new Map<string, EncodedResource>();
  private previous = new Map<string, EncodedResource>();
  /** Messages encoded (cache misses) since this encoder was made. */
  encodes = 0;
  /** Lookups answered from the cache. */
  hits = 0;

  encode(typeUrl: string, name: string, message: EnvoyMessage): EncodedResource {
    const hash = createHash("sha256").update(canonicalJson(message)).digest("base64url");
    const key = `${typeUrl}\u0000${name}\u0000${hash}`;
    let r = this.current.get(key);
    if (r) {
      this.hits++;
      return r;
    }
    r = this.previous.get(key);
    if (r) this.hits++;
    else {
      r = EncodedResource.fromMessageBytes(typeUrl, name, encodeEnvoyMessage(typeUrl, message));
      this.encodes++;
    }
    this.current.set(key, r);
    return r;
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
