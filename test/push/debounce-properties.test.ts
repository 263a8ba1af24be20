// Property tests for the debouncer: random event timings and random consumer speeds (seeded, so a
// failure names the seed that reproduces it).

import test from "ava";
import { Debouncer } from "../../src/push/debounce.js";
import { ALL_ENVOY_TYPES, EDS_ONLY, type PushRequest } from "../../src/push/push-request.js";
import { FakeClock } from "../helpers/fake-clock.js";

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const microtasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface FlushRecord {
  readonly startAt: number;
  settledAt: number;
  readonly keys: string[];
}

async function runScenario(seed: number): Promise<string | undefined> {
  const rand = prng(seed);
  const clock = new FakeClock(0);
  const debounceAfter = 1 + Math.floor(rand() * 200);
  const debounceMax = debounceAfter + Math.floor(rand() * 1000);
  const edsDebounce = rand() < 0.5;
  const flushes: FlushRecord[] = [];
  const receivedAt = new Map<string, number>();
  let busy = false;
  let problem: string | undefined;
  const fail = (msg: string): void => {
    problem ??= `seed ${seed} (after=${debounceAfter}, max=${debounceMax}, eds=${edsDebounce}): ${msg}`;
  };

  const debouncer = new Debouncer({
    clock,
    debounceAfter,
    debounceMax,
    edsDebounce,
    onFlush: (r: PushRequest) => {
      if (busy) fail(`flush at ${clock.now()} while another is running`);
      const record: FlushRecord = {
        startAt: clock.now(),
        settledAt: clock.now(),
        keys: r.configKeys === "all" ? [] : [...r.configKeys],
      };
      flushes.push(record);
      const roll = rand();
      if (roll < 0.4) return undefined;
      busy = true;
      const duration = roll < 0.8 ? Math.floor(rand() * 50) : Math.floor(rand() * 3000);
      return new Promise<void>((resolve) =>
        clock.setTimeout(() => {
          busy = false;
          record.settledAt = clock.now();
          resolve();
        }, duration),
      );
    },
  });

  // event times: tight bursts, gaps around the quiet period, a few long pauses; in "stream"
  // scenarios the gaps stay under the quiet period, so only the max delay ends a burst
  const stream = rand() < 0.4;
  const times: number[] = [];
  let t = 0;
  for (let i = 0; i < 150; i++) {
    const r = rand();
    if (stream) t += r < 0.97 ? Math.floor(rand() * debounceAfter) : 2 * debounceMax;
    else if (r < 0.5) t += Math.floor(rand() * 5);
    else if (r < 0.9) t += Math.floor(rand() * debounceAfter * 1.5);
    else t += 1000 + Math.floor(rand() * 3000);
    times.push(t);
  }
  for (let i = 0; i < times.length; i++) {
    // move to the event, stopping at every timer on the way so promise callbacks run in time
    for (;;) {
      const due = clock.nextDueAt();
      if (due === undefined || due > times[i]!) break;
      clock.advance(due - clock.now());
      await microtasks();
    }
    clock.advance(times[i]! - clock.now());
    await microtasks();
    const key = `k/e/${i}`;
    receivedAt.set(key, clock.now());
    const endpointOnly = rand() < 0.3;
    debouncer.push({
      full: !endpointOnly,
      configKeys: new Set([key]),
      types: endpointOnly ? EDS_ONLY : ALL_ENVOY_TYPES,
      reasons: new Map([[endpointOnly ? "endpoint" : "config", 1]]),
      firstEventAt: clock.now(),
      version: i,
      reach: new Map(),
    });
    await microtasks();
  }
  while (clock.runNext()) await microtasks();
  await microtasks();
  if (debouncer.stop() !== undefined) fail("events left pending after every timer ran");

  // never drop an event, never deliver one twice
  const seen = new Map<string, number>();
  for (const f of flushes) for (const k of f.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  for (const k of receivedAt.keys())
    if (seen.get(k) !== 1) fail(`${k} delivered ${seen.get(k) ?? 0} times`);
  if (debouncer.stats.received !== receivedAt.size) fail("received count");

  // never later than debounceMax after the first merged event, unless a flush was running then
  for (const f of flushes) {
    const first = Math.min(...f.keys.map((k) => receivedAt.get(k)!));
    const deadline = first + debounceMax;
    if (f.startAt <= deadline) continue;
    const backlogged = flushes.some(
      (g) => g !== f && g.startAt <= deadline && g.settledAt >= deadline,
    );
    if (!backlogged) fail(`flush at ${f.startAt} holds an event of ${first}, not backlogged`);
  }
  return problem;
}

test("random timings: no event dropped or duplicated, max delay kept unless backlogged, one flush at a time", async (t) => {
  for (let seed = 1; seed <= 40; seed++) {
    const problem = await runScenario(seed);
    if (problem) return t.fail(problem);
  }
  t.pass();
});
