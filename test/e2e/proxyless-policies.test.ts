// End to end, proxyless gRPC route policies: fault injection, retries and route timeouts from a
// VirtualService, applied by the real @grpc/grpc-js-xds client that the real `meshpilot serve`
// configures; the backends are real gRPC servers on the flaky pods' loopback addresses. Tests run
// one at a time (they share the backends' addresses).

import test from "ava";
import { randomUUID } from "node:crypto";
import { eventually, startServe, type ServeProcess } from "../helpers/serve-process.js";
import { startEchoBackend, type EchoBackend } from "./helpers/echo-backend.js";
import { meshDir } from "./helpers/mesh-dir.js";
import { XdsEchoClient } from "./helpers/xds-client.js";

interface Env {
  serve: ServeProcess;
  backends: EchoBackend[];
  client: XdsEchoClient;
}

async function setUp(t: { teardown(fn: () => unknown): void }, variant: string): Promise<Env> {
  const dir = await meshDir(variant);
  const backends = [
    await startEchoBackend("127.0.78.1:7071", "v1"),
    await startEchoBackend("127.0.78.2:7071", "v2"),
  ];
  // These tests run serve on the http2 transport (routing tests use the grpc-js default), so the
  // real client is proven against both.
  const serve = await startServe(["--config-dir", dir.dir, "--xds-transport", "http2"]);
  const client = new XdsEchoClient(serve.xds, "flaky:7071");
  t.teardown(async () => {
    client.close();
    await serve.stop();
    for (const b of backends) b.close();
    await dir.remove();
  });
  return { serve, backends, client };
}

/** Waits until the client has its config: a call reaches a backend (retrying on aborts). */
async function configured(env: Env): Promise<void> {
  await eventually(
    async () => {
      const r = await env.client.call();
      return r.ok ? true : undefined;
    },
    "the client to be configured",
    20_000,
  );
}

test.serial(
  "a 50 % abort fault fails about half of the calls with the injected status",
  async (t) => {
    const env = await setUp(t, "fault-abort-50");
    await configured(env);
    const reached = () => [...env.backends[0]!.calls.values()].reduce((x, y) => x + y, 0);
    const before = reached();
    const n = 400;
    const counts = await env.client.tally(n);
    const aborted = counts.UNKNOWN ?? 0;
    t.is(aborted + (counts.v1 ?? 0), n, JSON.stringify(counts));
    // Binomial(400, 0.5): sd 10; ±50 is five standard deviations.
    t.true(aborted >= 150 && aborted <= 250, `aborted ${aborted} of ${n}`);
    t.is(reached() - before, counts.v1 ?? 0, "aborted calls never reach the backend");
  },
);

test.serial("retries recover a call whose backend fails twice", async (t) => {
  const env = await setUp(t, "retries");
  await configured(env);
  for (let i = 0; i < 5; i++) {
    const key = randomUUID();
    const r = await env.client.call({ "x-call-key": key, "x-fail-first": "2" });
    t.true(r.ok, `${r.value}: ${r.details}`);
    t.is(r.value, "v1");
    t.is(env.backends[0]!.calls.get(key), 3, "two failures, then the answer");
  }
  // attempts: 3 means at most 4 tries in all: a backend failing 5 times wins.
  const key = randomUUID();
  const r = await env.client.call({ "x-call-key": key, "x-fail-first": "5" });
  t.is(r.value, "UNAVAILABLE");
  t.is(env.backends[0]!.calls.get(key), 4);
});

test.serial(
  "a route timeout ends a slow call with DEADLINE_EXCEEDED before the client's deadline",
  async (t) => {
    const env = await setUp(t, "timeout");
    await configured(env);
    const slow = await env.client.call({ "x-delay-ms": "3000" }, 20_000);
    t.is(slow.value, "DEADLINE_EXCEEDED", slow.details);
    t.true(
      slow.ms >= 250 && slow.ms < 2500,
      `failed after ${Math.round(slow.ms)} ms; the route allows 300 ms`,
    );
    const fast = await env.client.call({ "x-delay-ms": "10" }, 20_000);
    t.is(fast.value, "v1");
  },
);
