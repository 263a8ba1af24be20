// Fleet benchmark, part 2: one fleet process (forked by fleet-run.ts) holding a share of the
// simulated sidecars. Each sidecar is one ADS stream on its own TCP connection
// (`grpc.use_local_subchannel_pool`) with an Istio node id and metadata, and subscribes like
// Envoy: CDS and LDS wildcard, then EDS for every EDS cluster the CDS response names and RDS for
// every route config the listeners reference; it ACKs everything — or, by mode, NACKs every
// response after the first of each type, or stops reading once it is in sync (stall).
//
// Responses are read with a wire walk, not decoded: header fields, and per resource its name
// (field 1 of Cluster, ClusterLoadAssignment, Listener and RouteConfiguration) and a content
// hash (SotW) or its version (delta). Identical bodies (same nonce: the server shares one body
// among the streams that get it) are walked once per process. For every resource whose content
// changed the stream logs (receive time, ACK time), so the orchestrator can ask, for an event at
// time t touching resource R: which streams hold R, and when did each ACK the first response
// after t that changed R?
//
// Times are wall-clock milliseconds (performance.timeOrigin + performance.now()), comparable
// across the processes of one machine.
//
// FLEET_DEBUG=1 prints every response proxy 0 receives (type, version, nonce, resources).

import { createHash } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { encodeMessage, jsonToStruct } from "../src/xds/protos.js";
import { ADS_SERVICE, TypeUrl } from "../src/xds/type-urls.js";
import { encodeLenFields, type LenField } from "../src/xds/wire.js";

export type ClientMode = "ack" | "nack" | "stall";

export interface ProxySpec {
  index: number;
  id: string;
  namespace: string;
  labels: Record<string, string>;
  ip: string;
  mode: ClientMode;
}

/** An event the orchestrator asks about: a resource of `typeUrl` whose name ends with `suffix`. */
export interface EventQuery {
  id: number;
  t: number;
  typeUrl: string;
  suffix: string;
}

export interface EventAnswer {
  id: number;
  /** Streams (mode ack) holding a matching resource. */
  holders: number;
  /** Of those, how many ACKed a change after t; and the last such ACK time. */
  acked: number;
  lastAck: number;
  /** ACK latencies (ms after t) of the holders that ACKed, for per-proxy distributions. */
  latencies: number[];
  /** Holder proxy indexes. */
  holderIndexes: number[];
}

export interface ProxyCounters {
  index: number;
  responses: number;
  bytes: number;
}

export interface ClientStats {
  cmd: "stats";
  streams: number;
  synced: number;
  failed: number;
  responses: number;
  bytes: number;
  byType: Record<string, { responses: number; bytes: number }>;
  cpuMs: number;
  rssMB: number;
  proxies: ProxyCounters[];
}

const DEBUG = process.env["FLEET_DEBUG"] === "1";

export const now = (): number => performance.timeOrigin + performance.now();

interface Resource {
  name: string;
  hash: string;
  /** Cluster: its EDS service name; Listener: the route config names it references. */
  refs: string[];
}

interface Body {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
  resources: Resource[];
  removed: string[];
}

// ------------------------------------------------------------------------------ wire walking

type FieldVisitor = (field: number, wire: number, start: number, end: number, n: number) => void;

/** Visits the fields of one message: for wire type 2, [start, end) is the payload. */
function walk(b: Uint8Array, from: number, to: number, visit: FieldVisitor): void {
  let pos = from;
  const varint = (): number => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const x = b[pos++] ?? 0;
      n += (x & 0x7f) * mul;
      mul *= 128;
      if (x < 0x80 || pos >= to) return n;
    }
  };
  while (pos < to) {
    const tag = varint();
    const wire = tag & 7;
    const field = Math.floor(tag / 8);
    if (wire === 0) visit(field, 0, pos, pos, varint());
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      visit(field, 2, pos, pos + len, len);
      pos += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
}

function str(b: Buffer, s: number, e: number): string {
  return b.toString("utf8", s, e);
}

/** Field 1 (name) of a resource message. */
function nameOf(b: Buffer, s: number, e: number): string {
  let name = "";
  walk(b, s, e, (f, w, a, z) => {
    if (f === 1 && w === 2 && !name) name = str(b, a, z);
  });
  return name;
}

