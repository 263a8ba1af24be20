// Every message that crosses a thread boundary in meshpilot serve, in one file: what the ingest,
// push coordinator and xDS stream actors say to each other, what the supervisor says to them, and
// what the compute pool's workers are given and answer. All are structured-clone data (no
// classes, no functions); byte payloads travel as transferred ArrayBuffers.
//
//   ingest ──ConfigDelta──► coordinator ──ConfigDelta (replica versions), BroadcastChannel──► workers
//   coordinator ──GenerateTask──► compute pool ──GenerateResult (transferred bytes)──► coordinator
//   coordinator ──SnapshotUpdate, PushOrder──► xDS actor ──ProxyConnected/Disconnected──► coordinator
//   supervisor ◄──► every actor: lifecycle, metrics and debug queries

import type { ConfigKey, ConfigObject } from "../registry/config-object.js";
import type { ProxyView } from "../registry/mesh/types.js";
import type { MessagePort } from "node:worker_threads";
import type { Proxy } from "../xds/proxy-identity.js";
import type { MetricObjectWithValues, MetricValue } from "prom-client";

// ---------------------------------------------------------------------------------------------
// Config replication (ingest → coordinator; coordinator → its compute workers)

/** The BroadcastChannel name config deltas and snapshots are published on (a pool adds a suffix). */
export const CONFIG_CHANNEL = "meshpilot:config";

/** One store change: the objects upserted and the keys deleted, at the store's new version. */
export interface ConfigDelta {
  readonly type: "config-delta";
  /** Store version after this change; deltas are published in version order, without gaps. */
  readonly version: number;
  /** The version this delta applies on top of (version - 1 today). */
  readonly baseVersion: number;
  /** When the source event happened (ms since epoch), for convergence time. */
  readonly eventAt: number;
  readonly upserts: readonly ConfigObject[];
  readonly deletes: readonly ConfigKey[];
}

/**
 * The whole store at a version: for a replica that joined late or lost its place. Replicas ignore
 * a snapshot (or delta) not newer than what they hold, so answering one replica's request on the
 * shared channel does the others no harm. The publisher sends deltas only after its own store has
 * applied them, so a snapshot it sends is never older than a delta it already sent.
 */
export interface ConfigSnapshot {
  readonly type: "config-snapshot";
  readonly version: number;
  readonly objects: readonly ConfigObject[];
}

/** A replica asks for a snapshot (it joined late, or saw a gap in versions). */
export interface ConfigSnapshotRequest {
  readonly type: "config-snapshot-request";
  /** The version the replica holds (0: none yet; it asks as soon as it starts). */
  readonly haveVersion: number;
}

export type ConfigMessage = ConfigDelta | ConfigSnapshot | ConfigSnapshotRequest;

// ---------------------------------------------------------------------------------------------
// Generation (coordinator → compute pool → coordinator)

/**
 * Generate some xDS types of one proxy view at one model version. The task is the cache key. A
 * worker runs it once its replica holds `version` (or newer). Type URLs the generators do not
 * produce come back as empty sets.
 */
export interface GenerateTask {
  readonly version: number;
  readonly viewKey: string;
  readonly view: ProxyView;
  /** xDS type URLs to generate. */
  readonly types: readonly string[];
}

/** One generated resource: its name, content-hash version, and where its Any bytes are. */
export interface GeneratedResourceRef {
  readonly name: string;
  readonly version: string;
  /** Offset and length of the encoded google.protobuf.Any in GenerateResult.bytes. */
  readonly offset: number;
  readonly length: number;
}

export interface GeneratedTypeSet {
  readonly typeUrl: string;
  readonly resources: readonly GeneratedResourceRef[];
}

