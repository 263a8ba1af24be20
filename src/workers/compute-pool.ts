// The compute pool, owned by the push coordinator's thread: piscina workers (compute-worker.ts),
// each with a model replica kept current by the ConfigPublisher on CONFIG_CHANNEL, and
// generate(task) → GenerateResult with the encoded bytes transferred back. Threads:
// given, else MESHPILOT_COMPUTE_THREADS (at least 1 here; serve runs no pool at 0). Workers stay up (no idle
// timeout): a replica is only worth having while it is current. A worker that dies is replaced
// by piscina; the new one asks for a snapshot and catches up before its first task.

import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { MeshModelOptions } from "../registry/mesh/types.js";
import { resolveComputeThreads } from "../settings.js";
import {
  CONFIG_CHANNEL,
  type ConfigDelta,
  type GenerateResult,
  type GenerateTask,
} from "../actors/messages.js";
import { ConfigPublisher, type ConfigSnapshotSource } from "./config-publisher.js";
import type { ComputeWorkerData } from "./compute-worker.js";

export interface ComputePoolOptions {
  /** Answers the workers' snapshot requests (the coordinator's store replica). */
  readonly store: ConfigSnapshotSource;
  /** Worker threads; default from MESHPILOT_COMPUTE_THREADS. */
  readonly threads?: number;
  readonly modelOptions?: MeshModelOptions;
  /**
   * The BroadcastChannel name (default CONFIG_CHANNEL). Channels are process-wide: two pools in
   * one process (tests, benchmarks) need different names.
   */
  readonly channel?: string;
  /** The worker entry (default compute-worker.js); tests wrap it. */
  readonly filename?: string;
}

/** What generates: the pool, or a stand-in in tests. */
export interface Generator {
  generate(task: GenerateTask): Promise<GenerateResult>;
}

const WORKER_FILE = fileURLToPath(new URL("./compute-worker.js", import.meta.url));

export class ComputePool implements Generator {
  readonly threads: number;
  private readonly publisher: ConfigPublisher;
  private readonly piscina: Piscina<GenerateTask, GenerateResult>;
  /** Bytes received from workers (transferred, not copied). */
  bytesReceived = 0;

  constructor(options: ComputePoolOptions) {
    this.threads = Math.max(1, options.threads ?? resolveComputeThreads(process.env));
    const channel = options.channel ?? CONFIG_CHANNEL;
    this.publisher = new ConfigPublisher(options.store, channel);
    const workerData: ComputeWorkerData = { channel, modelOptions: options.modelOptions ?? {} };
    this.piscina = new Piscina({
      filename: options.filename ?? WORKER_FILE,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.MAX_SAFE_INTEGER,
      // Idle workers must keep reading the channel, not block in Atomics.wait.
      atomics: "disabled",
      workerData,
    });
  }

  /** Publish a store change to every worker (after the store has applied it). */
  publish(delta: ConfigDelta): void {
    this.publisher.publish(delta);
  }

  async generate(task: GenerateTask): Promise<GenerateResult> {
    const result = await this.piscina.run(task);
    this.bytesReceived += result.bytes.byteLength;
    return result;
  }

  /** Tasks waiting for a worker. */
  get queued(): number {
    return this.piscina.queueSize;
  }

  /** Snapshots sent to workers that joined late or saw a gap. */
  get snapshotsSent(): number {
    return this.publisher.snapshotsSent;
  }

  async close(): Promise<void> {
    this.publisher.close();
    await this.piscina.destroy();
  }
}
