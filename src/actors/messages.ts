// Every message that crosses a thread boundary in meshpilot serve, in one file: what the ingest,
// push coordinator and xDS stream actors say to each other, what the supervisor says to them, and
// what the compute pool's workers are given and answer. All are structured-clone data (no
// classes, no functions); byte payloads travel as transferred ArrayBuffers.
//
//   ingest ──ConfigDelta──► coordinator, and BroadcastChannel CONFIG_CHANNEL ──► compute workers
//   coordinator ──GenerateTask──► compute pool ──GenerateResult (transferred bytes)──► coordinator
//   coordinator ──SnapshotUpdate, PushOrder──► xDS actor ──ProxyConnected/Disconnected──► coordinator
//   supervisor ◄──► every actor: lifecycle, metrics and debug queries

import type { ConfigKey, ConfigObject } from "../registry/config-object.js";
import type { ProxyView } from "../registry/mesh/types.js";

// ---------------------------------------------------------------------------------------------
// Config replication (ingest → coordinator and every compute worker)

/** The BroadcastChannel name config deltas and snapshots are published on. */
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

/** The whole store at a version: for a replica that joined late or lost its place. */
export interface ConfigSnapshot {
  readonly type: "config-snapshot";
  readonly version: number;
  readonly objects: readonly ConfigObject[];
}

/** A replica asks for a snapshot (it joined late, or saw a gap in versions). */
export interface ConfigSnapshotRequest {
  readonly type: "config-snapshot-request";
  /** The version the replica holds (0: none). */
  readonly haveVersion: number;
}

export type ConfigMessage = ConfigDelta | ConfigSnapshot | ConfigSnapshotRequest;

// ---------------------------------------------------------------------------------------------
// Generation (coordinator → compute pool → coordinator)

/** Generate some xDS types of one proxy view at one model version. The task is the cache key. */
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
