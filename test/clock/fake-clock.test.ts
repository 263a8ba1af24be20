import test from "ava";
import { FakeClock } from "../helpers/fake-clock.js";

test("timers fire in due order, each seeing its own due time", (t) => {
  const clock = new FakeClock(1000);
  const fired: Array<[string, number]> = [];
  clock.setTimeout(() => fired.push(["b", clock.now()]), 20);
  clock.setTimeout(() => fired.push(["a", clock.now()]), 10);
  clock.setTimeout(() => fired.push(["c", clock.now()]), 20);
  clock.advance(15);
  t.deepEqual(fired, [["a", 1010]]);
  clock.advance(5);
  t.deepEqual(fired, [
    ["a", 1010],
    ["b", 1020],
    ["c", 1020],
  ]);
  t.is(clock.now(), 1020);
  t.is(clock.pendingTimers, 0);
});

test("cleared timers do not fire; timers set by timers fire within the same advance", (t) => {
  const clock = new FakeClock();
  const fired: number[] = [];
  const h = clock.setTimeout(() => fired.push(-1), 5);
  clock.clearTimeout(h);
  clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 10), 10);
  clock.advance(30);
  t.deepEqual(fired, [20]);
  t.is(clock.now(), 30);
});

test("runNext jumps to the next timer; advance rejects negative time", (t) => {
  const clock = new FakeClock();
  clock.setTimeout(() => undefined, 42);
  t.is(clock.nextDueAt(), 42);
  t.true(clock.runNext());
  t.is(clock.now(), 42);
  t.false(clock.runNext());
  t.throws(() => clock.advance(-1), { message: /ms must be >= 0/ });
});
