// Event-loop lag of the calling thread, as `meshpilot_event_loop_lag_seconds{thread,quantile}`
// (quantile 0.5, 0.99 and 1 = max) over the window since the previous scrape. Every thread of
// `meshpilot serve` registers it under its own `thread` label, so the main thread's aggregation
// of all threads' registries keeps one series per thread instead of summing them.

import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { Gauge, type Registry } from "prom-client";

const QUANTILES: ReadonlyArray<readonly [string, (h: IntervalHistogram) => number]> = [
  ["0.5", (h) => h.percentile(50)],
  ["0.99", (h) => h.percentile(99)],
  ["1", (h) => h.max],
];

/** Starts measuring; returns a function that stops it. */
export function trackEventLoopLag(registry: Registry, thread: string): () => void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  new Gauge({
    name: "meshpilot_event_loop_lag_seconds",
    help: "Event-loop delay per thread since the previous scrape (quantile 1 = max)",
    labelNames: ["thread", "quantile"],
    registers: [registry],
    collect() {
      const seen = histogram.count > 0;
      for (const [q, read] of QUANTILES)
        this.set({ thread, quantile: q }, seen ? read(histogram) / 1e9 : 0);
      histogram.reset();
    },
  });
  return () => histogram.disable();
}
