// Generation behind one small interface: GenerateTask in, GenerateResult (encoded bytes in one
// transferable buffer) out — the compute pool's API (src/workers/), so moving generation into
// the pool replaces only the implementation the coordinator actor is given. Today's
// implementation runs the SnapshotPipeline in the coordinator's thread.

import type { ResourceSnapshot } from "../../xds/encoded-resource.js";
import type { SnapshotPipeline } from "../../push/snapshot-pipeline.js";
import type {
  GeneratedResourceRef,
  GeneratedTypeSet,
  GenerateResult,
  GenerateTask,
} from "../messages.js";

/** Longest the coordinator generates without giving its event loop a turn. */
const SLICE_MS = 20;

export interface ViewGenerator {
  generate(task: GenerateTask): Promise<GenerateResult>;
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
  async generate(task: GenerateTask): Promise<GenerateResult> {
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
    const snapshot = this.pipeline.resolveView(task.view, (e) => (error = e.message));
    const packed = packSnapshot(snapshot, task.types);
    return {
      version: this.pipeline.version,
      viewKey: task.viewKey,
      ...packed,
      ...(error !== undefined ? { error } : {}),
    };
  }
}

/** The given types of a snapshot as refs into one buffer of Any bytes (absent type: empty). */
export function packSnapshot(
  snapshot: ResourceSnapshot,
  types: readonly string[],
): { sets: GeneratedTypeSet[]; bytes: ArrayBuffer } {
  const chunks: Buffer[] = [];
  let offset = 0;
  const sets = types.map((typeUrl) => {
    const set = snapshot.get(typeUrl);
    const resources: GeneratedResourceRef[] = [];
    for (const name of set?.names ?? []) {
      const r = set?.get(name);
      if (!r) continue;
      resources.push({ name, version: r.version, offset, length: r.any.length });
      chunks.push(r.any);
      offset += r.any.length;
    }
    return { typeUrl, resources };
  });
  const bytes = new ArrayBuffer(offset);
  const view = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) {
    view.set(c, at);
    at += c.length;
  }
  return { sets, bytes };
}
