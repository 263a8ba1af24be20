import test from "ava";
import { PushQueue } from "../../src/push/push-queue.js";
import {
  ALL_ENVOY_TYPES,
  EDS_ONLY,
  escalateToFull,
  eventCount,
  mergePushRequests,
  type PushRequest,
} from "../../src/push/push-request.js";
import { FakeClock } from "../helpers/fake-clock.js";

function req(
  keys: string[],
  opts: { eds?: boolean; at?: number; version?: number } = {},
): PushRequest {
  return {
    full: !opts.eds,
    configKeys: new Set(keys),
    types: opts.eds ? EDS_ONLY : ALL_ENVOY_TYPES,
    reasons: new Map([[opts.eds ? "endpoint" : "config", keys.length]]),
    firstEventAt: opts.at ?? 0,
    version: opts.version ?? 0,
    reach: new Map(),
  };
}

const keys = (r: PushRequest | undefined): string[] =>
  r === undefined ? [] : r.configKeys === "all" ? ["all"] : [...r.configKeys].sort();

test("requests for a queued proxy merge into its one entry", (t) => {
  const clock = new FakeClock(100);
  const q = new PushQueue(clock);
  q.enqueue("p1", req(["Service/a/x"], { eds: true, at: 50, version: 3 }));
  clock.advance(10);
  q.enqueue("p1", req(["VirtualService/a/y"], { at: 70, version: 4 }));
  t.is(q.pendingCount, 1);
  const item = q.dequeue()!;
  t.is(item.proxyId, "p1");
  t.is(item.enqueuedAt, 100, "merging does not reset the queue time");
  t.deepEqual(keys(item.request), ["Service/a/x", "VirtualService/a/y"]);
  t.true(item.request.full, "full wins");
  t.is(item.request.firstEventAt, 50);
  t.is(item.request.version, 4);
  t.is(q.dequeue(), undefined);
});

test("a request for a proxy being pushed is held and queued once when it is done", (t) => {
  const q = new PushQueue(new FakeClock());
  q.enqueue("p1", req(["k/a/1"]));
  const first = q.dequeue()!;
  q.enqueue("p1", req(["k/a/2"]));
  q.enqueue("p1", req(["k/a/3"]));
  t.is(q.pendingCount, 0, "not queued while in flight");
  t.is(q.dequeue(), undefined, "never handed out twice at once");
  t.deepEqual(keys(q.pendingRequest("p1")), ["k/a/2", "k/a/3"]);
  q.markDone(first.proxyId);
  t.is(q.pendingCount, 1);
  const second = q.dequeue()!;
  t.deepEqual(keys(second.request), ["k/a/2", "k/a/3"]);
  q.markDone("p1");
  t.is(q.pendingCount, 0);
  t.is(q.inFlightCount, 0);
});

test("FIFO by first enqueue; a re-queued proxy goes to the back", (t) => {
  const q = new PushQueue(new FakeClock());
  for (const p of ["a", "b", "c"]) q.enqueue(p, req([`k/x/${p}`]));
  q.enqueue("a", req(["k/x/a2"])); // merged, keeps its place
  const a = q.dequeue()!;
  t.is(a.proxyId, "a");
  q.enqueue("a", req(["k/x/a3"])); // held
  q.enqueue("d", req(["k/x/d"]));
  q.markDone("a"); // a re-queued after d
  const order: string[] = [];
  for (let item = q.dequeue(); item; item = q.dequeue()) {
    order.push(item.proxyId);
    q.markDone(item.proxyId);
  }
  t.deepEqual(order, ["b", "c", "d", "a"]);
});

test("a disconnected proxy is dropped; its id stays reserved until its in-flight push is done", (t) => {
  const q = new PushQueue(new FakeClock());
  q.enqueue("gone", req(["k/a/1"]));
  q.enqueue("p2", req(["k/a/2"]));
  q.remove("gone");
  t.is(q.dequeue()!.proxyId, "p2");
  t.is(q.dequeue(), undefined);

  q.enqueue("p3", req(["k/a/3"]));
  q.dequeue();
  q.enqueue("p3", req(["k/a/4"])); // held
  q.remove("p3"); // disconnects mid-push: held request dropped
  t.is(q.pendingRequest("p3"), undefined);
  q.enqueue("p3", req(["k/a/5"])); // reconnected under the same id: held, not handed out
  t.is(q.dequeue(), undefined);
  q.markDone("p3");
  t.deepEqual(keys(q.dequeue()?.request), ["k/a/5"]);
  q.markDone("unknown"); // ignored
  t.pass();
});

test("mergePushRequests: full wins, keys and types union, all absorbs, reasons add up", (t) => {
  const eds = req(["Service/a/x"], { eds: true, at: 5, version: 1 });
  const vs = req(["VirtualService/a/y"], { at: 3, version: 2 });
  const m = mergePushRequests(eds, vs);
  t.true(m.full);
  t.deepEqual(keys(m), ["Service/a/x", "VirtualService/a/y"]);
  t.deepEqual([...m.types].sort(), [...ALL_ENVOY_TYPES].sort());
  t.deepEqual([...m.reasons].sort(), [
    ["config", 1],
    ["endpoint", 1],
  ]);
  t.is(m.firstEventAt, 3);
  t.is(m.version, 2);
  const two = mergePushRequests(eds, req(["Service/a/z"], { eds: true }));
  t.false(two.full);
  t.deepEqual([...two.types], [...EDS_ONLY]);
  const all = mergePushRequests(m, { ...vs, configKeys: "all" });
  t.is(all.configKeys, "all");
  t.deepEqual(keys(mergePushRequests(vs, eds)), keys(m), "commutative in keys");
});

test("reach of a key: the one read at the highest store version wins, in any merge order", (t) => {
  const reach = (version: number, exportTo: "*" | ReadonlySet<string>) =>
    new Map([["Service/a/x", { version, namespace: "a", hosts: ["x"], exportTo }]]);
  // a request of a later version that carries an older reading of the key (merged earlier)
  const laterRequest = {
    ...req(["Service/a/x", "Service/a/z"], { version: 9 }),
    reach: reach(1, "*"),
  };
  const newerReading = { ...req(["Service/a/x"], { version: 2 }), reach: reach(2, new Set(["a"])) };
  for (const merged of [
    mergePushRequests(laterRequest, newerReading),
    mergePushRequests(newerReading, laterRequest),
  ]) {
    t.is(merged.reach.get("Service/a/x")!.version, 2);
    t.is(merged.version, 9);
  }
});

test("escalateToFull makes an endpoint-only request full for the keys named, events unchanged", (t) => {
  const eds = req(["Service/a/x", "Service/a/y"], { eds: true, at: 7, version: 3 });
  t.is(escalateToFull(eds, []), eds);
  const full = escalateToFull(eds, ["Service/a/x"]);
  t.true(full.full);
  t.deepEqual(keys(full), ["Service/a/x", "Service/a/y"]);
  t.deepEqual([...full.types].sort(), [...ALL_ENVOY_TYPES].sort());
  t.is(eventCount(full), eventCount(eds));
  t.is(full.firstEventAt, 7);
  t.is(full.version, 3);
});
