// Property tests for the per-proxy push queue against a plain model of what it must do, over
// random seeded sequences of enqueue, dequeue, markDone and remove.

import test from "ava";
import { PushQueue } from "../../src/push/push-queue.js";
import {
  ALL_ENVOY_TYPES,
  EDS_ONLY,
  mergePushRequests,
  type PushRequest,
} from "../../src/push/push-request.js";
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

/** A comparable summary of a request. */
function summary(r: PushRequest): string {
  return JSON.stringify({
    full: r.full,
    keys: r.configKeys === "all" ? "all" : [...r.configKeys].sort(),
    types: [...r.types].sort(),
    reasons: [...r.reasons].sort(),
    firstEventAt: r.firstEventAt,
    version: r.version,
  });
}

interface ModelProxy {
  /** Requests not yet handed out (in arrival order), since the last hand-out or removal. */
  waiting: PushRequest[];
  inFlight: boolean;
}

function runScenario(seed: number): string | undefined {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const clock = new FakeClock(0);
  const queue = new PushQueue<string>(clock);
  const proxies = ["p0", "p1", "p2", "p3", "p4", "p5"];
  const model = new Map<string, ModelProxy>(
    proxies.map((p) => [p, { waiting: [], inFlight: false }]),
  );
  const order: string[] = []; // the FIFO the queue must follow
  const enqueued = new Map<string, Set<string>>(proxies.map((p) => [p, new Set()]));
  const delivered = new Map<string, Set<string>>(proxies.map((p) => [p, new Set()]));
  let n = 0;

  const handOut = (): string | undefined => {
    const item = queue.dequeue();
    const expected = order.shift();
    if (item?.proxyId !== expected) return `dequeue gave ${item?.proxyId}, expected ${expected}`;
    if (!item) return undefined;
    const m = model.get(item.proxyId)!;
    if (m.inFlight) return `${item.proxyId} handed out while in flight`;
    const fold = m.waiting.reduce(mergePushRequests);
    if (summary(fold) !== summary(item.request))
      return `${item.proxyId}: got ${summary(item.request)}, fold is ${summary(fold)}`;
    // "all" covers every key that was merged into it
    for (const w of m.waiting)
      if (w.configKeys !== "all")
        for (const k of w.configKeys)
          if (item.request.configKeys === "all" || item.request.configKeys.has(k))
            delivered.get(item.proxyId)!.add(k);
    m.waiting = [];
    m.inFlight = true;
    return undefined;
  };

  for (let step = 0; step < 600; step++) {
    clock.advance(Math.floor(rand() * 3));
    const r = rand();
    const p = pick(proxies);
    const m = model.get(p)!;
    if (r < 0.5) {
      const eds = rand() < 0.5;
      const key = `k/${p}/${n++}`;
      const req: PushRequest = {
        full: !eds,
        configKeys: rand() < 0.02 ? "all" : new Set([key]),
        types: eds ? EDS_ONLY : ALL_ENVOY_TYPES,
        reasons: new Map([[eds ? "endpoint" : "config", 1]]),
        firstEventAt: Math.floor(rand() * 1000),
        version: n,
        reach: new Map(),
      };
      queue.enqueue(p, req);
      if (req.configKeys !== "all") enqueued.get(p)!.add(key);
      if (m.waiting.length === 0 && !m.inFlight) order.push(p);
      m.waiting.push(req);
    } else if (r < 0.75) {
      const problem = handOut();
      if (problem) return `seed ${seed} step ${step}: ${problem}`;
    } else if (r < 0.97) {
      const flying = proxies.filter((x) => model.get(x)!.inFlight);
      if (flying.length === 0) continue;
      const done = pick(flying);
      const dm = model.get(done)!;
      queue.markDone(done);
      dm.inFlight = false;
      if (dm.waiting.length > 0) order.push(done);
    } else {
      queue.remove(p);
      m.waiting = [];
      enqueued.get(p)!.clear(); // what waited for a disconnected proxy is rightly dropped
      const i = order.indexOf(p);
      if (i >= 0) order.splice(i, 1);
    }
    const flying = proxies.filter((x) => model.get(x)!.inFlight).length;
    if (queue.inFlightCount !== flying)
      return `seed ${seed}: in flight ${queue.inFlightCount} vs ${flying}`;
  }
  // drain: every key enqueued (and not dropped by a removal) is delivered
  for (const p of proxies) {
    if (model.get(p)!.inFlight) {
      queue.markDone(p);
      model.get(p)!.inFlight = false;
      if (model.get(p)!.waiting.length > 0) order.push(p);
    }
  }
  while (order.length > 0) {
    const problem = handOut();
    if (problem) return `seed ${seed} drain: ${problem}`;
    const last = proxies.find((x) => model.get(x)!.inFlight)!;
    queue.markDone(last);
    model.get(last)!.inFlight = false;
  }
  if (queue.dequeue() !== undefined) return `seed ${seed}: queue not empty after drain`;
  for (const p of proxies)
    for (const k of enqueued.get(p)!)
      if (!delivered.get(p)!.has(k)) return `seed ${seed}: ${k} never delivered to ${p}`;
  return undefined;
}

test("random operations: FIFO, never handed out twice at once, nothing lost, merged = fold of inputs", (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    const problem = runScenario(seed);
    if (problem) return t.fail(problem);
  }
  t.pass();
});

test("mergePushRequests is associative and commutative (reach: the newest wins)", (t) => {
  const rand = prng(7);
  const random = (version: number): PushRequest => {
    const eds = rand() < 0.5;
    const keys = new Set<string>();
    for (let i = 0; i < 3; i++) if (rand() < 0.6) keys.add(`k/a/${Math.floor(rand() * 5)}`);
    const key = `k/a/${Math.floor(rand() * 5)}`;
    return {
      full: !eds,
      configKeys: rand() < 0.1 ? "all" : keys,
      types: eds ? EDS_ONLY : ALL_ENVOY_TYPES,
      reasons: new Map([[eds ? "endpoint" : "config", 1 + Math.floor(rand() * 3)]]),
      firstEventAt: Math.floor(rand() * 100),
      version,
      reach: new Map([
        [key, { version, namespace: "a", hosts: [`v${version}`], exportTo: "*" as const }],
      ]),
    };
  };
  const reachOf = (r: PushRequest): string =>
    JSON.stringify([...r.reach].map(([k, v]) => [k, v.hosts]).sort());
  for (let i = 0; i < 500; i++) {
    const [a, b, c] = [random(i * 3), random(i * 3 + 1), random(i * 3 + 2)];
    const left = mergePushRequests(mergePushRequests(a, b), c);
    const right = mergePushRequests(a, mergePushRequests(b, c));
    const swapped = mergePushRequests(c, mergePushRequests(b, a));
    t.is(summary(left), summary(right));
    t.is(summary(left), summary(swapped));
    t.is(reachOf(left), reachOf(right));
    t.is(reachOf(left), reachOf(swapped));
  }
});
