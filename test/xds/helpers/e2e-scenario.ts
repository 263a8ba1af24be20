// The end-to-end scenario with the real xDS client @grpc/grpc-js-xds: a channel to xds:///echo.test:9000 is
// configured by this server (API listener, route config, clusters, endpoints for two real gRPC
// backends on loopback), routes by weight and by header, and survives a NACKed update on its
// previous config while /debug/syncz shows ERROR with the client's message.

import type { ExecutionContext } from "ava";
import * as grpc from "@grpc/grpc-js";
import * as grpcXds from "@grpc/grpc-js-xds";
import { MonitoringServer } from "../../../src/monitoring/http-server.js";
import { registerXdsDebugRoutes } from "../../../src/xds/debug-routes.js";
import { TypeUrl } from "../../../src/xds/type-urls.js";
import { Harness } from "./harness.js";
import { apiListener, cluster, endpoints, routeConfig, snapshot } from "./resources.js";

const TARGET = "echo.test:9000";

async function startBackend(name: string): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService(
    {
      Call: {
        path: "/echo.Echo/Call",
        requestStream: false,
        responseStream: false,
        requestSerialize: (b: Buffer) => b,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    {
      Call: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) =>
        cb(null, Buffer.from(name)),
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { port, server };
}

function call(client: grpc.Client, md: Record<string, string> = {}): Promise<string> {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(md)) metadata.set(k, v);
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      "/echo.Echo/Call",
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from("hi"),
      metadata,
      { deadline: Date.now() + 10_000 },
      (err, res) => (err ? reject(err) : resolve(String(res))),
    ),
  );
}

async function tally(client: grpc.Client, n: number, md: Record<string, string> = {}) {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const who = await call(client, md);
    counts[who] = (counts[who] ?? 0) + 1;
  }
  return counts;
}

/** The whole scenario; each transport runs it in its own test file (process). */
export async function e2eScenario(
  t: ExecutionContext,
  transport: "grpc-js" | "http2",
): Promise<void> {
  const h = await Harness.start({ transport });
  const monitoring = new MonitoringServer();
  registerXdsDebugRoutes(monitoring, h.server);
  const monitoringAddress = await monitoring.listen("127.0.0.1:0");
  const v1 = await startBackend("v1");
  const v2 = await startBackend("v2");
  t.teardown(async () => {
    await h.close();
    await monitoring.close();
    v1.server.forceShutdown();
    v2.server.forceShutdown();
  });

  const resources = (v2Cluster = cluster("v2")) =>
    snapshot(
      apiListener(TARGET, "echo-route"),
      routeConfig("echo-route", TARGET, [
        { header: ["end-user", "jason"], weights: { v2: 1 } },
        { weights: { v1: 3, v2: 1 } },
      ]),
      cluster("v1"),
      v2Cluster,
      endpoints("v1", [["127.0.0.1", v1.port]]),
      endpoints("v2", [["127.0.0.1", v2.port]]),
    );
  h.current = resources();

  const nodeId = "sidecar~127.0.0.1~echo-client-1.default~default.svc.cluster.local";
  process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
    xds_servers: [
      { server_uri: h.address, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] },
    ],
    node: {
      id: nodeId,
      locality: {},
      metadata: {
        GENERATOR: "grpc",
        NAMESPACE: "default",
        ISTIO_VERSION: "1.30.0",
        CLUSTER_ID: "c1",
      },
    },
  });
  grpcXds.register();
  const client = new grpc.Client(`xds:///${TARGET}`, grpc.credentials.createInsecure());
  t.teardown(() => client.close());

  const byWeight = await tally(client, 200);
  t.true(
    (byWeight.v1 ?? 0) >= 120 && (byWeight.v1 ?? 0) <= 180,
    `3:1 split, got ${JSON.stringify(byWeight)}`,
  );
  t.true((byWeight.v2 ?? 0) > 0);
  t.deepEqual(await tally(client, 30, { "end-user": "jason" }), { v2: 30 });

  const proxy = h.server.connectionsOf(nodeId)[0]?.proxy;
  t.is(proxy?.kind, "proxyless");
  t.is(proxy?.clusterId, "c1");

  // A change the client rejects: it NACKs and keeps the previous config.
  const nack = h.serverSaw((e) => e.outcome === "nack" && e.typeUrl === TypeUrl.Cluster);
  h.set(resources(cluster("v2", { lbPolicy: 5 /* MAGLEV */ })));
  await nack;
  const rows = (await (await fetch(`http://${monitoringAddress}/debug/syncz`)).json()) as Array<
    Record<string, string>
  >;
  const row = rows.find((r) => r.proxy === nodeId);
  t.is(row?.cluster_status, "ERROR");
  t.regex(row?.cluster_error ?? "", /MAGLEV|lb_policy/i);
  t.is(row?.listener_status, "SYNCED");
  t.deepEqual(
    await tally(client, 20, { "end-user": "jason" }),
    { v2: 20 },
    "still served on the previous config",
  );

  // Fixed content is pushed, ACKed, and the status recovers.
  const ack = h.serverSaw((e) => e.outcome === "ack" && e.typeUrl === TypeUrl.Cluster);
  h.set(resources(cluster("v2", { connectTimeout: { seconds: 2 } })));
  await ack;
  const after = (await (await fetch(`http://${monitoringAddress}/debug/syncz`)).json()) as Array<
    Record<string, string>
  >;
  t.is(after.find((r) => r.proxy === nodeId)?.cluster_status, "SYNCED");
  const dump = (await (
    await fetch(
      `http://${monitoringAddress}/debug/config_dump?proxyID=${encodeURIComponent(nodeId)}`,
    )
  ).json()) as { types: Record<string, { resources: Array<{ name: string }> }> };
  t.deepEqual(
    dump.types.cds?.resources.map((r) => r.name),
    ["v1", "v2"],
  );
}
