// The piscina worker entry of the compute pool. On load it joins CONFIG_CHANNEL with a fresh
// ModelReplica (which asks for a snapshot: a worker that starts late, or replaces a crashed one,
// catches up by itself). Each task waits until the replica holds the task's version (a newer one
// is fine; the result names the version it was generated from), generates and encodes the
// requested types, and returns the result with its bytes transferred, not copied.

import { workerData } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { ResourceEncoder } from "../push/resource-encoder.js";
import type { MeshModelOptions } from "../registry/mesh/types.js";
import type { GenerateResult, GenerateTask } from "../actors/messages.js";
import { resolveComputeNice } from "../settings.js";
import { lowerThreadPriority } from "../thread-priority.js";
import { generateView } from "./generate-view.js";
import { joinConfigChannel } from "./replica-channel.js";

/** What the pool gives every worker (piscina workerData). */
export interface ComputeWorkerData {
  /** The BroadcastChannel of config messages (CONFIG_CHANNEL unless the pool names another). */
  readonly channel: string;
  readonly modelOptions?: MeshModelOptions;
}

const data = workerData as ComputeWorkerData;
// Generation gives way to the xDS and main threads (MESHPILOT_COMPUTE_NICE), as in the coordinator.
lowerThreadPriority(resolveComputeNice(process.env));
const { replica } = joinConfigChannel(data.channel, data.modelOptions);
const encoder = new ResourceEncoder();
let encoderVersion: number | undefined;

/** A result whose ArrayBuffer piscina transfers (its Transferable protocol). */
function transferred(result: GenerateResult): unknown {
  return move({
    get [transferableSymbol]() {
      return [result.bytes];
    },
    get [valueSymbol]() {
      return result;
    },
  } as never);
}

export default async function generate(task: GenerateTask): Promise<unknown> {
  await replica.whenAt(task.version);
  const { version, model } = replica.model();
  if (encoderVersion !== version) {
    if (encoderVersion !== undefined) encoder.nextGeneration();
    encoderVersion = version;
  }
  return transferred(generateView(model, version, task, encoder));
}
