// Encode once: a resource is held as its google.protobuf.Any bytes, with a version that is a
// content hash (so identical content has the same version on every replica), and shared by
// every stream that sends it. ResourceSet is an immutable set of one type; ResourceSnapshot is
// what a proxy should have, per type. This is the interface between the server and whatever
// produces resources (tests today; the push coordinator and compute workers later).

import { createHash } from "node:crypto";
import type { Selection } from "./subscriptions.js";
import {
  encodeAny,
  encodeDeltaResource,
  encodeDeltaResponse,
  encodeNonceField,
  encodeSotwBody,
} from "./wire.js";

function contentHash(parts: Iterable<string | Uint8Array>): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("base64url").slice(0, 22);
}

let resourceIds = 0;

export class EncodedResource {
  /** Content hash of the Any bytes. */
  readonly version: string;
  /** Process-unique id (tables that name resources across threads). */
  readonly id = ++resourceIds;
  private deltaBytes?: Buffer;

  private constructor(
    readonly typeUrl: string,
    readonly name: string,
    /** The encoded google.protobuf.Any (type_url + value). */
    readonly any: Buffer,
    version?: string,
  ) {
    this.version = version ?? contentHash([any]);
  }

  /**
   * From encoded Any bytes made elsewhere (another thread); `version` is their content hash as
   * computed there (computed here when absent).
   */
  static fromAny(typeUrl: string, name: string, any: Buffer, version?: string): EncodedResource {
    return new EncodedResource(typeUrl, name, any, version);
  }

  /**
   * From the encoded message bytes (e.g. `Cluster.encode(c).finish()`). `anyTypeUrl` is the
   * Any's type_url when it differs from the xDS type (Istio's debug types).
   */
  static fromMessageBytes(
    typeUrl: string,
    name: string,
    message: Uint8Array,
    anyTypeUrl = typeUrl,
  ): EncodedResource {
    return new EncodedResource(typeUrl, name, encodeAny(anyTypeUrl, message));
  }

  /** The message bytes inside the Any. */
  get messageBytes(): Uint8Array {
    // Any = 0x0a len type_url 0x12 len value; value is the tail after its own header.
    let pos = 1;
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = this.any[pos++] ?? 0;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) break;
    }
    pos += len + 1;
    while ((this.any[pos++] ?? 0) >= 0x80);
    return this.any.subarray(pos);
  }

  /** The encoded DeltaDiscoveryResponse `Resource` entry, built once on first use. */
  get deltaEntry(): Buffer {
    this.deltaBytes ??= encodeDeltaResource(this.name, this.version, this.any);
    return this.deltaBytes;
  }
}

/**
 * The Any bytes of these resources back to back in one buffer (to transfer to another thread),
 * and the offset of each.
 */
export function concatAnyBytes(resources: readonly EncodedResource[]): {
  bytes: ArrayBuffer;
  offsets: number[];
} {
  let total = 0;
  for (const r of resources) total += r.any.length;
  const bytes = new ArrayBuffer(total);
  const view = new Uint8Array(bytes);
  let at = 0;
  const offsets = resources.map((r) => {
    view.set(r.any, at);
    at += r.any.length;
    return at - r.any.length;
  });
  return { bytes, offsets };
}

let bodyIds = 0;

/** The SotW version_info of a selection of resources of one type (sorted by name). */
export function selectionVersion(typeUrl: string, sorted: readonly EncodedResource[]): string {
  return contentHash([typeUrl, ...sorted.flatMap((r) => ["\0", r.name, "\0", r.version])]);
}

/** A DiscoveryResponse minus its nonce, shared by every stream that sends the same selection. */
export interface SotwBody {
  /** Global, increasing: the nonce of `message` is this id in base 36. */
  readonly id: number;
  readonly versionInfo: string;
  readonly names: readonly string[];
  readonly resources: readonly EncodedResource[];
  readonly body: Buffer;
  /** body + nonce field for `id`: ready to write to any stream not yet sent this body. */
  readonly message: Buffer;
  /** `message` with its 5-byte gRPC length prefix, built on first use. */
  readonly framed: Buffer;
}

/** A gRPC length-prefixed message (uncompressed). */
export function grpcFrame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(message.length + 5);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

export function nonceOf(id: number): string {
  return id.toString(36);
}

/** A fresh id for a response built for one stream. */
export function nextBodyId(): number {
  return ++bodyIds;
}

/** A delta response from one set to another for one selection, shared by every stream in step. */
export interface DeltaBody {
  readonly id: number;
  readonly resources: readonly EncodedResource[];
  readonly removed: readonly string[];
  /** The whole DeltaDiscoveryResponse with nonce = id in base 36. */
  readonly message: Buffer;
  readonly framed: Buffer;
}

const MAX_CACHED_SELECTIONS = 256;
let setIds = 0;

/** An immutable set of resources of one type, keyed by name. */
export class ResourceSet {
  readonly resources: ReadonlyMap<string, EncodedResource>;
  private sorted?: readonly string[];
  private setVersion?: string;
  private readonly bodies = new Map<string, SotwBody>();
  private readonly deltaBodies = new Map<string, DeltaBody>();
  /** Process-unique id (cache keys). */
  readonly id = ++setIds;

