// A thread's scheduling priority. On Linux, setpriority(PRIO_PROCESS, 0, n) — what Node's
// os.setPriority(0, n) calls — applies to the calling thread only, so a worker thread can give
// way to the others of its process: the threads that generate config run at a higher nice value
// (MESHPILOT_COMPUTE_NICE) than the xDS thread, which serves the streams and reads the ACKs.
// Lowering one's own priority needs no privilege; a failure is logged and ignored.

import { getPriority, setPriority } from "node:os";

export interface PriorityLog {
  warn(fields: object, message: string): void;
}

/** Sets the calling thread's nice value to `nice` (0 leaves it as it is). */
export function lowerThreadPriority(nice: number, log?: PriorityLog): void {
  if (nice === 0) return;
  try {
    setPriority(0, nice);
  } catch (err) {
    log?.warn({ err, nice }, "could not change this thread's scheduling priority");
  }
}

/** The calling thread's nice value. */
export function threadPriority(): number {
  return getPriority(0);
}
