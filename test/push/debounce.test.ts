import test from "ava";
import { Debouncer, type FlushInfo } from "../../src/push/debounce.js";
import {
  ALL_ENVOY_TYPES,
  EDS_ONLY,
  eventCount,
  type PushRequest,
} from "../../src/push/push-request.js";
import { FakeClock } from "../helpers/fake-clock.js";

const AFTER = 100;
const MAX = 1000;

function req(key: string, at: number, endpointOnly = false): PushRequest {
  return {
    full: !endpointOnly,
    configKeys: new Set([key]),
    types: endpointOnly ? EDS_ONLY : ALL_ENVOY_TYPES,
    reasons: new Map([[endpointOnly ? "endpoint" : "config", 1]]),
    firstEventAt: at,
    version: at,
    reach: new Map(),
  };
}

/** Lets promise callbacks run (no time passes on any clock). */
const microtasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function keysOf(r: PushRequest): string[] {
  return r.configKeys === "all" ? ["all"] : [...r.configKeys].sort();
}

interface Flush extends FlushInfo {
  readonly at: number;
}

function setup(
  opts: { edsDebounce?: boolean; onFlush?: (r: PushRequest) => void | Promise<void> } = {},
) {
  const clock = new FakeClock(0);
  const flushes: Flush[] = [];
  const debouncer = new Debouncer({
    clock,
    debounceAfter: AFTER,
    debounceMax: MAX,
    ...(opts.edsDebounce !== undefined ? { edsDebounce: opts.edsDebounce } : {}),
    onFlush: opts.onFlush ?? (() => undefined),
    onFlushed: (info) => flushes.push({ ...info, at: clock.now() }),
  });
  return { clock, flushes, debouncer };
}

test("an isolated change is flushed at once, at t=0", (t) => {
  const { flushes, debouncer } = setup();
  debouncer.push(req("VirtualService/a/x", 0));
  t.is(flushes.length, 1);
  t.is(flushes[0]!.at, 0);
  t.is(flushes[0]!.cause, "immediate");
  t.is(flushes[0]!.delayMs, 0);
});

test("a burst of 10 is merged into one flush at the end of the quiet period", (t) => {
  const { clock, flushes, debouncer } = setup();
  debouncer.push(req("k/first/0", 0)); // isolated: out at once
  clock.advance(20);
  for (let i = 0; i < 10; i++) {
    debouncer.push(req(`k/burst/${i}`, clock.now()));
    clock.advance(1);
  }
  // last event at t=29; quiet period ends at 129
  clock.advance(128 - clock.now());
  t.is(flushes.length, 1);
  clock.advance(1);
  t.is(flushes.length, 2);
  const burst = flushes[1]!;
  t.is(burst.at, 129);
  t.is(burst.cause, "quiet");
  t.is(burst.events, 10);
  t.is(burst.delayMs, 109);
  t.deepEqual(keysOf(burst.request), [...Array(10).keys()].map((i) => `k/burst/${i}`).sort());
  t.is(eventCount(burst.request), 10);
});

test("the max delay caps a stream that never goes quiet", (t) => {
  const { clock, flushes, debouncer } = setup();
  debouncer.push(req("k/a/start", 0));
  clock.advance(50);
  const burstStart = clock.now();
  for (let i = 0; clock.now() < 3000; i++) {
    debouncer.push(req(`k/a/${i}`, clock.now()));
    clock.advance(50);
  }
  const capped = flushes.filter((f) => f.cause === "max-delay");
  t.true(capped.length >= 2);
  t.is(capped[0]!.at, burstStart + MAX);
  for (const f of flushes.slice(1)) t.true(f.delayMs <= MAX);
});

test("events during a slow flush merge into exactly one follow-up flush when it settles", async (t) => {
  const settle: Array<() => void> = [];
  const { clock, flushes, debouncer } = setup({
    onFlush: () => new Promise<void>((resolve) => settle.push(resolve)),
  });
  debouncer.push(req("k/a/0", 0));
  t.is(flushes.length, 1);
  for (let i = 1; i <= 40; i++) {
    clock.advance(50); // beyond both the quiet period and the max delay
    debouncer.push(req(`k/a/${i}`, clock.now()));
  }
  clock.advance(5000);
  await microtasks();
  t.is(flushes.length, 1, "nothing is flushed while the consumer is busy");
  t.true(debouncer.stats.busy);
  t.is(debouncer.stats.pendingEvents, 40);
  settle.shift()!();
  await microtasks();
  t.is(flushes.length, 2);
  t.is(flushes[1]!.cause, "backlog");
  t.is(flushes[1]!.events, 40);
  t.is(flushes[1]!.at, clock.now());
  settle.shift()!();
  await microtasks();
  clock.advance(MAX * 2);
  t.is(flushes.length, 2, "no flush without new events");
  t.false(debouncer.stats.busy);
});