/** Cluster: EDS service name when the cluster is of type EDS (type = 2, EDS = 3). */
function edsNameOf(b: Buffer, s: number, e: number): string | undefined {
  let name = "";
  let type = 0;
  let service = "";
  walk(b, s, e, (f, w, a, z, n) => {
    if (f === 1 && w === 2) name = str(b, a, z);
    else if (f === 2 && w === 0) type = n;
    else if (f === 3 && w === 2)
      walk(b, a, z, (f2, w2, a2, z2) => {
        if (f2 === 2 && w2 === 2) service = str(b, a2, z2);
      });
  });
  return type === 3 ? service || name : undefined;
}

const HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

/** Listener: route config names of RDS HttpConnectionManagers in its filter chains. */
function rdsNamesOf(b: Buffer, s: number, e: number, out: Set<string>): void {
  const chain = (a: number, z: number) =>
    walk(b, a, z, (f, w, a2, z2) => {
      if (f !== 3 || w !== 2) return; // FilterChain.filters
      walk(b, a2, z2, (f3, w3, a3, z3) => {
        if (f3 !== 4 || w3 !== 2) return; // Filter.typed_config (Any)
        let url = "";
        let vs = 0;
        let ve = 0;
        walk(b, a3, z3, (f4, _w4, a4, z4) => {
          if (f4 === 1) url = str(b, a4, z4);
          else if (f4 === 2) [vs, ve] = [a4, z4];
        });
        if (!url.endsWith(HCM)) return;
        walk(b, vs, ve, (f5, w5, a5, z5) => {
          if (f5 !== 3 || w5 !== 2) return; // HttpConnectionManager.rds
          walk(b, a5, z5, (f6, _w6, a6, z6) => {
            if (f6 === 2) out.add(str(b, a6, z6)); // Rds.route_config_name
          });
        });
      });
    });
  walk(b, s, e, (f, w, a, z) => {
    if (w === 2 && (f === 3 || f === 25)) chain(a, z); // filter_chains, default_filter_chain
  });
}

function hash(b: Buffer, s: number, e: number): string {
  return createHash("sha1").update(b.subarray(s, e)).digest("base64");
}

/** Any { type_url = 1; value = 2 } → [start, end) of value. */
function anyValue(b: Buffer, s: number, e: number): [number, number] {
  let r: [number, number] = [s, s];
  walk(b, s, e, (f, w, a, z) => {
    if (f === 2 && w === 2) r = [a, z];
  });
  return r;
}

function readBody(b: Buffer, delta: boolean): Body {
  const body: Body = {
    versionInfo: "",
    typeUrl: "",
    nonce: "",
    resources: [],
    removed: [],
  };
  const spans: Array<[number, number]> = [];
  walk(b, 0, b.length, (f, w, a, z) => {
    if (w !== 2) return;
    if (f === 1) body.versionInfo = str(b, a, z);
    else if (f === 4) body.typeUrl = str(b, a, z);
    else if (f === 5) body.nonce = str(b, a, z);
    else if (f === 2) spans.push([a, z]);
    else if (f === 6 && delta) body.removed.push(str(b, a, z));
  });
  for (const [a, z] of spans) {
    const refs = new Set<string>();
    let vs: number;
    let ve: number;
    let name = "";
    let version = "";
    if (delta) {
      // Resource { version = 1; resource = 2 (Any); name = 3 }
      vs = ve = a;
      walk(b, a, z, (f, w, a2, z2) => {
        if (w !== 2) return;
        if (f === 1) version = str(b, a2, z2);
        else if (f === 3) name = str(b, a2, z2);
        else if (f === 2) [vs, ve] = anyValue(b, a2, z2);
      });
    } else [vs, ve] = anyValue(b, a, z);
    if (!name) name = nameOf(b, vs, ve);
    if (body.typeUrl === TypeUrl.Cluster) {
      const eds = edsNameOf(b, vs, ve);
      if (eds) refs.add(eds);
    } else if (body.typeUrl === TypeUrl.Listener) rdsNamesOf(b, vs, ve, refs);
    body.resources.push({ name, hash: version || hash(b, vs, ve), refs: [...refs] });
  }
  return body;
}

