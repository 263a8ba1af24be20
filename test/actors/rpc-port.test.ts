import test from "ava";
import { MessageChannel } from "node:worker_threads";
import { RequestTimeoutError, RpcPort } from "../../src/actors/runtime/rpc-port.js";
import { FakeClock } from "../helpers/fake-clock.js";

function pair(answer: (body: unknown, isRequest: boolean) => unknown, clock = new FakeClock()) {
  const { port1, port2 } = new MessageChannel();
  const client = new RpcPort(port1, clock, () => null);
  const server = new RpcPort(port2, clock, answer);
  return {
    client,
    clock,
    close: () => {
      client.close();
      server.close();
      port1.close();
    },
  };
}

test("a request gets the reply with its own id, whatever order the replies come in", async (t) => {
  const waits: Array<() => void> = [];
  const p = pair(async (body) => {
    const b = body as { type: string; proxyId?: string };
    if (b.proxyId === "slow") await new Promise<void>((r) => waits.push(r));
    return { dump: b.proxyId };
  });
  t.teardown(p.close);
  const slow = p.client.request({ type: "config-dump", proxyId: "slow" });
  const fast = p.client.request({ type: "config-dump", proxyId: "fast" });
  t.deepEqual(await fast, { dump: "fast" });
  t.is(p.client.waiting, 1);
  waits.forEach((w) => w());
  t.deepEqual(await slow, { dump: "slow" });
});

test("a handler's error comes back as the request's rejection", async (t) => {
  const p = pair(() => {
    throw new Error("no such proxy");
  });
  t.teardown(p.close);
  await t.throwsAsync(p.client.request({ type: "syncz" }), { message: "no such proxy" });
});

test("one-way sends reach the handler in order, not as requests", async (t) => {
  const seen: Array<[unknown, boolean]> = [];
  let done = (): void => undefined;
  const all = new Promise<void>((r) => (done = r));
  const p = pair((body, isRequest) => {
    seen.push([body, isRequest]);
    if (seen.length === 3) done();
  });
  t.teardown(p.close);
  for (const n of [1, 2, 3]) p.client.send({ n });
  await all;
  t.deepEqual(seen, [
    [{ n: 1 }, false],
    [{ n: 2 }, false],
    [{ n: 3 }, false],
  ]);
});

test("a request with no reply fails when its timeout passes on the clock", async (t) => {
  let received = (): void => undefined;
  const arrived = new Promise<void>((r) => (received = r));
  const p = pair(() => {
    received();
    return new Promise(() => undefined); // never answers
  });
  t.teardown(p.close);
  const pending = p.client.request({ type: "syncz" }, 5000);
  await arrived;
  p.clock.advance(4999);
  t.is(p.client.waiting, 1);
  p.clock.advance(1);
  await t.throwsAsync(pending, { instanceOf: RequestTimeoutError, message: /syncz.*5000 ms/ });
  t.is(p.client.waiting, 0);
});