test("a rejected or throwing flush is counted and the debouncer carries on", async (t) => {
  let calls = 0;
  const { clock, flushes, debouncer } = setup({
    onFlush: () => {
      calls++;
      if (calls === 1) throw new Error("boom");
      if (calls === 2) return Promise.reject(new Error("later boom"));
      return undefined;
    },
  });
  debouncer.push(req("k/a/0", 0));
  clock.advance(AFTER);
  debouncer.push(req("k/a/1", clock.now()));
  await microtasks();
  clock.advance(AFTER);
  debouncer.push(req("k/a/2", clock.now()));
  t.is(flushes.length, 3);
  t.is(debouncer.stats.flushErrors, 2);
});

test("EDS fast path: with edsDebounce off an endpoint-only change skips a pending burst's wait", (t) => {
  const { clock, flushes, debouncer } = setup({ edsDebounce: false });
  debouncer.push(req("k/a/0", 0));
  clock.advance(10);
  debouncer.push(req("k/a/1", clock.now())); // starts a burst
  clock.advance(10);
  debouncer.push(req("Service/a/reviews", clock.now(), true));
  t.is(flushes.length, 2);
  t.is(flushes[1]!.cause, "eds-fast-path");
  t.deepEqual(keysOf(flushes[1]!.request), ["Service/a/reviews"]);
  t.false(flushes[1]!.request.full);
  clock.advance(AFTER);
  t.is(flushes.length, 3);
  t.deepEqual(keysOf(flushes[2]!.request), ["k/a/1"]);
});

test("EDS is debounced like anything else by default", (t) => {
  const { clock, flushes, debouncer } = setup();
  debouncer.push(req("k/a/0", 0));
  clock.advance(10);
  debouncer.push(req("Service/a/reviews", clock.now(), true));
  clock.advance(10);
  debouncer.push(req("Service/a/ratings", clock.now(), true));
  t.is(flushes.length, 1);
  clock.advance(AFTER);
  t.is(flushes.length, 2);
  t.false(flushes[1]!.request.full, "two endpoint-only requests stay endpoint-only");
  t.deepEqual(keysOf(flushes[1]!.request), ["Service/a/ratings", "Service/a/reviews"]);
});

test("stats count flushes, causes, events and delays; stop() hands back what was pending", (t) => {
  const { clock, debouncer } = setup();
  debouncer.push(req("k/a/0", 0));
  clock.advance(10);
  debouncer.push(req("k/a/1", clock.now()));
  debouncer.push(req("k/a/2", clock.now()));
  clock.advance(AFTER + 5); // the burst went out at 110
  debouncer.push(req("k/a/3", clock.now())); // quiet since 10: isolated
  clock.advance(5);
  debouncer.push(req("k/a/4", clock.now()));
  debouncer.push(req("k/a/5", clock.now()));
  const s = debouncer.stats;
  t.is(s.received, 6);
  t.is(s.flushes, 3);
  t.is(s.byCause.immediate, 2);
  t.is(s.byCause.quiet, 1);
  t.is(s.maxEventsPerFlush, 2);
  t.is(s.maxDelayMs, AFTER);
  t.is(s.totalDelayMs, AFTER);
  t.is(s.pendingEvents, 2);
  const left = debouncer.stop();
  t.deepEqual(left && keysOf(left), ["k/a/4", "k/a/5"]);
  clock.advance(MAX);
  t.is(debouncer.stats.flushes, 3);
  t.is(clock.pendingTimers, 0);
});

test("bad windows are refused", (t) => {
  const clock = new FakeClock();
  t.throws(
    () => new Debouncer({ clock, debounceAfter: 200, debounceMax: 100, onFlush: () => undefined }),
    { message: /debounceAfter <= debounceMax/ },
  );
});
