// /metrics for the whole process: the main thread's registry plus every actor thread's (each
// answers a metrics query with getMetricsAsJSON()), merged by prom-client's
// AggregatorRegistry.aggregate. The merge sums values with equal name and labels, which is right
// here because no two threads own the same series: process-wide metrics (memory, CPU, handles)
// are collected on the main thread only, each actor's metrics exist in that actor's thread only,
// and the per-thread series (event-loop lag, mailbox depth) carry a `thread` or `actor` label.
// An actor that is down (restarting) is left out of that scrape.

import { AggregatorRegistry, type Registry } from "prom-client";
import type { ThreadMetrics } from "../messages.js";
import type { Supervisor } from "../runtime/supervisor.js";

export async function processMetrics(
  main: Registry,
  supervisor: Supervisor,
  timeoutMs = 5000,
): Promise<{ contentType: string; body: string }> {
  const threads = await Promise.all(
    supervisor.names.map((name) =>
      supervisor.request(name, { type: "metrics" }, timeoutMs).catch(() => [] as ThreadMetrics),
    ),
  );
  const merged = AggregatorRegistry.aggregate([await main.getMetricsAsJSON(), ...threads]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