export interface GenerateResult {
  /** The model version the resources were generated from (never older than the task's). */
  readonly version: number;
  readonly viewKey: string;
  readonly sets: readonly GeneratedTypeSet[];
  /** Every resource's Any bytes, back to back; transferred, not copied. */
  readonly bytes: ArrayBuffer;
  /** The config keys and imports this view's output was computed from (dependency index). */
  readonly dependencies?: {
    readonly namespace: string;
    readonly proxyKind: string;
    readonly dependencies: readonly string[];
    readonly imports: readonly { readonly namespace: string; readonly host: string }[];
  };
  /** Set when the view's config could not be generated (the coordinator keeps the last good). */
  readonly error?: string;
}

// ---------------------------------------------------------------------------------------------
// Actors (sections added by the actors work: lifecycle, xDS actor, coordinator, queries)

/** The actors `meshpilot serve` runs, one worker thread each. */
export type ActorName = "ingest" | "coordinator" | "xds";

// Envelopes: every message on an actor's ports is one of these. A request is answered by exactly
// one reply with the same id (or an error); a send is one-way. Bodies are the messages below.

export interface RequestEnvelope<B = unknown> {
  readonly kind: "request";
  readonly id: number;
  readonly body: B;
}
export interface ReplyEnvelope<R = unknown> {
  readonly kind: "reply";
  readonly id: number;
  readonly body?: R;
  /** Set when the handler failed: its message. */
  readonly error?: string;
}
export interface SendEnvelope<B = unknown> {
  readonly kind: "send";
  readonly body: B;
}
export type Envelope = RequestEnvelope | ReplyEnvelope | SendEnvelope;

// ---------------------------------------------------------------------------------------------
// Lifecycle (supervisor → actor, over the worker's own port; handled by the actor host)

/** A port to a peer actor (a MessageChannel end, transferred); replaces any earlier one. */
export interface ConnectPeer {
  readonly type: "connect-peer";
  readonly peer: string;
  readonly port: MessagePort;
}
/** Start: answered with the actor's StartInfo once it serves (or an error: start failed). */
export interface StartActor {
  readonly type: "start";
}
/** Stop: close what the actor holds; answered when done. */
export interface StopActor {
  readonly type: "stop";
}
/** A peer actor died (its port is dead; a new one comes with the restart): forget its state. */
export interface PeerDown {
  readonly type: "peer-down";
  readonly peer: string;
}
/** A peer actor was restarted and has started: resynchronise with it. */
export interface PeerRestarted {
  readonly type: "peer-restarted";
  readonly peer: string;
}
/** Test hook: throw from the actor's event loop, as a bug would. */
export interface CrashActor {
  readonly type: "crash";
}
/** This thread's metrics (prom-client getMetricsAsJSON), for /metrics on the main thread. */
export interface MetricsQuery {
  readonly type: "metrics";
}
export type ThreadMetrics = Array<MetricObjectWithValues<MetricValue<string>>>;

/** What an actor answers to StartActor (fields per actor). */
export interface StartInfo {
  /** ingest: objects held and store version after the initial load. */
  readonly objects?: number;
  readonly version?: number;
  /** xds: the bound xDS address. */
  readonly xdsAddress?: string;
  /** peer-down on the coordinator when the xDS actor died: the streams it had. */
  readonly streamsLost?: number;
}

export type LifecycleMessage =
  ConnectPeer | StartActor | StopActor | PeerDown | PeerRestarted | CrashActor | MetricsQuery;

// ---------------------------------------------------------------------------------------------
// Debug queries (main thread → the actor that owns the data)

export interface ConfigzQuery {
  readonly type: "configz";
}
export interface ValidationzQuery {
  readonly type: "validationz";
}
export interface SynczQuery {
  readonly type: "syncz";
}
export interface ConfigDumpQuery {
  readonly type: "config-dump";
  readonly proxyId: string;
}
/** The last push summaries (newest last), for /debug/push_status. */
export interface PushStatusQuery {
  readonly type: "push-status";
}
export type DebugQuery =
  ConfigzQuery | ValidationzQuery | SynczQuery | ConfigDumpQuery | PushStatusQuery;

// ---------------------------------------------------------------------------------------------
// xDS actor ⇄ coordinator

