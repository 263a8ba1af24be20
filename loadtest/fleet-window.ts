// Fleet benchmark: what the server did over one scenario's window — pushes, pushes per second,
// CPU seconds (in all and per 1,000 pushes), bytes the fleet received, and serve's event-loop lag
// per thread (fleet-serve.ts).

import type { LagFigures, ServeProcess } from "./fleet-serve.js";
import { round } from "./fleet-report.js";

export interface WindowFigures {
  seconds: number;
  serverPushes: number;
  pushesPerSecond: number;
  serverCpuS: number;
  serverCpuSPer1000Pushes: number;
  bytesSent: number;
  lag: LagFigures;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Opens a window now; the function it returns closes it and gives the figures. */
export async function openWindow(
  serve: ServeProcess,
  clientBytes: () => Promise<number>,
): Promise<() => Promise<WindowFigures>> {
  const [t0, cpu0, push0, bytes0] = [
    now(),
    serve.cpuS(),
    await serve.pushes(),
    await clientBytes(),
  ];
  serve.startLag();
  return async () => {
    const lag = await serve.stopLag();
    const [t1, cpu1, push1, bytes1] = [
      now(),
      serve.cpuS(),
      await serve.pushes(),
      await clientBytes(),
    ];
    const pushes = push1 - push0;
    const seconds = (t1 - t0) / 1000;
    return {
      seconds: round(seconds, 2),
      serverPushes: pushes,
      pushesPerSecond: round(pushes / Math.max(seconds, 1e-3)),
      serverCpuS: round(cpu1 - cpu0, 2),
      serverCpuSPer1000Pushes: round(((cpu1 - cpu0) / Math.max(1, pushes)) * 1000, 3),
      bytesSent: bytes1 - bytes0,
      lag,
    };
  };
}

/** `main p99 12 / max 40 ms; xds …`, or n/a when serve reports no lag. */
export function lagText(lag: LagFigures): string {
  if (!lag) return "n/a";
  return Object.entries(lag)
    .map(([thread, l]) => `${thread} p99 ${round(l.p99)} / max ${round(l.max)} ms`)
    .join("; ");
}