// ------------------------------------------------------------------------------ streams

const TYPES = [TypeUrl.Cluster, TypeUrl.Endpoint, TypeUrl.Listener, TypeUrl.Route] as const;

interface TypeState {
  version: string;
  nonce: string;
  /** Subscribed names (EDS, RDS); wildcard types: unused. */
  names: string[];
  current: Map<string, string>;
  /** Per resource held: the names it makes the proxy subscribe to (CDS → EDS, LDS → RDS). */
  refs: Map<string, string[]>;
  answered: boolean;
  acked: number;
}

class Sidecar {
  readonly types = new Map<string, TypeState>();
  /** name → [recvT, ackT, recvT, ackT, …] of the responses that changed it. */
  readonly changes = new Map<string, number[]>();
  responses = 0;
  bytes = 0;
  failed = false;
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;
  private readonly client: grpc.Client;
  private sentNode = false;
  private readonly node: Uint8Array;

  constructor(
    address: string,
    readonly spec: ProxySpec,
    private readonly delta: boolean,
    private readonly fleet: Fleet,
  ) {
    for (const t of TYPES)
      this.types.set(t, {
        version: "",
        nonce: "",
        names: [],
        current: new Map(),
        refs: new Map(),
        answered: false,
        acked: 0,
      });
    this.node = encodeMessage("envoy.config.core.v3.Node", {
      id: spec.id,
      cluster: `${spec.labels["app"] ?? "app"}.${spec.namespace}`,
      metadata: jsonToStruct({
        NAMESPACE: spec.namespace,
        LABELS: spec.labels,
        CLUSTER_ID: "Kubernetes",
        ISTIO_VERSION: "1.30.0",
        INSTANCE_IPS: spec.ip,
        SERVICE_ACCOUNT: "default",
      }),
      locality: {},
    });
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
      "grpc.max_receive_message_length": -1,
    });
    const method = `/${ADS_SERVICE}/${delta ? "DeltaAggregatedResources" : "StreamAggregatedResources"}`;
    this.call = this.client.makeBidiStreamRequest(
      method,
      (b: Buffer) => b,
      (b: Buffer) => b,
    );
    this.call.on("data", (b: Buffer) => this.onData(b));
    this.call.on("error", (e: Error) => {
      if (!fleet.exiting) {
        this.failed = true;
        fleet.errors++;
        if (fleet.errors <= 5) console.error(`fleet stream ${spec.id}: ${e.message}`);
      }
    });
    this.request(TypeUrl.Cluster, { subscribe: [] });
    this.request(TypeUrl.Listener, { subscribe: [] });
  }

  /** In sync: CDS and LDS answered, and EDS and RDS answered when names are subscribed. */
  get synced(): boolean {
    for (const s of this.types.values())
      if (!s.answered && (s.names.length > 0 || isWild(s))) return false;
    return true;
  }

  private request(
    typeUrl: string,
    o: {
      version?: string;
      nonce?: string;
      names?: string[];
      subscribe?: string[];
      unsubscribe?: string[];
      error?: string;
    },
  ): void {
    const withNode = !this.sentNode;
    this.sentNode = true;
    const f: LenField[] = [];
    const status = o.error
      ? Buffer.concat([Buffer.from([0x08, 0x03]), encodeLenFields([{ field: 2, value: o.error }])])
      : undefined;
    if (this.delta) {
      // DeltaDiscoveryRequest { node 1, type_url 2, subscribe 3, unsubscribe 4, nonce 6, error 7 }
      if (withNode) f.push({ field: 1, value: this.node });
      f.push({ field: 2, value: typeUrl });
      for (const n of o.subscribe ?? []) f.push({ field: 3, value: n });
      for (const n of o.unsubscribe ?? []) f.push({ field: 4, value: n });
      if (o.nonce) f.push({ field: 6, value: o.nonce });
      if (status) f.push({ field: 7, value: status });
    } else {
      // DiscoveryRequest { version 1, node 2, names 3, type_url 4, nonce 5, error 6 }
      if (o.version) f.push({ field: 1, value: o.version });
      if (withNode) f.push({ field: 2, value: this.node });
      for (const n of o.names ?? []) f.push({ field: 3, value: n });
      f.push({ field: 4, value: typeUrl });
      if (o.nonce) f.push({ field: 5, value: o.nonce });
      if (status) f.push({ field: 6, value: status });
    }
    this.call.write(encodeLenFields(f));
  }

  private onData(b: Buffer): void {
    const recvT = now();
    this.responses++;
    this.bytes += b.length;
    const body = this.fleet.body(b, this.delta);
    this.fleet.count(body.typeUrl, b.length);
    const st = this.types.get(body.typeUrl);
    if (DEBUG && this.spec.index === 0)
      console.error(
        `fleet debug ${this.spec.id} ${body.typeUrl} v=${body.versionInfo} n=${body.nonce} res=${body.resources.map((r) => r.name + "@" + r.hash.slice(0, 6)).join(",")} rm=${body.removed.join(",")}`,
      );
    if (!st) return;
    const first = !st.answered;
    st.answered = true;
    const nack = this.spec.mode === "nack" && !first;
    if (nack) {
      this.request(body.typeUrl, {
        version: st.version,
        nonce: body.nonce,
        names: st.names,
        error: "fleet benchmark: rejected on purpose",
      });
      return;
    }
    // Apply: SotW replaces the set; delta adds/updates and removes.
    const changed: string[] = [];
    if (this.delta) {
      for (const r of body.resources) {
        if (st.current.get(r.name) !== r.hash) {
          st.current.set(r.name, r.hash);
          changed.push(r.name);
        }
        if (r.refs.length > 0) st.refs.set(r.name, r.refs);
        else st.refs.delete(r.name);
      }
      for (const n of body.removed) {
        st.current.delete(n);
        st.refs.delete(n);
      }
    } else {
      const next = new Map<string, string>();
      st.refs.clear();
      for (const r of body.resources) {
        next.set(r.name, r.hash);
        if (r.refs.length > 0) st.refs.set(r.name, r.refs);
        if (st.current.get(r.name) !== r.hash) changed.push(r.name);
      }
      st.current = next;
    }
    // Follow-up subscriptions, as Envoy: CDS → EDS names, LDS → RDS names.
    if (body.typeUrl === TypeUrl.Cluster || body.typeUrl === TypeUrl.Listener) {
      const dep = this.types.get(
        body.typeUrl === TypeUrl.Cluster ? TypeUrl.Endpoint : TypeUrl.Route,
      )!;
      const depUrl = body.typeUrl === TypeUrl.Cluster ? TypeUrl.Endpoint : TypeUrl.Route;
      const all = new Set<string>();
      for (const r of st.refs.values()) for (const n of r) all.add(n);
      const refs = [...all].sort();
      if (!sameList(dep.names, refs)) {
        const old = new Set(dep.names);
        const now2 = new Set(refs);
        const subscribe = refs.filter((n) => !old.has(n));
        const unsubscribe = dep.names.filter((n) => !now2.has(n));
        dep.names = refs;
        if (this.delta) this.request(depUrl, { subscribe, unsubscribe });
        else this.request(depUrl, { version: dep.version, nonce: dep.nonce, names: dep.names });
      }
    }
    st.version = body.versionInfo;
    st.nonce = body.nonce;
    st.acked++;
    if (this.delta) this.request(body.typeUrl, { nonce: body.nonce });
    else
      this.request(body.typeUrl, { version: body.versionInfo, nonce: body.nonce, names: st.names });
    const ackT = now();
    if (!first)
      for (const n of changed) {
        let log = this.changes.get(n);
        if (!log) this.changes.set(n, (log = []));
        log.push(recvT, ackT);
      }
    if (this.spec.mode === "stall" && this.synced) this.call.pause();
  }

  answer(q: EventQuery): { holds: boolean; ackT: number } {
    if (this.spec.mode !== "ack" || this.failed) return { holds: false, ackT: 0 };
    const st = this.types.get(q.typeUrl);
    if (!st) return { holds: false, ackT: 0 };
    let name: string | undefined;
    for (const n of st.current.keys())
      if (n.endsWith(q.suffix)) {
        name = n;
        break;
      }
    if (name === undefined) {
      // It may have been held before the event and changed since: look in the log.
      for (const n of this.changes.keys()) if (n.endsWith(q.suffix)) name = n;
      if (name === undefined) return { holds: false, ackT: 0 };
    }
    const log = this.changes.get(name) ?? [];
    for (let i = 0; i < log.length; i += 2)
      if (log[i]! >= q.t) return { holds: true, ackT: log[i + 1]! };
    return { holds: true, ackT: 0 };
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}

