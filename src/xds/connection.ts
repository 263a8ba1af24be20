// One xDS stream (ADS or per-type, SotW or delta): identifies the proxy from the first request,
// keeps per-type protocol state, and writes responses in push order with bounded buffering.
//
// Sending is lazy: a request or a push only marks a type dirty; flush() builds the response from
// the proxy's current snapshot when the stream can take it. A client that stops reading therefore
// holds at most `maxWritesInFlight` messages plus one pending "dirty" mark per type — always the
// latest content, never a queue of old versions.

import * as grpc from "@grpc/grpc-js";
import type { XdsCall } from "./transport.js";
import { buildDelta, commitDelta, DeltaTypeState, onDeltaRequest } from "./delta-stream.js";
import {
  emptySet,
  nextBodyId,
  nonceOf,
  type ResourceSet,
  type ResourceSnapshot,
} from "./encoded-resource.js";
import type { DeltaDiscoveryRequest, DiscoveryRequest } from "./protos.js";
import { parseProxy, ProxyIdentityError, type Proxy } from "./proxy-identity.js";
import { buildSotw, commitSotw, onSotwRequest, SotwTypeState } from "./sotw-stream.js";
import { DEBUG_TYPES, isAllowedFor, isKnownType, pushRank, TypeUrl } from "./type-urls.js";
import { encodeDeltaResponse, encodeNonceField } from "./wire.js";

export type Variant = "sotw" | "delta";
export type AnyRequest = DiscoveryRequest | DeltaDiscoveryRequest;

/** A request that could not be decoded (handled as INVALID_ARGUMENT). */
export interface UndecodableRequest {
  readonly decodeError: string;
}

/** What a connection needs from the server that owns it. */
export interface ConnectionHost {
  now(): number;
  /** The proxy's snapshot; undefined while there is none yet (the stream waits for a push). */
  resolve(proxy: Proxy): ResourceSnapshot | undefined;
  /** Resources for istio.io/debug/* types, built on request. */
  debugSet(typeUrl: string, proxy: Proxy, names: ReadonlySet<string> | undefined): ResourceSet;
  register(c: XdsConnection): void;
  unregister(c: XdsConnection): void;
  /** Observers: metrics, logs and tests. */
  onRequest(c: XdsConnection, typeUrl: string, outcome: string): void;
  onSend(c: XdsConnection, typeUrl: string, bytes: number): void;
  readonly maxWritesInFlight: number;
  /**
   * Server-wide write budget: false when too many bytes are in flight across all streams; the
   * host then calls `resumeFlush()` on this connection once the budget frees up.
   */
  mayWrite(c: XdsConnection): boolean;
  /** `bytes` written by a stream have been flushed to its socket (or the stream ended). */
  written(bytes: number): void;
  /** A CDS response went out on a per-type stream: the proxy's EDS streams must follow. */
  cdsSent(c: XdsConnection): void;
}

type State = SotwTypeState | DeltaTypeState;

let connectionCounter = 0;

export class XdsConnection {
  proxy?: Proxy;
  id = "";
  readonly connectedAt: number;
  readonly states = new Map<string, State>();
  private writesInFlight = 0;
  private blocked = false;
  private closed = false;
  private flushing = false;
  private readonly warnedTypes = new Set<string>();
  /** Budget releases of writes not yet flushed; run when the stream closes. */
  private readonly releases = new Set<() => void>();
  /** Start times of writes not yet flushed, oldest first. */
  private readonly writeTimes: number[] = [];

  constructor(
    readonly variant: Variant,
    private readonly call: XdsCall,
    private readonly host: ConnectionHost,
    /** Set for the per-type (non-ADS) services. */
    readonly fixedType?: string,
  ) {
    this.connectedAt = host.now();
    call.onMessage((req) =>
      this.guarded(() => this.onData(req as AnyRequest | UndecodableRequest)),
    );
    call.onClose((ended) =>
      ended ? this.close(grpc.status.OK, "client closed the stream") : this.close(),
    );
  }

  get peer(): string {
    return this.call.getPeer();
  }

  /** Messages written but not yet flushed to the socket (for tests of slow clients). */
  get pendingWrites(): number {
    return this.writesInFlight;
  }

  /** Counts a push the control plane ordered (XdsServer.push) for these types (all by default). */
  countPushOrder(types?: readonly string[]): void {
    for (const [t, st] of this.states)
      if (types ? types.includes(t) : !DEBUG_TYPES.has(t)) st.pushes++;
  }

