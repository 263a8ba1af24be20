// The coordinator's dispatch through the per-view push queue: a view is generated at most once at
// a time; pushes that name it meanwhile are merged into one more generation, at the newest model
// version; each view's SnapshotUpdate goes out before its push order; a view's first snapshot is
// complete (every type); the throttle bounds how many views generate at once.

import test from "ava";
import { SnapshotDispatch } from "../../src/actors/coordinator/snapshot-dispatch.js";
import type { GeneratedView, ViewGenerator } from "../../src/actors/coordinator/view-generator.js";
import type {
  GenerateTask,
  PushOrder,
  SnapshotBatch,
  SnapshotUpdate,
} from "../../src/actors/messages.js";
import type { RpcPort } from "../../src/actors/runtime/rpc-port.js";
import { silentLogger } from "../../src/log.js";
import { fullPushForAll, type PushRequest } from "../../src/push/push-request.js";
import { emptySet } from "../../src/xds/encoded-resource.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { FakeClock } from "../helpers/fake-clock.js";

/** A generator whose tasks finish when the test says so. */
class GatedGenerator implements ViewGenerator {
  readonly tasks: GenerateTask[] = [];
  private readonly gates: Array<() => void> = [];
  running = 0;
  maxRunning = 0;

  async generate(task: GenerateTask): Promise<GeneratedView> {
    this.tasks.push(task);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise<void>((resolve) => this.gates.push(resolve));
    this.running--;
    return { version: task.version, viewKey: task.viewKey, sets: task.types.map(emptySet) };
  }

  /** Lets the oldest waiting task finish, then lets the dispatch move on (and its batch go). */
  async finishOne(): Promise<void> {
    this.gates.shift()?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function setup(concurrency = 1) {
  const generator = new GatedGenerator();
  const sent: Array<SnapshotUpdate | PushOrder> = [];
  const batches: number[] = [];
  const port = {
    send: (m: SnapshotBatch) => batches.push(sent.push(...m.messages) && m.messages.length),
  } as unknown as RpcPort;
  let version = 1;
  const dispatch = new SnapshotDispatch({
    clock: new FakeClock(),
    generator,
    xds: () => port,
    version: () => version,
    log: silentLogger(),
    fixedConcurrency: concurrency,
    probe: { sample: () => ({ eventLoopLagMs: 0, cpuBusy: 0 }), stop: () => undefined },
  });
  const group = (viewKey: string, ...proxyIds: string[]) => ({
    viewKey,
    view: { kind: "sidecar" as const, namespace: "ns", labels: {}, ips: [] },
    proxyIds,
  });
  const request = (...types: string[]): PushRequest => ({
    ...fullPushForAll("config", 0, version),
    types: new Set(types),
  });
  return {
    generator,
    sent,
    batches,
    dispatch,
    group,
    request,
    setVersion: (v: number) => (version = v),
  };
}

test("a view is generated once at a time; pushes meanwhile merge into one more, at the newest version", async (t) => {
  const { generator, sent, dispatch, group, request, setVersion } = setup();
  dispatch.send([group("a", "p1")], request(TypeUrl.Cluster), false, "types");
  t.is(generator.tasks.length, 1);
  setVersion(2);
  dispatch.send([group("a", "p1")], request(TypeUrl.Endpoint), false, "types");
  setVersion(3);
  dispatch.send([group("a", "p2")], request(TypeUrl.Route), false, "types");
  t.is(generator.tasks.length, 1, "no second generation while the first runs");
  await generator.finishOne();
  t.is(generator.tasks.length, 2, "one more generation for both pushes");
  const second = generator.tasks[1]!;
  t.is(second.version, 3, "at the newest model version");
  t.deepEqual([...second.types], [TypeUrl.Endpoint, TypeUrl.Route].sort());
  await generator.finishOne();
  t.is(generator.maxRunning, 1);
  t.deepEqual(
    sent.map((m) => m.type),
    ["snapshot-update", "push-order", "snapshot-update", "push-order"],
  );
  const lastOrder = sent[3] as PushOrder;
  t.deepEqual([...lastOrder.proxyIds].sort(), ["p1", "p2"]);
  dispatch.stop();
});

test("a complete push sends every type and no order when none is asked", async (t) => {
  const { generator, sent, dispatch, group, request } = setup();
  dispatch.send([group("a", "p1")], request(TypeUrl.Cluster), true);
  await generator.finishOne();
  t.true(generator.tasks[0]!.types.includes(TypeUrl.Listener));
  t.deepEqual(
    sent.map((m) => m.type),
    ["snapshot-update"],
  );
  t.true((sent[0] as SnapshotUpdate).complete);
  dispatch.stop();
});

test("the throttle's limit bounds the views generating at once; a turn's output is one batch", async (t) => {
  const { generator, dispatch, group, request, batches } = setup(2);
  for (const v of ["a", "b", "c", "d"])
    dispatch.send([group(v, `${v}1`)], request(TypeUrl.Cluster), false, "types");
  t.is(generator.running, 2);
  for (let i = 0; i < 4; i++) await generator.finishOne();
  t.is(generator.tasks.length, 4);
  t.is(generator.maxRunning, 2);
  t.deepEqual(batches, [2, 2, 2, 2], "each view's update and push order in one message");
  dispatch.stop();
});
