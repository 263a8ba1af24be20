// The model replica, in this thread over real BroadcastChannels: replicas converge through
// deltas, a late joiner catches up from a snapshot, a gap asks for one, a task's version is
// waited for, and models are built only when asked for.

import test from "ava";
import type { ConfigDelta } from "../../src/actors/messages.js";
import { ConfigPublisher } from "../../src/workers/config-publisher.js";
import { ModelReplica } from "../../src/workers/model-replica.js";
import { joinConfigChannel } from "../../src/workers/replica-channel.js";
import { ConfigFeed, service } from "./helpers/config-feed.js";

const hosts = (r: ModelReplica): string[] =>
  r
    .model()
    .model.registry.services.map((s) => s.hostname)
    .sort();

function setup() {
  const feed = new ConfigFeed();
  const publisher = new ConfigPublisher(feed.store);
  const publish = (d: ConfigDelta | undefined) => d && publisher.publish(d);
  return { feed, publisher, publish };
}

test.serial(
  "replicas converge through deltas and a late joiner catches up by snapshot",
  async (t) => {
    const { feed, publisher, publish } = setup();
    const a = joinConfigChannel();
    const b = joinConfigChannel();
    t.teardown(() => [a, b].forEach((j) => j.leave()));
    publish(feed.change([service("one"), service("two")]));
    publish(
      feed.change([service("three")], [{ kind: "Service", namespace: "default", name: "one" }]),
    );
    await Promise.all([a.replica.whenAt(2), b.replica.whenAt(2)]);
    const late = joinConfigChannel(); // joins after both deltas were published
    t.teardown(() => late.leave());
    publish(feed.change([service("four")]));
    const versions = await Promise.all([a, b, late].map((j) => j.replica.whenAt(3)));
    t.deepEqual(versions, [3, 3, 3]);
    const expected = hosts(a.replica);
    t.deepEqual(expected, [
      "four.default.svc.cluster.local",
      "three.default.svc.cluster.local",
      "two.default.svc.cluster.local",
    ]);
    t.deepEqual(hosts(b.replica), expected);
    t.deepEqual(hosts(late.replica), expected);
    t.true(publisher.snapshotsSent >= 1);
    publisher.close();
  },
);

test("a gap in versions asks for a snapshot and keeps the later deltas", (t) => {
  const asked: number[] = [];
  const r = new ModelReplica((v) => asked.push(v));
  const feed = new ConfigFeed();
  r.start();
  t.deepEqual(asked, [0]);
  r.receive({ type: "config-snapshot", version: 0, objects: [] });
  const d1 = feed.change([service("a")]) as ConfigDelta;
  const d2 = feed.change([service("b")]) as ConfigDelta;
  const d3 = feed.change([service("c")]) as ConfigDelta;
  r.receive(d1);
  r.receive(d3); // d2 lost: a gap
  t.is(r.version, 1);
  t.deepEqual(asked, [0, 1]);
  r.receive(d3); // asked already: no second request
  t.deepEqual(asked, [0, 1]);
  r.receive({
    type: "config-snapshot",
    version: 2,
    objects: feed.store.list().filter((o) => o.metadata.name !== "c"),
  });
  t.is(r.version, 3); // snapshot at 2, then the kept delta 3
  t.deepEqual(hosts(r).length, 3);
  r.receive(d2); // late and old: ignored
  t.is(r.version, 3);
});

test("whenAt waits for the version; a newer one also satisfies it", async (t) => {
  const r = new ModelReplica(() => {});
  const feed = new ConfigFeed();
  r.receive({ type: "config-snapshot", version: 0, objects: [] });
  let got: number | undefined;
  const waiting = r.whenAt(2).then((v) => (got = v));
  r.receive(feed.change([service("a")]) as ConfigDelta);
  await new Promise(setImmediate); // let any settled promise run
  t.is(got, undefined);
  feed.change([service("b")]);
  r.receive(feed.change([service("c")]) as ConfigDelta); // 3 arrives first: a gap
  t.is(got, undefined);
  r.receive({ type: "config-snapshot", version: 3, objects: feed.store.list() });
  await waiting;
  t.is(got, 3);
});

test("a burst of deltas builds no model; a task builds one for the held version", (t) => {
  const r = new ModelReplica(() => {});
  const feed = new ConfigFeed();
  r.receive({ type: "config-snapshot", version: 0, objects: [] });
  for (let i = 0; i < 20; i++) r.receive(feed.change([service(`s${i}`)]) as ConfigDelta);
  t.is(r.modelBuilds, 0);
  t.is(r.model().version, 20);
  t.is(r.model().model.registry.services.length, 20);
  t.is(r.modelBuilds, 1);
  r.receive(feed.change([service("s20")]) as ConfigDelta);
  t.is(r.modelBuilds, 1);
  t.is(r.model().version, 21);
  t.is(r.modelBuilds, 2);
});
