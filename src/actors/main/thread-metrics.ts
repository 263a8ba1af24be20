// /metrics for the whole process: the main thread's registry plus every actor thread's (each
// answers a metrics query with getMetricsAsJSON()), merged by prom-client's
// AggregatorRegistry.aggregate. The merge sums values with equal name and labels, which is right
// here because no two threads own the same series: process-wide metrics (memory, CPU, handles)
// are collected on the main thread only, each actor's metrics exist in that actor's thread only,
// and the per-thread series (event-loop lag, mailbox depth) carry a `thread` or `actor` label.
// An actor that is down (restarting) is left out of that scrape.
//
// Every metric is merged by sum, whatever aggregator it declares: prom-client's default metrics
// declare the ones meant for cluster workers (several processes reporting the same series), and
// `omit` would drop process_start_time_seconds, which only the main thread reports.

import { AggregatorRegistry, type Registry } from "prom-client";
import type { ThreadMetrics } from "../messages.js";
import type { Supervisor } from "../runtime/supervisor.js";

/** What the merge asks of the supervisor: the actors started, and a request to one. */
export type MetricsSource = Pick<Supervisor, "names" | "request">;

export async function processMetrics(
  main: Registry,
  supervisor: MetricsSource,
  timeoutMs = 5000,
): Promise<{ contentType: string; body: string }> {
  const threads = await Promise.all(
    supervisor.names.map((name) =>
      supervisor.request(name, { type: "metrics" }, timeoutMs).catch(() => [] as ThreadMetrics),
    ),
  );
  const all = [await main.getMetricsAsJSON(), ...threads].map(summedEverywhere);
  const merged = AggregatorRegistry.aggregate(all);
  return { contentType: merged.contentType, body: await merged.metrics() };
}

function summedEverywhere(metrics: ThreadMetrics): ThreadMetrics {
  return metrics.map((m) => ({ ...m, aggregator: "sum" }));
}
