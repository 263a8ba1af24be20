// The debouncer under a steady stream (fake clock): with the default settings, 20 changes/s are
// held at most MESHPILOT_DEBOUNCE_MAX; with a slow consumer the window stretches to its flush
// time, and every flushed request is consumed (no model version is built and never pushed).

import test from "ava";
import { Debouncer, type FlushInfo } from "../../src/push/debounce.js";
import { ALL_ENVOY_TYPES, type PushRequest } from "../../src/push/push-request.js";
import { resolvePushSettings } from "../../src/settings.js";
import { FakeClock } from "../helpers/fake-clock.js";

function req(i: number, at: number): PushRequest {
  return {
    full: true,
    configKeys: new Set([`k/a/${i}`]),
    types: ALL_ENVOY_TYPES,
    reasons: new Map([["config", 1]]),
    firstEventAt: at,
    version: i,
    reach: new Map(),
  };
}

/** Lets promise callbacks run (no time passes on any clock). */
const microtasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** 20 events/s for `seconds` (one every 50 ms), then 10 s of silence; the flushes seen. */
async function stream(
  debounceMax: number,
  seconds: number,
  onFlush: (clock: FakeClock) => (r: PushRequest) => void | Promise<void> = () => () => undefined,
): Promise<{ flushes: FlushInfo[]; consumed: number[] }> {
  const clock = new FakeClock(0);
  const flushes: FlushInfo[] = [];
  const consumed: number[] = [];
  const consume = onFlush(clock);
  const debouncer = new Debouncer({
    clock,
    debounceAfter: resolvePushSettings({}).debounceAfterMs,
    debounceMax,
    onFlush: (r) => {
      if (r.configKeys === "all") return consume(r);
      consumed.push(...[...r.configKeys].map((k) => Number(k.slice(4))).sort((a, b) => a - b));
      return consume(r);
    },
    onFlushed: (info) => flushes.push(info),
  });
  for (let i = 0; i < seconds * 20 + 200; i++) {
    if (i < seconds * 20) debouncer.push(req(i, clock.now()));
    clock.advance(50);
    await microtasks();
  }
  return { flushes, consumed };
}

test("defaults: a steady 20 changes/s waits at most MESHPILOT_DEBOUNCE_MAX (250 ms)", async (t) => {
  const { debounceMaxMs } = resolvePushSettings({});
  t.is(debounceMaxMs, 250);
  const { flushes, consumed } = await stream(debounceMaxMs, 10);
  t.deepEqual(consumed, [...Array(200).keys()], "every change once, in order");
  for (const f of flushes) t.true(f.delayMs <= debounceMaxMs, `held ${f.delayMs} ms`);
  t.true(flushes.length <= 200 / 4, `${flushes.length} flushes merge about 5 changes each`);
});

test("istiod's 10 s max would hold the same stream for 10 s: the stream never goes quiet", async (t) => {
  const { flushes } = await stream(10_000, 20);
  t.is(flushes[0]!.cause, "immediate");
  t.is(flushes[1]!.cause, "max-delay");
  t.is(flushes[1]!.delayMs, 10_000);
});

test("a slow consumer: events merge while it works and go the moment it is done; every flush is consumed", async (t) => {
  // Each flush takes 400 ms of (fake) time: the window stretches from 250 ms to 400 ms.
  let running = 0;
  let overlapped = false;
  const { flushes, consumed } = await stream(250, 4, (clock) => () => {
    overlapped ||= running > 0;
    running++;
    return new Promise<void>((resolve) =>
      clock.setTimeout(() => {
        running--;
        resolve();
      }, 400),
    );
  });
  t.false(overlapped, "one flush at a time");
  t.deepEqual(consumed, [...Array(80).keys()], "every change consumed once, in order");
  t.true(flushes.length <= 12, `${flushes.length} flushes for 80 changes`);
  t.true(flushes.slice(1).every((f) => f.cause === "backlog"));
});
