// Generation behind one small interface: GenerateTask in, the view's ResourceSets of the asked
// types out (GeneratedView) — in the coordinator's thread from the SnapshotPipeline (here), or on
// the compute pool (pool-generator.ts). Sets come interned (SetInterner), so views with equal
// resources of a type hold one set object, which the WireTable sends the xDS actor once.

import { emptySet, type ResourceSet } from "../../xds/encoded-resource.js";
import type { SnapshotPipeline } from "../../push/snapshot-pipeline.js";
import type { GenerateTask } from "../messages.js";

/** Longest the coordinator generates without giving its event loop a turn. */
const SLICE_MS = 20;

export interface GeneratedView {
  /** The model version the sets were generated from (never older than the task's). */
  readonly version: number;
  readonly viewKey: string;
  /** One set per type of the task, in its order (an empty set for a type the view has none of). */
  readonly sets: readonly ResourceSet[];
  /** Set when the view's config could not be generated (the sets are the last good). */
  readonly error?: string;
}

export interface ViewGenerator {
  generate(task: GenerateTask): Promise<GeneratedView>;
}
/** Generates in this thread from the pipeline's current model (cached per model and view). */
export class InThreadGenerator implements ViewGenerator {
  constructor(private readonly pipeline: SnapshotPipeline) {}

  /** Views wait their turn here, in order. */
  private turn: Promise<void> = Promise.resolve();
  private sliceStart = -Infinity;

  /**
   * Views are generated one after another in slices of about SLICE_MS, each slice its own
   * event-loop turn, so a push to many views streams out as it goes and the actor's I/O and
   * mailbox are served between slices, instead of one long block before the first send.
   */
  async generate(task: GenerateTask): Promise<GeneratedView> {
    this.turn = this.turn.then(() => {
      if (performance.now() - this.sliceStart < SLICE_MS) return;
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          this.sliceStart = performance.now();
          resolve();
        }),
      );
    });
    await this.turn;
    let error: string | undefined;
    const sets = this.pipeline.resolveTypes(task.view, task.types, (e) => (error = e.message));
    return {
      version: this.pipeline.version,
      viewKey: task.viewKey,
      sets: sets.map((s, i) => s ?? emptySet(task.types[i] as string)),
      ...(error !== undefined ? { error } : {}),
    };
  }
}
