// Generation on the compute pool (src/workers/): the coordinator re-publishes every change its
// store replica applies to the pool's workers, numbered with the replica's own store versions —
// the versions its SnapshotPipeline, and so every GenerateTask, carry. One numbering, owned by
// the thread that decides what to push: a worker's model can never be from a different count
// (after an ingest restart the ingest versions start again at 1; the replica's do not), and the
// snapshot a late worker asks for is the replica's, which already holds every delta published.
// Each coordinator incarnation has its own channel, so a restarted coordinator's new pool never
// hears the old one. Results become ResourceSets here (ResultResources: cached resources,
// interned sets).

import { threadId } from "node:worker_threads";
import type { ConfigObject } from "../../registry/config-object.js";
import type { ChangeSet, ConfigStore } from "../../registry/config-store.js";
import { ComputePool } from "../../workers/compute-pool.js";
import { ResultResources } from "../../workers/result-resources.js";
import { CONFIG_CHANNEL, type GenerateTask } from "../messages.js";
import type { GeneratedView, ViewGenerator } from "./view-generator.js";

let incarnations = 0;

export class PoolGenerator implements ViewGenerator {
  private readonly pool: ComputePool;
  private readonly resources = new ResultResources();
  private published: number;

  constructor(
    private readonly store: ConfigStore,
    threads: number,
  ) {
    this.published = store.version;
    this.pool = new ComputePool({
      store,
      threads,
      channel: `${CONFIG_CHANNEL}:${threadId}:${process.pid}:${++incarnations}`,
    });
  }

  get threads(): number {
    return this.pool.threads;
  }

  /** The replica applied a change: every worker gets it, in the replica's numbering. */
  changed(change: ChangeSet, eventAt: number): void {
    const upserts = [...change.added, ...change.updated].map(
      (k) => this.store.get(k) as ConfigObject,
    );
    this.pool.publish({
      type: "config-delta",
      version: change.version,
      baseVersion: this.published,
      eventAt,
      upserts,
      deletes: change.deleted,
    });
    this.published = change.version;
  }

  async generate(task: GenerateTask): Promise<GeneratedView> {
    const r = await this.pool.generate(task);
    return {
      version: r.version,
      viewKey: r.viewKey,
      sets: this.resources.sets(r),
      ...(r.error !== undefined ? { error: r.error } : {}),
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
