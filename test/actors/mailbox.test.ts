import test from "ava";
import { Mailbox } from "../../src/actors/runtime/mailbox.js";

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test("messages are handled in order, one at a time, async handlers awaited", async (t) => {
  const log: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const box = new Mailbox<string>(async (m) => {
    log.push(`start ${m}`);
    const gate = gates.get(m);
    if (gate) await gate.promise;
    log.push(`end ${m}`);
    return m.toUpperCase();
  });
  gates.set("a", deferred());
  const results = ["a", "b", "c"].map((m) => box.post(m));
  t.is(box.depth, 3, "paused until resumed");
  t.deepEqual(log, []);
  box.resume();
  await Promise.resolve();
  t.deepEqual(log, ["start a"], "b waits while a's handler is pending");
  t.is(box.depth, 3);
  gates.get("a")!.resolve();
  t.deepEqual(await Promise.all(results), ["A", "B", "C"]);
  t.deepEqual(log, ["start a", "end a", "start b", "end b", "start c", "end c"]);
  t.is(box.depth, 0);
});

test("a handler that throws fails its own message only", async (t) => {
  const box = new Mailbox<number>((n) => {
    if (n === 2) throw new Error("two");
    return n * 10;
  });
  box.resume();
  const [one, two, three] = [1, 2, 3].map((n) => box.post(n));
  t.is(await one, 10);
  await t.throwsAsync(two!, { message: "two" });
  t.is(await three, 30);
});

test("stop fails queued messages and refuses new ones", async (t) => {
  const box = new Mailbox<number>((n) => n);
  const queued = box.post(1);
  box.stop();
  await t.throwsAsync(queued, { message: "mailbox stopped" });
  await t.throwsAsync(box.post(2), { message: "mailbox stopped" });
});

test("a backlog is handled in slices: other event-loop work runs between them", async (t) => {
  let now = 0;
  const log: string[] = [];
  // Each message takes 3 ms of the mailbox's clock: a 4 ms slice ends after the second.
  const box = new Mailbox<number>(
    (n) => {
      now += 3;
      log.push(`m${n}`);
    },
    () => now,
  );
  const all = [1, 2, 3, 4, 5, 6].map((n) => box.post(n));
  setImmediate(() => log.push("other"));
  box.resume();
  await Promise.all(all);
  t.deepEqual(log, ["m1", "m2", "other", "m3", "m4", "m5", "m6"]);
});
