// The real measurement behind PushThrottle: event-loop delay of the calling thread (Node's
// histogram, p99 over the interval since the previous call) and the process's CPU time over wall
// time × usable cores. Create it on the thread that runs the push coordinator.

import { availableParallelism } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import type { LoadSample } from "./push-queue-throttle.js";

export interface LoadProbe {
  /** Load since the previous call (or since the probe was created). */
  sample(): LoadSample;
  stop(): void;
}

export function processLoadProbe(resolutionMs = 10): LoadProbe {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const cores = Math.max(1, availableParallelism());
  let lastCpu = process.cpuUsage();
  let lastWall = performance.now();
  return {
    sample(): LoadSample {
      const cpu = process.cpuUsage(lastCpu);
      const wall = performance.now();
      const wallUs = Math.max(1, (wall - lastWall) * 1000);
      lastCpu = process.cpuUsage();
      lastWall = wall;
      // The histogram counts the timer resolution itself; what exceeds it is lag (ns → ms).
      const p99Ms = histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0;
      histogram.reset();
      return {
        eventLoopLagMs: Math.max(0, p99Ms - resolutionMs),
        cpuBusy: Math.min(1, (cpu.user + cpu.system) / (wallUs * cores)),
      };
    },
    stop(): void {
      histogram.disable();
    },
  };
}
