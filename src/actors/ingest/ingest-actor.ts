// The ingest actor: reads and watches the config directories (YamlDirSource) into the versioned
// ConfigStore, and sends every change as a ConfigDelta to the coordinator, which re-publishes it
// to its compute workers in its own version numbering (coordinator/pool-generator.ts). It
// answers snapshot requests (a replica that starts or lost its place) and the /debug/configz and
// /debug/validationz queries. A restart re-reads the directories.

import { formatIssue } from "../../registry/config-issue.js";
import type { ConfigObject } from "../../registry/config-object.js";
import { ConfigStore, isEmptyChangeSet, type ChangeSet } from "../../registry/config-store.js";
import { YamlDirSource, type SourceBatch } from "../../registry/sources/yaml-dir-source.js";
import type { PushSettings } from "../../settings.js";
import {
  type ConfigDelta,
  type ConfigSnapshot,
  type IngestMessage,
  type StartInfo,
} from "../messages.js";
import type { Actor, ActorContext } from "../runtime/actor-host.js";

export interface IngestOptions {
  readonly configDirs: readonly string[];
  /** The watcher's windows (MESHPILOT_FILE_DEBOUNCE_*). */
  readonly pushSettings: PushSettings;
}

export function createActor(ctx: ActorContext): Actor {
  return new IngestActor(ctx);
}

class IngestActor implements Actor {
  private readonly store = new ConfigStore();
  private readonly source: YamlDirSource;
  private started = false;

  constructor(private readonly ctx: ActorContext) {
    const { configDirs, pushSettings: knobs } = ctx.options as IngestOptions;
    this.source = new YamlDirSource({
      dirs: [...configDirs],
      log: ctx.log.child({ component: "yaml-dir-source" }),
      quietMs: knobs.fileDebounceAfterMs,
      maxDelayMs: knobs.fileDebounceMaxMs,
      removal: {
        quietMs: knobs.fileDeleteDebounceAfterMs,
        maxDelayMs: knobs.fileDeleteDebounceMaxMs,
      },
      onBatch: (batch) => this.onBatch(batch, batch.eventAt),
    });
  }

  async start(): Promise<StartInfo> {
    await this.source.start();
    this.started = true;
    return { objects: this.store.size, version: this.store.version };
  }

  handle(m: IngestMessage): unknown {
    switch (m.type) {
      case "config-snapshot-request":
        return this.snapshot();
      case "configz":
        return this.store.snapshot().objects.map(configzEntry);
      case "validationz":
        return this.source.currentIssues();
    }
  }

  async stop(): Promise<void> {
    await this.source.close();
  }

  private snapshot(): ConfigSnapshot {
    const { version, objects } = this.store.snapshot();
    return { type: "config-snapshot", version, objects };
  }

  private onBatch(batch: SourceBatch, eventAt: number): void {
    const change = applyBatch(this.store, batch, this.ctx);
    // Before start() returns (the initial load) nobody is listening: replicas start from a
    // snapshot.
    if (!change || !this.started) return;
    const delta: ConfigDelta = {
      type: "config-delta",
      version: change.version,
      baseVersion: change.version - 1,
      eventAt,
      upserts: [...change.added, ...change.updated].map((k) => this.store.get(k) as ConfigObject),
      deletes: change.deleted,
    };
    this.ctx.peer("coordinator")?.send(delta);
  }
}

/** Applies a batch to the store; the ChangeSet when something changed. */
function applyBatch(
  store: ConfigStore,
  batch: SourceBatch,
  ctx: ActorContext,
): ChangeSet | undefined {
  for (const issue of batch.issues) ctx.log.warn({ issue }, formatIssue(issue));
  const change = store.apply(batch.upserts, batch.deletes);
  if (isEmptyChangeSet(change)) return undefined;
  ctx.log.info(
    {
      version: change.version,
      added: change.added.length,
      updated: change.updated.length,
      deleted: change.deleted.length,
    },
    "config changed",
  );
  return change;
}

/** One object as istiod's /debug/configz shows it, plus where meshpilot read it from. */
function configzEntry(o: ConfigObject): Record<string, unknown> {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: o.metadata,
    ...o.body,
    source: o.source,
  };
}
