// The compute pool on real piscina threads: a task waits for its version, a pool started late
// catches up by snapshot, bytes come back transferred, and a crashed worker is replaced by one
// that catches up before the next task.

import test from "ava";
import { proxyViewKey } from "../../src/push/proxy-view.js";
import { CRASH_VIEW, PROBE_WORKER } from "./helpers/probe-names.js";
import { service, sidecar } from "./helpers/config-feed.js";
import { ALL_TYPES, CDS, namesOf, startPool } from "./helpers/pool-fixture.js";

const view = sidecar();
const task = (version: number, types = ALL_TYPES) => ({
  version,
  viewKey: proxyViewKey(view),
  view,
  types,
});
const outbound = (name: string) => `outbound|80||${name}.default.svc.cluster.local`;

test("a task at version V waits until the worker holds V", async (t) => {
  const { pool, feed } = startPool(t);
  feed.change([service("a")]);
  t.is((await pool.generate(task(1))).version, 1);
  const pending = pool.generate(task(2, [CDS])); // version 2 is not published yet
  feed.change([service("b")]);
  const result = await pending;
  t.is(result.version, 2);
  t.true(namesOf(result)[CDS]?.includes(outbound("b")));
  t.is(result.error, undefined);
  t.deepEqual(result.dependencies?.namespace, "default");
});

test("a pool started after the changes catches up from a snapshot", async (t) => {
  const { pool } = startPool(t, {}, (feed) => {
    feed.change([service("a")]);
    feed.change([service("b")]);
    feed.change([service("c")], [{ kind: "Service", namespace: "default", name: "a" }]);
  });
  const result = await pool.generate(task(3, [CDS]));
  t.is(result.version, 3);
  const clusters = namesOf(result)[CDS] ?? [];
  t.true(clusters.includes(outbound("b")) && clusters.includes(outbound("c")));
  t.false(clusters.includes(outbound("a")));
  t.true(pool.snapshotsSent >= 1);
});

test("result bytes are transferred: the worker's buffer is detached after the reply", async (t) => {
  const { pool, feed, probe: listen } = startPool(t, { filename: PROBE_WORKER });
  const probe = listen();
  feed.change([service("a"), service("b")]);
  const result = await pool.generate(task(1));
  const report = await probe.next();
  const total = result.sets.flatMap((s) => s.resources).reduce((n, r) => n + r.length, 0);
  t.true(total > 0);
  t.is(result.bytes.byteLength, total);
  t.is(report.before, total);
  t.is(report.after, 0);
  t.is(pool.bytesReceived, total);
});

test("a crashed worker is replaced; the new one catches up and the next task succeeds", async (t) => {
  const { pool, feed, probe: listen } = startPool(t, { filename: PROBE_WORKER });
  const probe = listen();
  feed.change([service("a")]);
  await pool.generate(task(1, [CDS]));
  const first = await probe.next();
  await t.throwsAsync(pool.generate({ ...task(1), viewKey: CRASH_VIEW }));
  feed.change([service("b")]);
  const result = await pool.generate(task(2, [CDS]));
  const second = await probe.next();
  t.not(second.threadId, first.threadId);
  t.is(result.version, 2);
  t.deepEqual(
    namesOf(result)[CDS]?.filter((n) => n.startsWith("outbound|80||")),
    [outbound("a"), outbound("b")],
  );
});

test("every worker converges: tasks on both threads give the same bytes", async (t) => {
  const { pool, feed, probe: listen } = startPool(t, { filename: PROBE_WORKER, threads: 2 });
  const probe = listen();
  for (const name of ["a", "b", "c", "d"]) feed.change([service(name)]);
  const threads = new Set<number>();
  const bytes = new Set<string>();
  for (let round = 0; round < 20 && threads.size < 2; round++) {
    const results = await Promise.all([pool.generate(task(4)), pool.generate(task(4))]);
    for (const r of results) bytes.add(Buffer.from(r.bytes).toString("base64"));
    threads.add((await probe.next()).threadId).add((await probe.next()).threadId);
  }
  t.is(threads.size, 2);
  t.is(bytes.size, 1);
});
