import test from "ava";
import { PushQueue } from "../../src/push/push-queue.js";
import { PushDispatcher, type PushOutcome } from "../../src/push/push-queue-dispatcher.js";
import { PushThrottle } from "../../src/push/push-queue-throttle.js";
import { ALL_ENVOY_TYPES, type PushRequest } from "../../src/push/push-request.js";
import { FakeClock } from "../helpers/fake-clock.js";

const microtasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function req(key: string, at: number): PushRequest {
  return {
    full: true,
    configKeys: new Set([key]),
    types: ALL_ENVOY_TYPES,
    reasons: new Map([["config", 1]]),
    firstEventAt: at,
    version: 1,
    reach: new Map(),
  };
}

function setup(limit: number, pushMs: number, failFor = new Set<string>()) {
  const clock = new FakeClock(1000);
  const queue = new PushQueue<string>(clock);
  const throttle = new PushThrottle({
    clock,
    measure: () => ({ eventLoopLagMs: 0, cpuBusy: 0 }),
    initialLimit: limit,
    maxLimit: 10,
  });
  let running = 0;
  let maxRunning = 0;
  const pushed: string[] = [];
  const outcomes: PushOutcome<string>[] = [];
  const dispatcher = new PushDispatcher({
    clock,
    queue,
    throttle,
    push: (proxyId) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      pushed.push(proxyId);
      return new Promise<void>((resolve, reject) =>
        clock.setTimeout(() => {
          running--;
          if (failFor.has(proxyId)) reject(new Error(`send to ${proxyId} failed`));
          else resolve();
        }, pushMs),
      );
    },
    onOutcome: (o) => outcomes.push(o),
  });
  /** Runs every timer, letting promise callbacks run after each. */
  const drain = async (): Promise<void> => {
    while (clock.runNext()) await microtasks();
    await microtasks();
  };
  return {
    clock,
    queue,
    throttle,
    dispatcher,
    pushed,
    outcomes,
    drain,
    maxRunning: () => maxRunning,
  };
}

test("pushes never exceed the throttle's limit and every proxy is pushed", async (t) => {
  const s = setup(3, 10);
  for (let i = 0; i < 10; i++) s.dispatcher.enqueue(`p${i}`, req(`k/a/${i}`, 990));
  t.is(s.throttle.inFlight, 3);
  await s.drain();
  t.is(s.maxRunning(), 3);
  t.deepEqual(
    s.pushed,
    [...Array(10).keys()].map((i) => `p${i}`),
  );
  t.is(s.throttle.inFlight, 0);
  const last = s.outcomes.at(-1)!;
  t.is(last.pushMs, 10);
  t.is(last.queueMs, 30, "p9 waited for three rounds of three");
  t.is(last.convergenceMs, 50);
});

test("a request arriving mid-push is pushed once more afterwards, not concurrently", async (t) => {
  const s = setup(5, 10);
  s.dispatcher.enqueue("p1", req("k/a/1", 1000));
  s.dispatcher.enqueue("p1", req("k/a/2", 1000)); // p1 is being pushed: held
  s.dispatcher.enqueue("p1", req("k/a/3", 1000));
  t.is(s.throttle.inFlight, 1);
  await s.drain();
  t.deepEqual(s.pushed, ["p1", "p1"]);
  t.deepEqual([...(s.outcomes[1]!.request.configKeys as Set<string>)].sort(), ["k/a/2", "k/a/3"]);
});

test("a failed push frees its slot and is reported", async (t) => {
  const s = setup(1, 10, new Set(["bad"]));
  s.dispatcher.enqueue("bad", req("k/a/1", 1000));
  s.dispatcher.enqueue("good", req("k/a/2", 1000));
  await s.drain();
  t.deepEqual(s.pushed, ["bad", "good"]);
  t.regex(String(s.outcomes[0]!.error), /send to bad failed/);
  t.is(s.outcomes[1]!.error, undefined);
  t.is(s.throttle.inFlight, 0);
});

test("a raised limit is used at the next pump", async (t) => {
  const s = setup(1, 10);
  for (let i = 0; i < 4; i++) s.dispatcher.enqueue(`p${i}`, req(`k/a/${i}`, 1000));
  t.is(s.throttle.inFlight, 1);
  s.throttle.adjust(); // saturated, no load: +1
  s.dispatcher.pump();
  t.is(s.throttle.inFlight, 2);
  s.dispatcher.remove("p3");
  await s.drain();
  t.deepEqual(s.pushed, ["p0", "p1", "p2"]);
});
