import test from "ava";
import { BurstCoalescer } from "../../src/registry/sources/burst-coalescer.js";
import { FakeClock } from "../helpers/fake-clock.js";

function setup(quietMs = 100, maxDelayMs = 1000) {
  const clock = new FakeClock();
  const flushes: number[] = [];
  const c = new BurstCoalescer({
    clock,
    quietMs,
    maxDelayMs,
    flush: () => flushes.push(clock.now()),
  });
  return { clock, flushes, c };
}

test("a single event flushes after the quiet window", (t) => {
  const { clock, flushes, c } = setup();
  c.notify();
  t.true(c.pending);
  clock.advance(99);
  t.deepEqual(flushes, []);
  clock.advance(1);
  t.deepEqual(flushes, [100]);
  t.false(c.pending);
});

test("events inside the quiet window extend it; one flush for the burst", (t) => {
  const { clock, flushes, c } = setup();
  for (let i = 0; i < 5; i++) {
    c.notify();
    clock.advance(50);
  }
  // last event at 200, quiet until 300
  t.deepEqual(flushes, []);
  clock.advance(49);
  t.deepEqual(flushes, []);
  clock.advance(1);
  t.deepEqual(flushes, [300]);
  t.is(clock.pendingTimers, 0, "no timer left behind");
});

test("a constant stream still flushes at the max delay", (t) => {
  const { clock, flushes, c } = setup(100, 1000);
  for (let i = 0; i < 59; i++) {
    c.notify();
    clock.advance(50);
  }
  // events at 0, 50, … 2900: bursts flush at their max delay (1000, 2000), the last one at 3000
  t.deepEqual(flushes, [1000, 2000]);
  clock.advance(1000);
  t.deepEqual(flushes, [1000, 2000, 3000]);
});

test("after a flush, a new event starts a new burst", (t) => {
  const { clock, flushes, c } = setup();
  c.notify();
  clock.advance(500);
  c.notify();
  clock.advance(100);
  t.deepEqual(flushes, [100, 600]);
});

test("cancel drops the pending burst", (t) => {
  const { clock, flushes, c } = setup();
  c.notify();
  c.cancel();
  clock.advance(5000);
  t.deepEqual(flushes, []);
  t.is(clock.pendingTimers, 0);
});

test("bad windows are refused with the field named", (t) => {
  const clock = new FakeClock();
  t.throws(() => new BurstCoalescer({ clock, quietMs: 100, maxDelayMs: 50, flush: () => {} }), {
    message: /maxDelayMs \(50\) must be >= quietMs \(100\)/,
  });
  t.throws(() => new BurstCoalescer({ clock, quietMs: -1, maxDelayMs: 50, flush: () => {} }), {
    message: /quietMs must be >= 0/,
  });
});

test("a burst holding a slow event waits the slow windows; the next burst is fast again", (t) => {
  const clock = new FakeClock();
  const flushes: number[] = [];
  const c = new BurstCoalescer({
    clock,
    quietMs: 20,
    maxDelayMs: 100,
    slow: { quietMs: 100, maxDelayMs: 1000 },
    flush: () => flushes.push(clock.now()),
  });
  c.notify();
  clock.advance(10);
  c.notify(true); // a removal: the burst now waits 100 ms of quiet
  clock.advance(99);
  t.deepEqual(flushes, []);
  clock.advance(1);
  t.deepEqual(flushes, [110]);
  c.notify();
  clock.advance(20);
  t.deepEqual(flushes, [110, 130]);
  t.throws(
    () =>
      new BurstCoalescer({
        ...{ clock, quietMs: 1, maxDelayMs: 2 },
        slow: { quietMs: 5, maxDelayMs: 1 },
        flush: () => undefined,
      }),
    {
      message: /slow\.maxDelayMs \(1\) must be >= slow\.quietMs \(5\)/,
    },
  );
});
