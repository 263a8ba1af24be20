// The trailing re-read of what a load read (Recheck), on a fake clock.

import test from "ava";
import { Recheck } from "../../src/registry/sources/recheck.js";
import { FakeClock } from "../helpers/fake-clock.js";

test("files read are read once more after the window, together, with the earliest event time", (t) => {
  const clock = new FakeClock(1000);
  const rereads: Array<[string[], number]> = [];
  const r = new Recheck(clock, 100, (files, at) => rereads.push([files.sort(), at]));
  r.add(["a.yaml"], 990);
  clock.advance(50);
  r.add(["b.yaml", "a.yaml"], 1040);
  r.add([], 1045);
  clock.advance(49);
  t.deepEqual(rereads, []);
  clock.advance(1);
  t.deepEqual(rereads, [[["a.yaml", "b.yaml"], 990]]);
  clock.advance(1000);
  t.is(rereads.length, 1, "nothing more without new loads");
  r.add(["c.yaml"], clock.now());
  r.cancel();
  clock.advance(1000);
  t.is(rereads.length, 1, "cancelled");
  t.is(clock.pendingTimers, 0);
});
