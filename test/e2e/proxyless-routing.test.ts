// End to end, proxyless gRPC routing: the real `meshpilot serve` on a copy of the grpc-echo
// fixture, real gRPC backends on the echo pods' loopback addresses, and the real
// @grpc/grpc-js-xds client dialing xds:///echo... with GENERATOR=grpc. Tests run one at a time
// (they share the backends' addresses).

import test from "ava";
import { eventually, startServe, type ServeProcess } from "../helpers/serve-process.js";
import { startEchoBackend, type EchoBackend } from "./helpers/echo-backend.js";
import { meshDir, type MeshDir } from "./helpers/mesh-dir.js";
import { XdsEchoClient } from "./helpers/xds-client.js";

interface Env {
  serve: ServeProcess;
  dir: MeshDir;
  backends: EchoBackend[];
}

async function setUp(t: { teardown(fn: () => unknown): void }, variant: string): Promise<Env> {
  const dir = await meshDir(variant);
  const backends = [
    await startEchoBackend("127.0.77.1:7070", "v1"),
    await startEchoBackend("127.0.77.2:7070", "v2"),
  ];
  const serve = await startServe(["--config-dir", dir.dir]);
  t.teardown(async () => {
    await serve.stop();
    for (const b of backends) b.close();
    await dir.remove();
  });
  return { serve, dir, backends };
}

function client(t: { teardown(fn: () => unknown): void }, env: Env, target: string) {
  const c = new XdsEchoClient(env.serve.xds, target);
  t.teardown(() => c.close());
  return c;
}

test.serial("a 90/10 VirtualService splits 2,000 gRPC calls within 3 %", async (t) => {
  const env = await setUp(t, "split-90-10");
  const c = client(t, env, "echo.default.svc.cluster.local:7070");
  await eventually(async () => ((await c.call()).ok ? true : undefined), "first call", 20_000);
  const counts = await c.tally(2000);
  t.is((counts.v1 ?? 0) + (counts.v2 ?? 0), 2000, JSON.stringify(counts));
  const v2Share = (counts.v2 ?? 0) / 2000;
  t.true(Math.abs(v2Share - 0.1) <= 0.03, `v2 share ${v2Share} (${JSON.stringify(counts)})`);
});

test.serial("end-user: jason goes to v2, everyone else to v1, dialed by short name", async (t) => {
  const env = await setUp(t, "jason-to-v2");
  const c = client(t, env, "echo:7070");
  await eventually(async () => ((await c.call()).ok ? true : undefined), "first call", 20_000);
  t.deepEqual(await c.tally(100, { "end-user": "jason" }), { v2: 100 });
  t.deepEqual(await c.tally(100, { "end-user": "mary" }), { v1: 100 });
  t.deepEqual(await c.tally(100), { v1: 100 });
  const status = await env.serve.getJson<Array<Record<string, string>>>("/debug/syncz");
  const row = status.find((r) => r.proxy === c.nodeId);
  t.is(row?.listener_status, "SYNCED");
  t.is(row?.route_status, "SYNCED");
});

test.serial(
  "editing the VirtualService file re-routes live traffic, nothing restarted",
  async (t) => {
    const env = await setUp(t, "all-v1");
    const c = client(t, env, "echo.default:7070");
    await eventually(async () => ((await c.call()).ok ? true : undefined), "first call", 20_000);
    t.deepEqual(await c.tally(50), { v1: 50 });
    const pid = env.serve.child.pid;
    await env.dir.setVirtualService("all-v1", (text) =>
      text.replace("{ host: echo, subset: v1 }", "{ host: echo, subset: v2 }"),
    );
    await eventually(
      async () => ((await c.call()).value === "v2" ? true : undefined),
      "calls to move to v2",
      20_000,
    );
    t.deepEqual(await c.tally(50), { v2: 50 });
    t.is(env.serve.child.pid, pid);
    t.is(env.serve.child.exitCode, null);
  },
);

test.serial(
  "a destination subset no rule defines fails its share, and the client keeps its config",
  async (t) => {
    const env = await setUp(t, "missing-subset");
    const c = client(t, env, "echo:7070");
    await eventually(async () => ((await c.call()).ok ? true : undefined), "first call", 20_000);
    const counts = await c.tally(200);
    t.deepEqual(Object.keys(counts).sort(), ["UNAVAILABLE", "v1"], JSON.stringify(counts));
    t.true((counts.v1 ?? 0) >= 60 && (counts.v1 ?? 0) <= 140, JSON.stringify(counts));
    const status = await env.serve.getJson<Array<Record<string, string>>>("/debug/syncz");
    const row = status.find((r) => r.proxy === c.nodeId);
    t.is(row?.cluster_status, "SYNCED");
    t.is(row?.route_status, "SYNCED");
  },
);