function isWild(s: TypeState): boolean {
  return s.names === WILD;
}
const WILD: string[] = [];

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

class Fleet {
  readonly sidecars: Sidecar[] = [];
  exiting = false;
  errors = 0;
  private readonly bodies = new Map<string, Body>();
  readonly byType: Record<string, { responses: number; bytes: number }> = {};

  body(b: Buffer, delta: boolean): Body {
    // The nonce is the body's global id on meshpilot (one shared body per nonce); fall back to
    // walking every body when a server does not share them.
    let nonce = "";
    walk(b, 0, b.length, (f, w, a, z) => {
      if (f === 5 && w === 2) nonce = str(b, a, z);
    });
    const key = `${b.length}:${nonce}`;
    let body = this.bodies.get(key);
    if (!body) {
      body = readBody(b, delta);
      if (this.bodies.size > 20_000) this.bodies.clear();
      this.bodies.set(key, body);
    }
    return body;
  }

  count(typeUrl: string, bytes: number): void {
    const short = typeUrl.slice(typeUrl.lastIndexOf(".") + 1);
    const c = (this.byType[short] ??= { responses: 0, bytes: 0 });
    c.responses++;
    c.bytes += bytes;
  }

  stats(): ClientStats {
    const cpu = process.cpuUsage();
    let responses = 0;
    let bytes = 0;
    for (const s of this.sidecars) {
      responses += s.responses;
      bytes += s.bytes;
    }
    return {
      cmd: "stats",
      streams: this.sidecars.length,
      synced: this.sidecars.filter((s) => s.synced).length,
      failed: this.sidecars.filter((s) => s.failed).length,
      responses,
      bytes,
      byType: this.byType,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMB: process.memoryUsage().rss / 2 ** 20,
      proxies: this.sidecars.map((s) => ({
        index: s.spec.index,
        responses: s.responses,
        bytes: s.bytes,
      })),
    };
  }

