// A compute worker's copy of the config: a ConfigStore kept current from the ConfigDelta /
// ConfigSnapshot messages of CONFIG_CHANNEL, and the mesh model of its current version, built
// only when a task asks for it (a burst of deltas builds no model nobody uses).
//
// Deltas are applied in version order. A delta that does not follow the held version (a gap, or
// a replica that joined late and holds nothing) is kept aside and a snapshot is asked for; a
// snapshot newer than what is held replaces the store, and the kept deltas that follow it are
// applied. Messages at or below the held version are ignored, so a delta published twice, or a
// snapshot answering another replica's request, does no harm.

import {
  keyOf,
  keyString,
  parseKeyString,
  type ConfigObject,
  type KeyString,
} from "../registry/config-object.js";
import { ConfigStore } from "../registry/config-store.js";
import { buildMeshModel, type MeshModel } from "../registry/mesh/mesh-model.js";
import { updateMeshModel } from "../registry/mesh/mesh-model-update.js";
import type { MeshModelOptions } from "../registry/mesh/types.js";
import type { ConfigDelta, ConfigMessage, ConfigSnapshot } from "../actors/messages.js";

/**
 * The model for a new version: the one place a replica builds models. `changed` holds every key
 * upserted or deleted since `previous` was built (undefined after a snapshot: start over), for an
 * incremental update to use once the mesh model has one; today it rebuilds whole.
 */
export function buildReplicaModel(
  objects: readonly ConfigObject[],
  options: MeshModelOptions,
  previous?: MeshModel,
  changed?: ReadonlySet<KeyString>,
): MeshModel {
  // Incremental when the changes since the previous model are known (endpoint-only changes
  // reuse its indexes; anything else is a full build inside updateMeshModel).
  if (previous && changed)
    return updateMeshModel(previous, objects, [...changed].map(parseKeyString));
  return buildMeshModel(objects, options);
}

export interface ReplicaModel {
  readonly version: number;
  readonly model: MeshModel;
}

export class ModelReplica {
  private store = new ConfigStore();
  /** The version the store holds; undefined until the first snapshot arrives. */
  private held: number | undefined;
  /** Deltas that do not follow the held version yet, by baseVersion. */
  private readonly early = new Map<number, ConfigDelta>();
  private snapshotAsked = false;
  private built: ReplicaModel | undefined;
  /** Keys changed since `built`; undefined when the model must start over (after a snapshot). */
  private changed: Set<KeyString> | undefined;
  private readonly waiters: Array<{ version: number; resolve: (v: number) => void }> = [];
  /** Models built (for tests and metrics). */
  modelBuilds = 0;

  constructor(
    /** Posts a ConfigSnapshotRequest on the channel. */
    private readonly askSnapshot: (haveVersion: number) => void,
    private readonly modelOptions: MeshModelOptions = {},
  ) {}

  /** The version held (undefined: none yet). */
  get version(): number | undefined {
    return this.held;
  }

  /** Joins: holds nothing, so asks for a snapshot. */
  start(): void {
    this.requestSnapshot();
  }

  receive(message: ConfigMessage): void {
    if (message.type === "config-delta") this.onDelta(message);
    else if (message.type === "config-snapshot") this.onSnapshot(message);
  }

  /** Resolves with the held version once it is `version` or newer. */
  whenAt(version: number): Promise<number> {
    if (this.held !== undefined && this.held >= version) return Promise.resolve(this.held);
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  /** The model of the held version, built now if it was not yet. */
  model(): ReplicaModel {
    if (this.held === undefined) throw new Error("the replica holds no config yet");
    if (this.built?.version !== this.held) {
      const model = buildReplicaModel(
        this.store.list(),
        this.modelOptions,
        this.built?.model,
        this.changed,
      );
      this.modelBuilds++;
      this.built = { version: this.held, model };
      this.changed = new Set();
    }
    return this.built;
  }

  private onDelta(delta: ConfigDelta): void {
    if (this.held !== undefined && delta.version <= this.held) return;
    if (this.held === undefined || delta.baseVersion !== this.held) {
      this.early.set(delta.baseVersion, delta);
      this.requestSnapshot();
      return;
    }
    this.apply(delta);
    this.applyEarly();
    this.settle();
  }

  private onSnapshot(snapshot: ConfigSnapshot): void {
    this.snapshotAsked = false;
    if (this.held !== undefined && snapshot.version <= this.held) return;
    this.store = new ConfigStore();
    this.store.apply(snapshot.objects, []);
    this.held = snapshot.version;
    this.changed = undefined;
    for (const base of [...this.early.keys()]) if (base < this.held) this.early.delete(base);
    this.applyEarly();
    if (this.early.size > 0) this.requestSnapshot(); // still a gap after the snapshot
    this.settle();
  }

  private apply(delta: ConfigDelta): void {
    this.store.apply(delta.upserts, delta.deletes);
    this.held = delta.version;
    if (this.changed) {
      for (const o of delta.upserts) this.changed.add(keyString(keyOf(o)));
      for (const k of delta.deletes) this.changed.add(keyString(k));
    }
  }

  private applyEarly(): void {
    for (let next = this.early.get(this.held ?? -1); next; next = this.early.get(this.held ?? -1)) {
      this.early.delete(next.baseVersion);
      this.apply(next);
    }
  }

  private requestSnapshot(): void {
    if (this.snapshotAsked) return;
    this.snapshotAsked = true;
    this.askSnapshot(this.held ?? 0);
  }

  private settle(): void {
    const held = this.held;
    if (held === undefined) return;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i];
      if (w && w.version <= held) {
        this.waiters.splice(i, 1);
        w.resolve(held);
      }
    }
  }
}