/** A stream identified its proxy. `connectionId` is unique per stream. */
export interface ProxyConnected {
  readonly type: "proxy-connected";
  readonly connectionId: string;
  readonly proxy: Proxy;
}
export interface ProxyDisconnected {
  readonly type: "proxy-disconnected";
  readonly connectionId: string;
}
/** Coordinator → xDS actor (request): every stream it holds, e.g. after a coordinator restart. */
export interface ConnectedProxiesQuery {
  readonly type: "connected-proxies";
}
export interface ConnectedProxies {
  readonly connections: readonly Omit<ProxyConnected, "type">[];
}

/**
 * The resource sets of one proxy view for some xDS types, by reference into a table the xDS actor
 * keeps for the coordinator (wire-table.ts ↔ resource-table.ts): a set or resource the xDS actor
 * already has is named by its id; only new ones travel, new resources' Any bytes back to back in
 * `bytes` (transferred). Equal sets of many views are one set, sent once. `complete`: every type
 * is present (absent = none of that type); otherwise the sets replace only their own types in
 * what the xDS actor holds for the view.
 */
export interface SnapshotUpdate {
  readonly type: "snapshot-update";
  /** The coordinator's table: ids are its own; a new epoch (a restarted coordinator) starts anew. */
  readonly epoch: string;
  readonly version: number;
  readonly viewKey: string;
  readonly complete: boolean;
  /** The view's set of each type, by set id. */
  readonly sets: readonly { readonly typeUrl: string; readonly setId: number }[];
  /** Sets the table lacks, before `sets` refers to them. */
  readonly newSets: readonly WireSet[];
  /** Resources the table lacks, before `newSets` refers to them. */
  readonly newResources: readonly WireResource[];
  readonly bytes: ArrayBuffer;
  /** Ids the coordinator no longer holds: the table drops them (views keep what they have). */
  readonly forgottenSets: readonly number[];
  readonly forgottenResources: readonly number[];
}
export interface WireSet {
  readonly id: number;
  readonly typeUrl: string;
  readonly resourceIds: readonly number[];
}
export interface WireResource {
  readonly id: number;
  readonly typeUrl: string;
  readonly name: string;
  readonly version: string;
  /** Offset and length of the encoded google.protobuf.Any in SnapshotUpdate.bytes. */
  readonly offset: number;
  readonly length: number;
}
/** Push these types (all subscribed when absent) to these proxies, from their views' snapshots. */
export interface PushOrder {
  readonly type: "push-order";
  readonly proxyIds: readonly string[];
  readonly types?: readonly string[];
}

/**
 * SnapshotUpdates and PushOrders in the order the coordinator made them, as one message: a push to
 * thousands of views would otherwise be thousands of port messages, which a thread receives in
 * one long turn of its event loop.
 */
export interface SnapshotBatch {
  readonly type: "snapshot-batch";
  readonly messages: readonly (SnapshotUpdate | PushOrder)[];
}

export type CoordinatorMessage =
  ConfigDelta | ProxyConnected | ProxyDisconnected | PeerDown | PeerRestarted | PushStatusQuery;
export type XdsActorMessage =
  SnapshotUpdate | PushOrder | SnapshotBatch | ConnectedProxiesQuery | SynczQuery | ConfigDumpQuery;
export type IngestMessage = ConfigSnapshotRequest | ConfigzQuery | ValidationzQuery;

/** The reply each request type is answered with (request/reply is typed through this map). */
export interface ReplyOf {
  start: StartInfo;
  stop: null;
  "peer-down": StartInfo;
  "peer-restarted": StartInfo;
  metrics: ThreadMetrics;
  configz: unknown[];
  validationz: unknown[];
  syncz: unknown[];
  /** null: the proxy is not connected. */
  "config-dump": unknown;
  "push-status": unknown[];
  "connected-proxies": ConnectedProxies;
  "config-snapshot-request": ConfigSnapshot;
}
export type RequestBody = { readonly type: keyof ReplyOf };
