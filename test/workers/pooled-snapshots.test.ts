// PooledSnapshots: only the requested types are regenerated, equal resources share one Buffer
// across views, a stale result never replaces a newer one, failures keep the last good snapshot.

import test from "ava";
import type { GenerateResult, GenerateTask } from "../../src/actors/messages.js";
import { proxyViewKey } from "../../src/push/proxy-view.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import type { Generator } from "../../src/workers/compute-pool.js";
import { PooledSnapshots } from "../../src/workers/pooled-snapshots.js";
import { endpoints, service, sidecar } from "./helpers/config-feed.js";
import { ALL_TYPES, CDS, EDS, startPool } from "./helpers/pool-fixture.js";

const entry = (view: ProxyView) => ({ key: proxyViewKey(view), view });
const view = sidecar();
const key = proxyViewKey(view);
const task = (version: number, types = [CDS]): GenerateTask => ({
  version,
  viewKey: key,
  view,
  types,
});

/** A generator whose results the test hands out, in any order. */
class HeldGenerator implements Generator {
  readonly calls: Array<{
    task: GenerateTask;
    resolve: (r: GenerateResult) => void;
    reject: (e: Error) => void;
  }> = [];
  generate(task: GenerateTask): Promise<GenerateResult> {
    return new Promise((resolve, reject) => this.calls.push({ task, resolve, reject }));
  }
}

test("a stale result never replaces a newer one", async (t) => {
  const { pool, feed } = startPool(t);
  feed.change([service("a")]);
  const older = await pool.generate(task(1));
  feed.change([service("b")]);
  const newer = await pool.generate(task(2));

  const held = new HeldGenerator();
  const snapshots = new PooledSnapshots(held);
  const first = snapshots.prepare([entry(view)], [CDS], 1);
  const second = snapshots.prepare([entry(view)], [CDS], 2);
  held.calls[1]?.resolve(newer);
  t.deepEqual((await second)[0]?.replaced, [CDS]);
  const installed = snapshots.get(key)?.get(CDS);
  held.calls[0]?.resolve(older);
  t.deepEqual((await first)[0]?.replaced, []);
  t.is(snapshots.get(key)?.get(CDS), installed);
  t.is(snapshots.versionOf(key, CDS), 2);
  t.true(installed?.names.includes("outbound|80||b.default.svc.cluster.local"));
});

test("prepare regenerates only the requested types and keeps the others", async (t) => {
  const { pool, feed } = startPool(t);
  const snapshots = new PooledSnapshots(pool);
  feed.change([service("a")]);
  const [prepared] = await snapshots.prepare([entry(view)], ALL_TYPES, 1);
  t.deepEqual(prepared?.replaced, ALL_TYPES);
  t.is(prepared?.dependencies?.namespace, "default");
  const before = snapshots.get(key);
  feed.change([endpoints("a", "10.1.0.1")]); // an endpoint change: EDS only
  await snapshots.prepare([entry(view)], [EDS], 2);
  const after = snapshots.get(key);
  t.not(after, before);
  t.is(after?.get(CDS), before?.get(CDS)); // kept, still version 1
  t.is(snapshots.versionOf(key, CDS), 1);
  t.is(snapshots.versionOf(key, EDS), 2);
  t.deepEqual(after?.get(EDS)?.names, ["outbound|80||a.default.svc.cluster.local"]);
  t.not(after?.get(EDS)?.version, before?.get(EDS)?.version); // now with the endpoint
});

test("equal resources of different views are one EncodedResource and one Buffer", async (t) => {
  const { pool, feed } = startPool(t);
  const snapshots = new PooledSnapshots(pool);
  feed.change([service("a"), service("b")]);
  const other: ProxyView = { ...view, labels: { app: "other" }, ips: ["10.0.0.2"] };
  await snapshots.prepare([entry(view), entry(other)], [CDS], 1);
  const mine = snapshots.get(key)?.get(CDS);
  const theirs = snapshots.get(proxyViewKey(other))?.get(CDS);
  const size = mine?.size ?? 0;
  t.true(size > 2);
  t.deepEqual(mine?.names, theirs?.names);
  for (const name of mine?.names ?? []) t.is(mine?.get(name), theirs?.get(name));
  t.true(snapshots.resources.hits >= size);
});

test("a failed generation keeps the last good snapshot; equal tasks in flight share one", async (t) => {
  const { pool, feed } = startPool(t);
  feed.change([service("a")]);
  const good = await pool.generate(task(1));
  const held = new HeldGenerator();
  const snapshots = new PooledSnapshots(held);
  const a = snapshots.prepare([entry(view)], [CDS], 1);
  const b = snapshots.prepare([entry(view)], [CDS], 1);
  t.is(held.calls.length, 1);
  held.calls[0]?.resolve(good);
  await Promise.all([a, b]);
  const installed = snapshots.get(key);
  const failing = snapshots.prepare([entry(view)], [CDS], 2);
  held.calls[1]?.resolve({ ...good, version: 2, sets: [], error: "boom" });
  t.is((await failing)[0]?.error, "boom");
  const crashing = snapshots.prepare([entry(view)], [CDS], 3);
  held.calls[2]?.reject(new Error("worker exited"));
  t.is((await crashing)[0]?.error, "worker exited");
  t.is(snapshots.get(key), installed);
});
