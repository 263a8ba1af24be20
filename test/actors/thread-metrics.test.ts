// /metrics of `meshpilot serve`: the main thread's registry merged with every actor thread's
// (their getMetricsAsJSON, structured-cloned as over a MessagePort). Series with equal name and
// labels are summed, per-thread series stay one per thread, histograms merge bucket by bucket,
// the main thread's process metrics come through whole, and an actor that is down is left out.

import test from "ava";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { processMetrics, type MetricsSource } from "../../src/actors/main/thread-metrics.js";
import type { ReplyOf, RequestBody } from "../../src/actors/messages.js";
import { trackEventLoopLag } from "../../src/actors/runtime/event-loop-lag.js";

interface Thread {
  readonly registry: Registry;
  readonly pushes: Counter<"type">;
  readonly mailbox: Gauge<"actor">;
  readonly sizes: Histogram<"type">;
  readonly stopLag: () => void;
}

function actorThread(name: string): Thread {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    pushes: new Counter({ name: "t_pushes", help: "pushes", labelNames: ["type"], registers }),
    mailbox: new Gauge({ name: "t_mailbox", help: "depth", labelNames: ["actor"], registers }),
    sizes: new Histogram({
      name: "t_size_bytes",
      help: "sizes",
      labelNames: ["type"],
      buckets: [100, 1000],
      registers,
    }),
    stopLag: trackEventLoopLag(registry, name),
  };
}

/** The supervisor as processMetrics sees it: each actor answers with its registry's JSON. */
function threadsOf(threads: Record<string, Thread>, down: readonly string[] = []): MetricsSource {
  return {
    names: Object.keys(threads),
    async request<Q extends RequestBody>(name: string, body: Q): Promise<ReplyOf[Q["type"]]> {
      if (body.type !== "metrics" || down.includes(name))
        throw new Error(`actor ${name} is not running (restarting)`);
      const json = await threads[name]!.registry.getMetricsAsJSON();
      return structuredClone(json) as ReplyOf[Q["type"]];
    },
  };
}

/** The value of one sample line (`name{labels} value`), undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function setup(t: { teardown(fn: () => unknown): void }) {
  const main = new Registry();
  collectDefaultMetrics({ register: main });
  const stopMainLag = trackEventLoopLag(main, "main");
  const threads = { ingest: actorThread("ingest"), xds: actorThread("xds") };
  t.teardown(() => {
    stopMainLag();
    for (const th of Object.values(threads)) th.stopLag();
  });
  return { main, threads };
}

test("counters: equal name and labels from two threads are summed, other labels kept apart", async (t) => {
  const { main, threads } = setup(t);
  threads.ingest.pushes.inc({ type: "cds" }, 2);
  threads.xds.pushes.inc({ type: "cds" }, 3);
  threads.xds.pushes.inc({ type: "eds" }, 7);
  const { body, contentType } = await processMetrics(main, threadsOf(threads));
  t.regex(contentType, /^text\/plain/);
  t.is(sample(body, 't_pushes{type="cds"}'), 5);
  t.is(sample(body, 't_pushes{type="eds"}'), 7);
  t.is(body.match(/^# TYPE t_pushes counter$/gm)?.length, 1, "one metric, not one per thread");
});

test("gauges labelled per thread stay one series per thread", async (t) => {
  const { main, threads } = setup(t);
  threads.ingest.mailbox.set({ actor: "ingest" }, 2);
  threads.xds.mailbox.set({ actor: "xds" }, 3);
  const { body } = await processMetrics(main, threadsOf(threads));
  t.is(sample(body, 't_mailbox{actor="ingest"}'), 2);
  t.is(sample(body, 't_mailbox{actor="xds"}'), 3);
  for (const thread of ["main", "ingest", "xds"])
    for (const q of ["0.5", "0.99", "1"]) {
      const v = sample(
        body,
        `meshpilot_event_loop_lag_seconds{thread="${thread}",quantile="${q}"}`,
      );
      t.true(v !== undefined && v >= 0, `${thread} ${q}`);
    }
});

test("histograms from two threads merge bucket by bucket, with sum and count", async (t) => {
  const { main, threads } = setup(t);
  threads.ingest.sizes.observe({ type: "cds" }, 50);
  threads.xds.sizes.observe({ type: "cds" }, 500);
  threads.xds.sizes.observe({ type: "cds" }, 5000);
  threads.xds.sizes.observe({ type: "lds" }, 10);
  const { body } = await processMetrics(main, threadsOf(threads));
  t.is(sample(body, 't_size_bytes_bucket{le="100",type="cds"}'), 1);
  t.is(sample(body, 't_size_bytes_bucket{le="1000",type="cds"}'), 2);
  t.is(sample(body, 't_size_bytes_bucket{le="+Inf",type="cds"}'), 3);
  t.is(sample(body, 't_size_bytes_sum{type="cds"}'), 5550);
  t.is(sample(body, 't_size_bytes_count{type="cds"}'), 3);
  t.is(sample(body, 't_size_bytes_count{type="lds"}'), 1);
});

test("the main thread's process metrics come through whole, start time included", async (t) => {
  const { main, threads } = setup(t);
  const own = await main.metrics();
  const { body } = await processMetrics(main, threadsOf(threads));
  // prom-client declares process_start_time_seconds `omit` (meant for cluster workers).
  const started = sample(own, "process_start_time_seconds");
  t.true(started !== undefined && started > 0);
  t.is(sample(body, "process_start_time_seconds"), started);
  t.regex(body, /^nodejs_version_info\{version="v[^"]+",.*\} 1$/m);
  t.true((sample(body, "process_resident_memory_bytes") ?? 0) > 0);
});

test("an actor that is down is left out; the others are served", async (t) => {
  const { main, threads } = setup(t);
  threads.ingest.pushes.inc({ type: "cds" }, 2);
  threads.xds.pushes.inc({ type: "cds" }, 3);
  threads.xds.mailbox.set({ actor: "xds" }, 4);
  const { body } = await processMetrics(main, threadsOf(threads, ["xds"]));
  t.is(sample(body, 't_pushes{type="cds"}'), 2);
  t.is(sample(body, 't_mailbox{actor="xds"}'), undefined);
  t.is(sample(body, 'meshpilot_event_loop_lag_seconds{thread="xds",quantile="1"}'), undefined);
  t.not(sample(body, 'meshpilot_event_loop_lag_seconds{thread="ingest",quantile="1"}'), undefined);
});
