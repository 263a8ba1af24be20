// The compute worker, wrapped for tests: a CRASH_VIEW task ends the thread, and every result's
// buffer length is reported on the probe channel once piscina has posted it (0 = transferred away).

import { BroadcastChannel, threadId, workerData } from "node:worker_threads";
import { valueSymbol } from "piscina";
import type { GenerateResult, GenerateTask } from "../../../src/actors/messages.js";
import generate from "../../../src/workers/compute-worker.js";
import type { ComputeWorkerData } from "../../../src/workers/compute-worker.js";
import { CRASH_VIEW, probeChannel, type ProbeReport } from "./probe-names.js";

const probe = new BroadcastChannel(probeChannel((workerData as ComputeWorkerData).channel));

export default async function probed(task: GenerateTask): Promise<unknown> {
  if (task.viewKey === CRASH_VIEW) process.exit(1);
  const moved = await generate(task);
  const result = (moved as Record<symbol, GenerateResult>)[valueSymbol] as GenerateResult;
  const before = result.bytes.byteLength;
  setImmediate(() => {
    const report: ProbeReport = {
      viewKey: task.viewKey,
      threadId,
      before,
      after: result.bytes.byteLength,
    };
    probe.postMessage(report);
  });
  return moved;
}