  /** Marks types (all subscribed ones by default) for re-evaluation and sends what changed. */
  push(types?: Iterable<string>): void {
    if (this.closed) return;
    if (types === undefined) {
      for (const [t, st] of this.states) if (!DEBUG_TYPES.has(t)) st.dirty = true;
    } else {
      for (const t of types) {
        const st = this.states.get(t);
        if (st) st.dirty = true;
      }
    }
    this.guarded(() => this.flush());
  }

  /**
   * Runs `fn`; an unexpected error (a resolver that throws, a bug) ends this stream with
   * INTERNAL instead of taking the server down.
   */
  private guarded(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(grpc.status.INTERNAL, `internal error: ${(e as Error).message}`);
    }
  }

  /** Ends the stream with a status (no-op if already closed). */
  close(code?: grpc.status, details?: string): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseBudget();
    if (this.proxy) this.host.unregister(this);
    if (code !== undefined && code !== grpc.status.OK) {
      this.call.fail(code, details ?? "");
    } else if (code === grpc.status.OK) {
      this.call.end();
    }
  }

  private fail(code: grpc.status, details: string): void {
    this.host.onRequest(this, "", `rejected: ${details}`);
    this.close(code, details);
  }

  private onData(req: AnyRequest | UndecodableRequest): void {
    if (this.closed) return;
    if ("decodeError" in req)
      return this.fail(grpc.status.INVALID_ARGUMENT, `cannot decode request: ${req.decodeError}`);
    if (!this.proxy) {
      try {
        this.proxy = parseProxy(req.node);
      } catch (e) {
        if (e instanceof ProxyIdentityError)
          return this.fail(grpc.status.INVALID_ARGUMENT, e.message);
        throw e;
      }
      this.id = `${this.proxy.id}-${++connectionCounter}`;
      this.host.register(this);
    }
    const typeUrl = req.typeUrl || this.fixedType || "";
    if (!typeUrl) return this.fail(grpc.status.INVALID_ARGUMENT, "type_url is required on ADS");
    if (this.fixedType && typeUrl !== this.fixedType)
      return this.fail(
        grpc.status.INVALID_ARGUMENT,
        `this service serves ${this.fixedType}, not ${typeUrl}`,
      );
    if (!isKnownType(typeUrl)) {
      // Defined outcome: ignored (no response), reported once per stream and type.
      this.host.onRequest(
        this,
        typeUrl,
        this.warnedTypes.has(typeUrl) ? "ignored" : "unknown-type",
      );
      this.warnedTypes.add(typeUrl);
      return;
    }
    const now = this.host.now();
    let st = this.states.get(typeUrl);
    let outcome: string;
    if (this.variant === "sotw") {
      if (!st) this.states.set(typeUrl, (st = new SotwTypeState(typeUrl)));
      const sotw = st as SotwTypeState;
      outcome = onSotwRequest(sotw, req as DiscoveryRequest, now, () =>
        this.current() ? this.setFor(typeUrl, sotw).version : "",
      );
      if (DEBUG_TYPES.has(typeUrl) && outcome === "subscribe") {
        sotw.dirty = sotw.force = true;
      }
    } else {
      if (!st) this.states.set(typeUrl, (st = new DeltaTypeState(typeUrl)));
      const delta = st as DeltaTypeState;
      outcome = onDeltaRequest(delta, req as DeltaDiscoveryRequest, now);
      if (DEBUG_TYPES.has(typeUrl) && outcome !== "ack" && outcome !== "nack") {
        delta.dirty = delta.mustRespond = delta.forceAll = true;
      }
    }
    this.host.onRequest(this, typeUrl, outcome);
    if (st.dirty) this.flush();
  }

  private snapshot?: ResourceSnapshot;

  private setFor(typeUrl: string, st: State): ResourceSet {
    const proxy = this.proxy as Proxy;
    if (!isAllowedFor(proxy.kind, typeUrl)) return emptySet(typeUrl);
    if (DEBUG_TYPES.has(typeUrl)) {
      const names = st.wildcard ? undefined : st.names;
      return this.host.debugSet(typeUrl, proxy, names);
    }
    return this.current()?.get(typeUrl) ?? emptySet(typeUrl);
  }

  /** The proxy's snapshot for this flush; undefined while the server has none for it yet. */
  private current(): ResourceSnapshot | undefined {
    this.snapshot ??= this.host.resolve(this.proxy as Proxy);
    return this.snapshot;
  }

  /** Sends every dirty type, in push order, as long as the stream takes writes. */
  private flush(): void {
    if (this.closed || this.blocked || this.flushing || !this.proxy) return;
    this.flushing = true;
    this.snapshot = undefined;
    try {
      const types = [...this.states.keys()].sort((a, b) => pushRank(a) - pushRank(b));
      for (const typeUrl of types) {
        const st = this.states.get(typeUrl) as State;
        if (!st.dirty) continue;
        // Not ready: no snapshot for this proxy yet; the type stays dirty until a push.
        if (!DEBUG_TYPES.has(typeUrl) && !this.current()) continue;
        if (this.writesInFlight >= this.host.maxWritesInFlight) {
          this.blocked = true;
          break;
        }
        if (!this.host.mayWrite(this)) break;
        st.dirty = false;
        const sent =
          st instanceof SotwTypeState
            ? this.sendSotw(st, this.setFor(typeUrl, st))
            : this.sendDelta(st, this.setFor(typeUrl, st));
        if (sent && typeUrl === TypeUrl.Cluster) {
          this.forceEds();
          // Non-ADS: the proxy's EDS lives on another stream; it must follow too.
          if (this.fixedType) this.host.cdsSent(this);
        }
      }
    } finally {
      this.flushing = false;
      this.snapshot = undefined;
    }
  }

  /**
   * EDS always follows a CDS response (clusters warm only after their endpoints arrive).
   * Returns true if this stream has EDS.
   */
  forceEds(): boolean {
    const eds = this.states.get(TypeUrl.Endpoint);
    if (!eds) return false;
    eds.dirty = true;
    if (eds instanceof SotwTypeState) eds.force = true;
    else eds.forceAll = true;
    return true;
  }

  /** Sends EDS now if this stream has it (after a CDS response on another stream). */
  followCds(): void {
    if (!this.closed && this.forceEds()) this.guarded(() => this.flush());
  }

  private sendSotw(st: SotwTypeState, set: ResourceSet): boolean {
    const body = buildSotw(st, set);
    if (!body) return false;
    if (body.id > st.lastNonceId) {
      commitSotw(st, body, body.id, this.host.now());
      this.write(st.typeUrl, body.message, () => body.framed);
      return true;
    }
    // This stream already had this body on this type: same bytes, fresh nonce.
    const id = nextBodyId();
    const message = Buffer.concat([body.body, encodeNonceField(nonceOf(id))]);
    commitSotw(st, body, id, this.host.now());
    this.write(st.typeUrl, message);
    return true;
  }

  private sendDelta(st: DeltaTypeState, set: ResourceSet): boolean {
    const build = buildDelta(st, set);
    if (!build) return false;
    const shared = build.shared;
    if (shared && shared.id > st.lastNonceId) {
      commitDelta(st, set, build, nonceOf(shared.id), shared.id, this.host.now());
      this.write(st.typeUrl, shared.message, () => shared.framed);
      return true;
    }
    const id = nextBodyId();
    const nonce = nonceOf(id);
    const message = encodeDeltaResponse(
      set.version,
      st.typeUrl,
      build.resources.map((r) => r.deltaEntry),
      build.removed,
      nonce,
    );
    commitDelta(st, set, build, nonce, id, this.host.now());
    this.write(st.typeUrl, message);
    return true;
  }

  /** When the oldest write not yet flushed to the socket was made (undefined if none). */
  get oldestPendingWriteAt(): number | undefined {
    return this.writeTimes[0];
  }

  /**
   * Stops counting this stream's unflushed writes against the server-wide budget: on close, and
   * when the stream looks stuck (a client that stopped reading must not hold up other streams;
   * its own memory stays bounded by maxWritesInFlight).
   */
  releaseBudget(): void {
    for (const release of this.releases) release();
    this.releases.clear();
  }

  /** Called by the host when the server-wide write budget has room again. */
  resumeFlush(): void {
    this.guarded(() => this.flush());
  }

  private write(typeUrl: string, message: Buffer, framed?: () => Buffer): void {
    this.writesInFlight++;
    this.host.onSend(this, typeUrl, message.length);
    const size = message.length;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.host.written(size);
    };
    this.releases.add(release);
    this.writeTimes.push(this.host.now());
    const ok = this.call.write(message, framed, () => {
      this.writeTimes.shift();
      this.releases.delete(release);
      release();
      this.writesInFlight--;
      if (this.blocked && this.writesInFlight <= 1) {
        this.blocked = false;
        this.guarded(() => this.flush());
      }
    });
    if (!ok) this.blocked = true;
  }
}
