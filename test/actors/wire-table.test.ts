// The coordinator's WireTable and the xDS actor's ResourceTable, end to end through the message
// (structured clone and transfer, as a MessagePort does it): what the xDS actor already has is
// named by id and never sent twice; views with equal sets share one set object there; a new epoch
// (a restarted xDS actor) sends everything anew; forgotten ids leave the table.

import test from "ava";
import { WireTable } from "../../src/actors/coordinator/wire-table.js";
import { ResourceTable } from "../../src/actors/xds/resource-table.js";
import type { SnapshotUpdate } from "../../src/actors/messages.js";
import { SetInterner } from "../../src/push/set-interner.js";
import { EncodedResource } from "../../src/xds/encoded-resource.js";

const CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
const LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";

function resource(typeUrl: string, name: string): EncodedResource {
  return EncodedResource.fromMessageBytes(typeUrl, name, Buffer.from(`${name}-bytes`));
}

/** The update as the xDS actor receives it: cloned, its buffer transferred. */
function wire(u: SnapshotUpdate): SnapshotUpdate {
  return structuredClone(u, { transfer: [u.bytes] });
}

test("shared sets and resources travel once; the xDS side shares one set object", (t) => {
  const sets = new SetInterner();
  const a = resource(CDS, "a");
  const b = resource(CDS, "b");
  const l = resource(LDS, "l");
  const cds = sets.intern(CDS, [a, b]);
  t.is(sets.intern(CDS, [b, a]), cds, "equal content, either order: one set");
  const table = new WireTable();
  const xds = new ResourceTable();

  const first = table.update(
    { version: 1, viewKey: "v1", sets: [cds, sets.intern(LDS, [l])] },
    true,
  );
  t.is(first.newSets.length, 2);
  t.is(first.newResources.length, 3);
  const got1 = xds.apply(wire(first));
  const second = table.update({ version: 1, viewKey: "v2", sets: [cds] }, false);
  t.is(second.newSets.length, 0, "the set is named, not sent");
  t.is(second.newResources.length, 0);
  t.is(second.bytes.byteLength, 0);
  const got2 = xds.apply(wire(second));
  t.is(got2.get(CDS), got1.get(CDS), "one set object for both views");
  t.deepEqual([...(got1.get(CDS)?.names ?? [])], ["a", "b"]);
  t.deepEqual(got1.get(CDS)?.get("a")?.any, a.any);
  t.is(got1.get(CDS)?.get("a")?.version, a.version);

  // A set with one new resource: only that resource's bytes travel.
  const c = resource(CDS, "c");
  const third = table.update(
    { version: 2, viewKey: "v1", sets: [sets.intern(CDS, [a, c])] },
    false,
  );
  t.deepEqual(
    third.newResources.map((r) => r.name),
    ["c"],
  );
  t.deepEqual([...(xds.apply(wire(third)).get(CDS)?.names ?? [])], ["a", "c"]);

  // The xDS actor restarted: a new epoch, everything sent again into an empty table.
  table.reset();
  const fourth = table.update({ version: 2, viewKey: "v2", sets: [cds] }, true);
  t.not(fourth.epoch, first.epoch);
  t.is(fourth.newResources.length, 2);
  const fresh = new ResourceTable();
  t.deepEqual([...(fresh.apply(wire(fourth)).get(CDS)?.names ?? [])], ["a", "b"]);
});

test("the xDS side drops forgotten ids, and names an id it never had", (t) => {
  const table = new WireTable();
  const xds = new ResourceTable();
  const set = new SetInterner().intern(CDS, [resource(CDS, "a")]);
  const u = table.update({ version: 1, viewKey: "v", sets: [set] }, true);
  xds.apply(wire(u));
  t.is(xds.setCount, 1);
  t.is(xds.resourceCount, 1);
  const forget: SnapshotUpdate = {
    ...u,
    sets: [],
    newSets: [],
    newResources: [],
    bytes: new ArrayBuffer(0),
    forgottenSets: [set.id],
    forgottenResources: u.newResources.map((r) => r.id),
  };
  xds.apply(forget);
  t.is(xds.setCount, 0);
  t.is(xds.resourceCount, 0);
  const again = { ...forget, sets: [{ typeUrl: CDS, setId: set.id }], forgottenSets: [] };
  t.throws(() => xds.apply(again), { message: /names set \d+, which was never sent/ });
});
