// Names shared by the pool tests and their probe worker (kept apart from the worker file, whose
// import would start a replica in the test's own thread).

import { fileURLToPath } from "node:url";

/** The channel the probe worker reports each result's buffer on, after returning it. */
export const probeChannel = (configChannel: string): string => `${configChannel}:probe`;
/** A task with this view key ends its worker thread (process.exit in a worker ends the thread). */
export const CRASH_VIEW = "test:crash";
export const PROBE_WORKER = fileURLToPath(new URL("./probe-worker.js", import.meta.url));

export interface ProbeReport {
  readonly viewKey: string;
  readonly threadId: number;
  /** The result's bytes.byteLength when the handler returned it, and after piscina posted it. */
  readonly before: number;
  readonly after: number;
}