  constructor(
    readonly typeUrl: string,
    resources: Iterable<EncodedResource>,
  ) {
    const map = new Map<string, EncodedResource>();
    for (const r of resources) {
      if (r.typeUrl !== typeUrl)
        throw new Error(`resource ${r.name} has type ${r.typeUrl}, set is ${typeUrl}`);
      if (map.has(r.name)) throw new Error(`duplicate resource name ${r.name} in ${typeUrl}`);
      map.set(r.name, r);
    }
    this.resources = map;
  }

  get size(): number {
    return this.resources.size;
  }

  get(name: string): EncodedResource | undefined {
    return this.resources.get(name);
  }

  /** Content hash over every (name, version): the set's version. */
  get version(): string {
    this.setVersion ??= contentHash([
      this.typeUrl,
      ...this.names.flatMap((n) => ["\0", n, "\0", this.get(n)?.version ?? ""]),
    ]);
    return this.setVersion;
  }

  /** See deltaBodyFor. */
  deltaBody(from: ResourceSet, selection: Selection | undefined, forceAll: boolean): DeltaBody {
    return deltaBodyFor(this, from, selection, forceAll, this.deltaBodies);
  }

  /** All names, sorted (deterministic response order). */
  get names(): readonly string[] {
    this.sorted ??= [...this.resources.keys()].sort();
    return this.sorted;
  }

  /**
   * The SotW response body for all resources (`names` undefined) or for the named ones that
   * exist. Built once per selection and shared.
   */
  sotwBody(selection?: Selection): SotwBody {
    const key = selection ? `=${selection.key}` : "*";
    let b = this.bodies.get(key);
    if (!b) {
      const selected = !selection
        ? this.names
        : selection.names.size < this.names.length
          ? [...selection.names].filter((n) => this.resources.has(n)).sort()
          : this.names.filter((n) => selection.names.has(n));
      const rs = selected.map((n) => this.resources.get(n) as EncodedResource);
      const versionInfo = selection ? selectionVersion(this.typeUrl, rs) : this.version;
      const body = encodeSotwBody(
        versionInfo,
        this.typeUrl,
        rs.map((r) => r.any),
      );
      const id = nextBodyId();
      const message = Buffer.concat([body, encodeNonceField(nonceOf(id))]);
      let framed: Buffer | undefined;
      b = {
        id,
        versionInfo,
        names: selected,
        resources: rs,
        body,
        message,
        get framed(): Buffer {
          framed ??= grpcFrame(message);
          return framed;
        },
      };
      if (this.bodies.size >= MAX_CACHED_SELECTIONS) {
        const oldest = this.bodies.keys().next().value as string;
        this.bodies.delete(oldest);
      }
      this.bodies.set(key, b);
    }
    return b;
  }
}

/**
 * The delta response for a client holding exactly `from`'s wanted resources (wildcard when
 * `selection` is undefined): changed and new resources, and removed names; with `forceAll`,
 * every wanted resource. Built once per (from, selection, forceAll) and shared.
 */
export function deltaBodyFor(
  to: ResourceSet,
  from: ResourceSet,
  selection: Selection | undefined,
  forceAll: boolean,
  cache: Map<string, DeltaBody>,
): DeltaBody {
  const key = `${from.id}|${forceAll ? 1 : 0}|${selection ? `=${selection.key}` : "*"}`;
  let b = cache.get(key);
  if (b) return b;
  const wanted = (n: string): boolean => !selection || selection.names.has(n);
  const names = selection ? [...selection.names].sort() : to.names;
  const resources: EncodedResource[] = [];
  for (const n of names) {
    const r = to.get(n);
    if (r && (forceAll || from.get(n)?.version !== r.version)) resources.push(r);
  }
  const removed = from.names.filter((n) => wanted(n) && !to.get(n));
  const id = nextBodyId();
  const message = encodeDeltaResponse(
    to.version,
    to.typeUrl,
    resources.map((r) => r.deltaEntry),
    removed,
    nonceOf(id),
  );
  let framed: Buffer | undefined;
  b = {
    id,
    resources,
    removed,
    message,
    get framed(): Buffer {
      framed ??= grpcFrame(message);
      return framed;
    },
  };
  if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
  cache.set(key, b);
  return b;
}

/** What one proxy should have: a ResourceSet per type URL (absent type = no resources). */
export interface ResourceSnapshot {
  get(typeUrl: string): ResourceSet | undefined;
}

/** A snapshot from a plain map. */
export class MapSnapshot implements ResourceSnapshot {
  private readonly sets: ReadonlyMap<string, ResourceSet>;
  constructor(sets: Iterable<ResourceSet>) {
    this.sets = new Map([...sets].map((s) => [s.typeUrl, s]));
  }
  get(typeUrl: string): ResourceSet | undefined {
    return this.sets.get(typeUrl);
  }
}

const empties = new Map<string, ResourceSet>();

/** The shared empty set of a type. */
export function emptySet(typeUrl: string): ResourceSet {
  let s = empties.get(typeUrl);
  if (!s) empties.set(typeUrl, (s = new ResourceSet(typeUrl, [])));
  return s;
}

export const EMPTY_SNAPSHOT: ResourceSnapshot = { get: () => undefined };
