import test from "ava";
import { processLoadProbe } from "../../src/push/push-queue-load-probe.js";
import { PushThrottle, type LoadSample } from "../../src/push/push-queue-throttle.js";
import { FakeClock } from "../helpers/fake-clock.js";

function setup(initialLimit = 4, extra: { fixedLimit?: number } = {}) {
  const clock = new FakeClock();
  let load: LoadSample = { eventLoopLagMs: 1, cpuBusy: 0.2 };
  const throttle = new PushThrottle({
    clock,
    measure: () => load,
    initialLimit,
    maxLimit: 8,
    adjustEveryMs: 1000,
    targetLoopLagMs: 20,
    targetCpuBusy: 0.85,
    ...extra,
  });
  return { clock, throttle, setLoad: (l: LoadSample) => (load = l) };
}

/** Takes every free slot and one more (refused), then gives them back with `pushMs` each. */
function saturate(throttle: PushThrottle, pushMs: number): void {
  let taken = 0;
  while (throttle.tryAcquire()) taken++;
  for (let i = 0; i < taken; i++) throttle.release(pushMs);
}

test("slots are bounded by the limit", (t) => {
  const { throttle } = setup(2);
  t.true(throttle.tryAcquire());
  t.true(throttle.tryAcquire());
  t.false(throttle.tryAcquire());
  throttle.release(5);
  t.true(throttle.tryAcquire());
  t.is(throttle.inFlight, 2);
  t.is(throttle.stats.refused, 1);
});

test("additive increase while saturated with low lag and steady push time, up to the max", (t) => {
  const { clock, throttle } = setup(4);
  throttle.start();
  for (let i = 0; i < 10; i++) {
    saturate(throttle, 10);
    clock.advance(1000);
  }
  t.is(throttle.limit, 8, "capped at maxLimit");
  t.is(throttle.stats.increases, 4);
  throttle.stop();
  t.is(clock.pendingTimers, 0);
});

test("no increase when the limit was never reached", (t) => {
  const { throttle } = setup(4);
  t.true(throttle.tryAcquire());
  throttle.release(10);
  throttle.adjust();
  t.is(throttle.limit, 4);
});

test("multiplicative decrease when loop lag or CPU rises", (t) => {
  const { throttle, setLoad } = setup(8);
  setLoad({ eventLoopLagMs: 80, cpuBusy: 0.3 });
  throttle.adjust();
  t.is(throttle.limit, 4);
  setLoad({ eventLoopLagMs: 1, cpuBusy: 0.95 });
  throttle.adjust();
  t.is(throttle.limit, 2);
  throttle.adjust();
  throttle.adjust();
  t.is(throttle.limit, 1, "never below one");
  t.is(throttle.stats.decreases, 3);
  t.deepEqual(throttle.stats.lastSample, { eventLoopLagMs: 1, cpuBusy: 0.95 });
});

test("rising push time per proxy holds the limit even when saturated", (t) => {
  const { throttle } = setup(4);
  saturate(throttle, 10);
  throttle.adjust();
  t.is(throttle.limit, 5);
  saturate(throttle, 40); // 4x slower per proxy with one more in flight: contention
  throttle.adjust();
  t.is(throttle.limit, 5);
  saturate(throttle, 42); // steady again
  throttle.adjust();
  t.is(throttle.limit, 6);
  t.is(throttle.stats.lastMeanPushMs, 42);
});

test("a fixed limit never adapts", (t) => {
  const { clock, throttle, setLoad } = setup(4, { fixedLimit: 3 });
  throttle.start();
  t.is(clock.pendingTimers, 0);
  setLoad({ eventLoopLagMs: 500, cpuBusy: 1 });
  throttle.adjust();
  saturate(throttle, 1);
  throttle.adjust();
  t.is(throttle.limit, 3);
});

test("the process probe gives finite readings", (t) => {
  const probe = processLoadProbe();
  const s = probe.sample();
  probe.stop();
  t.true(Number.isFinite(s.eventLoopLagMs) && s.eventLoopLagMs >= 0);
  t.true(s.cpuBusy >= 0 && s.cpuBusy <= 1);
});
