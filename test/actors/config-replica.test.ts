// ConfigReplica: the coordinator's copy of the ingest actor's store. Deltas apply in version
// order; an old one is ignored; one that does not follow on (a gap, or any delta after the ingest
// actor died, since its successor counts from 1 again) is a gap; a resync makes the replica equal
// to a snapshot and answers with the difference.

import test from "ava";
import { ConfigReplica } from "../../src/actors/coordinator/config-replica.js";
import type { ConfigDelta, ConfigSnapshot } from "../../src/actors/messages.js";
import type { ConfigKey, ConfigObject } from "../../src/registry/config-object.js";

function service(name: string, port = 80, meta: Partial<ConfigObject["metadata"]> = {}) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default", ...meta },
    body: { spec: { ports: [{ name: "http", port }] } },
    source: { file: "test.yaml", docIndex: 0 },
  } satisfies ConfigObject;
}

const key = (name: string): ConfigKey => ({ kind: "Service", namespace: "default", name });

function delta(
  version: number,
  upserts: readonly ConfigObject[],
  deletes: readonly ConfigKey[] = [],
  baseVersion = version - 1,
): ConfigDelta {
  return { type: "config-delta", version, baseVersion, eventAt: 0, upserts, deletes };
}

function snapshot(version: number, objects: readonly ConfigObject[]): ConfigSnapshot {
  return { type: "config-snapshot", version, objects };
}

const names = (r: ConfigReplica) => r.store.list().map((o) => o.metadata.name);

test("deltas in order apply, each answered with its ChangeSet at the replica's own version", (t) => {
  const r = new ConfigReplica();
  t.is(r.sourceVersion, 0);
  t.deepEqual(r.apply(delta(1, [service("a"), service("b")])), {
    kind: "applied",
    change: { version: 1, added: [key("a"), key("b")], updated: [], deleted: [] },
  });
  t.deepEqual(r.apply(delta(2, [service("a", 8080)], [key("b")])), {
    kind: "applied",
    change: { version: 2, added: [], updated: [key("a")], deleted: [key("b")] },
  });
  t.is(r.sourceVersion, 2);
  t.deepEqual(names(r), ["a"]);
  t.deepEqual(r.store.get(key("a"))?.body, service("a", 8080).body);
});

test("a delta that changes nothing for proxies is applied without a ChangeSet; the source version moves on", (t) => {
  const r = new ConfigReplica();
  r.apply(delta(1, [service("a")]));
  t.deepEqual(r.apply(delta(2, [service("a", 80, { resourceVersion: "7" })])), {
    kind: "applied",
  });
  t.is(r.sourceVersion, 2);
  t.is(r.store.version, 1, "the replica's own version counts only real changes");
});

test("an old delta (already held, e.g. sent while a resync was answered) is ignored", (t) => {
  const r = new ConfigReplica();
  r.resync(snapshot(5, [service("a")]));
  for (const v of [1, 4, 5]) {
    t.deepEqual(r.apply(delta(v, [service(`old-${v}`)], [key("a")])), { kind: "old" }, `v${v}`);
  }
  t.is(r.sourceVersion, 5);
  t.deepEqual(names(r), ["a"]);
  t.is(r.store.version, 1);
});

test("a delta whose base is not the version held is a gap, and nothing of it is applied", (t) => {
  const r = new ConfigReplica();
  r.apply(delta(1, [service("a")]));
  t.deepEqual(r.apply(delta(3, [service("c")], [key("a")])), { kind: "gap" });
  t.is(r.sourceVersion, 1);
  t.deepEqual(names(r), ["a"]);
  t.is(r.store.version, 1);
  t.deepEqual(r.apply(delta(2, [service("b")])).kind, "applied", "the next in order still applies");
});

test("after the ingest actor died, its successor's deltas (counting from 1 again) are gaps until a resync", (t) => {
  const r = new ConfigReplica();
  r.resync(snapshot(1, [service("a")]));
  r.apply(delta(2, [service("b")]));
  r.apply(delta(3, [service("c")]));
  r.sourceDied();
  // The new ingest loaded the directories as its version 1; its first delta is 2 on 1: below the
  // old numbering it would look old, and once past it, it would apply on the wrong base.
  t.deepEqual(r.apply(delta(2, [service("d")])), { kind: "gap" });
  t.deepEqual(
    r.apply(delta(4, [service("d")], [], 3)),
    { kind: "gap" },
    "even one that looks next",
  );
  t.deepEqual(names(r), ["a", "b", "c"]);
  t.is(r.sourceVersion, 3);

  const change = r.resync(snapshot(2, [service("a"), service("d")]));
  t.deepEqual(change, {
    version: 4,
    added: [key("d")],
    updated: [],
    deleted: [key("b"), key("c")],
  });
  t.is(r.sourceVersion, 2, "the successor's numbering from now on");
  t.deepEqual(r.apply(delta(3, [service("e")])).kind, "applied");
  t.deepEqual(names(r), ["a", "d", "e"]);
});

test("a resync deletes what the snapshot lacks, upserts the rest, and answers the difference", (t) => {
  const r = new ConfigReplica();
  r.apply(delta(1, [service("keep"), service("edit"), service("drop")]));
  const change = r.resync(snapshot(9, [service("keep"), service("edit", 9090), service("new")]));
  t.deepEqual(change, {
    version: 2,
    added: [key("new")],
    updated: [key("edit")],
    deleted: [key("drop")],
  });
  t.deepEqual(names(r), ["edit", "keep", "new"]);
  t.deepEqual(r.store.get(key("edit"))?.body, service("edit", 9090).body);
  t.is(r.sourceVersion, 9);
});

test("a resync to what the replica already holds answers undefined but takes the snapshot's version", (t) => {
  const r = new ConfigReplica();
  r.apply(delta(1, [service("a"), service("b")]));
  t.is(
    r.resync(snapshot(1, [service("b"), service("a", 80, { resourceVersion: "2" })])),
    undefined,
  );
  t.is(r.store.version, 1);
  t.is(r.resync(snapshot(7, [service("a"), service("b")])), undefined);
  t.is(r.sourceVersion, 7);
  t.deepEqual(r.apply(delta(8, [service("c")])).kind, "applied", "deltas follow on from it");
});

test("a first resync into an empty replica adds everything", (t) => {
  const r = new ConfigReplica();
  t.is(r.resync(snapshot(0, [])), undefined);
  const change = r.resync(snapshot(3, [service("a")]));
  t.deepEqual(change, { version: 1, added: [key("a")], updated: [], deleted: [] });
  t.is(r.sourceVersion, 3);
});