  answer(events: EventQuery[]): EventAnswer[] {
    return events.map((q) => {
      const a: EventAnswer = {
        id: q.id,
        holders: 0,
        acked: 0,
        lastAck: 0,
        latencies: [],
        holderIndexes: [],
      };
      for (const s of this.sidecars) {
        const r = s.answer(q);
        if (!r.holds) continue;
        a.holders++;
        a.holderIndexes.push(s.spec.index);
        if (r.ackT > 0) {
          a.acked++;
          a.lastAck = Math.max(a.lastAck, r.ackT);
          a.latencies.push(r.ackT - q.t);
        }
      }
      return a;
    });
  }
}

// The wildcard types' "names" are the shared WILD marker, so `synced` waits for their answer.
function main(): void {
  const fleet = new Fleet();
  let address = "";
  let delta = false;
  process.on(
    "message",
    (m: {
      cmd: string;
      address?: string;
      variant?: string;
      proxies?: ProxySpec[];
      events?: EventQuery[];
    }) => {
      if (m.cmd === "init") {
        address = m.address!;
        delta = m.variant === "delta";
        process.send?.({ cmd: "init" });
      } else if (m.cmd === "connect") {
        for (const p of m.proxies ?? []) {
          const s = new Sidecar(address, p, delta, fleet);
          s.types.get(TypeUrl.Cluster)!.names = WILD;
          s.types.get(TypeUrl.Listener)!.names = WILD;
          fleet.sidecars.push(s);
        }
        process.send?.({ cmd: "connect" });
      } else if (m.cmd === "stats") process.send?.(fleet.stats());
      else if (m.cmd === "events")
        process.send?.({ cmd: "events", answers: fleet.answer(m.events ?? []) });
      else if (m.cmd === "exit") {
        fleet.exiting = true;
        for (const s of fleet.sidecars) s.close();
        setTimeout(() => process.exit(0), 200).unref();
      }
    },
  );
  // Never outlive the orchestrator.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ cmd: "ready" });
}

main();
