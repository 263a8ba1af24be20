// MESHPILOT_COMPUTE_NICE: a worker thread that lowers its priority lowers its own only (Linux
// setpriority on the calling thread), so generation can give way to the xDS and main threads.

import test from "ava";
import { Worker } from "node:worker_threads";
import { resolveComputeNice } from "../../src/settings.js";
import { threadPriority } from "../../src/thread-priority.js";

test("a thread's nice value changes for that thread only", async (t) => {
  const before = threadPriority();
  const target = Math.min(19, before + 3);
  const module = new URL("../../src/thread-priority.js", import.meta.url).href;
  const code = `
    const { parentPort } = require("node:worker_threads");
    import(${JSON.stringify(module)}).then((m) => {
      m.lowerThreadPriority(${target});
      parentPort.postMessage(m.threadPriority());
    });`;
  const worker = new Worker(code, { eval: true });
  const inWorker = await new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
  t.is(inWorker, target);
  t.is(threadPriority(), before, "the main thread keeps its priority");
});

test("the nice value setting: default 10, a whole number from -20 to 19", (t) => {
  t.is(resolveComputeNice({}), 10);
  t.is(resolveComputeNice({ MESHPILOT_COMPUTE_NICE: "0" }), 0);
  t.throws(() => resolveComputeNice({ MESHPILOT_COMPUTE_NICE: "25" }), {
    message: /MESHPILOT_COMPUTE_NICE=25: expected a whole number from -20 to 19/,
  });
});
