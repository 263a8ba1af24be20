// Sync status per proxy and type (NOT SENT, STALE, SYNCED, ERROR), over HTTP (/debug/syncz,
// /debug/config_dump) and over xDS (istio.io/debug/syncz, istio.io/debug/config_dump).

import test from "ava";
import { MonitoringServer } from "../../src/monitoring/http-server.js";
import { registerXdsDebugRoutes } from "../../src/xds/debug-routes.js";
import { messageType } from "../../src/xds/protos.js";
import { syncz } from "../../src/xds/sync-status.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { DEFAULT_NODE_ID } from "./helpers/ads-client.js";
import { Harness } from "./helpers/harness.js";
import { cluster, endpoints, secret, snapshot } from "./helpers/resources.js";

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.Endpoint;

test("status moves NOT SENT → STALE → SYNCED → ERROR → SYNCED", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const c = h.client();
  const row = () => syncz(h.server).find((r) => r.proxy === DEFAULT_NODE_ID) ?? {};

  c.request(EDS, ["missing"]);
  c.request(CDS);
  const r1 = await c.next(CDS);
  const e1 = await c.next(EDS);
  t.is(row().cluster_status, "STALE");
  t.is(row().cluster_sent, r1.nonce);
  const acked = h.serverSaw((e) => e.outcome === "ack" && e.typeUrl === CDS);
  c.ack(r1);
  await acked;
  t.like(row(), { cluster_status: "SYNCED", cluster_acked: r1.nonce, endpoint_status: "STALE" });
  c.ack(e1, ["missing"]);

  h.set(snapshot(cluster("a", { lbPolicy: 5 })));
  const r2 = await c.next(CDS);
  const nacked = h.serverSaw((e) => e.outcome === "nack");
  c.nack(r2, "bad cluster a: MAGLEV", [], r1.versionInfo);
  await nacked;
  t.like(row(), { cluster_status: "ERROR", cluster_error: "bad cluster a: MAGLEV" });

  h.set(snapshot(cluster("a", { lbPolicy: 1 })));
  const r3 = await c.next(CDS);
  const fixed = h.serverSaw((e) => e.outcome === "ack" && e.typeUrl === CDS);
  c.ack(r3);
  await fixed;
  t.is(row().cluster_status, "SYNCED");
  t.is(row().cluster_error, undefined);
  t.like(row(), { proxy_type: "sidecar", proxy_version: "1.30.0" });
});

test("a type subscribed but never answered is NOT SENT", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const c1 = h.client();
  c1.request(CDS);
  const r = await c1.next(CDS);
  c1.close();
  const c2 = h.client();
  c2.request(CDS, [], { versionInfo: r.versionInfo });
  await c2.barrier();
  t.is(syncz(h.server)[0]?.cluster_status, "SYNCED", "reconnected with the current version");
  const c3 = h.client({ node: { id: "sidecar~10.0.0.3~x-1.default~default.svc.cluster.local" } });
  c3.request(CDS, ["a"], { nonce: "never-sent" });
  await c3.barrier();
  t.is(syncz(h.server).find((x) => x.proxy?.includes("x-1"))?.cluster_status, "NOT SENT");
});

test("istio.io/debug/syncz over xDS returns a CSDS ClientConfig per visible proxy", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const app = h.client();
  app.request(CDS);
  app.ack(await app.next(CDS));
  const other = h.client({
    node: {
      id: "sidecar~10.0.0.7~b-1.other~other.svc.cluster.local",
      metadata: { NAMESPACE: "other" },
    },
  });
  other.request(CDS);
  await other.next(CDS);

  const admin = h.client({
    node: {
      id: "sidecar~10.0.0.9~istioctl-1.istio-system~istio-system.svc.cluster.local",
      metadata: { NAMESPACE: "istio-system" },
    },
  });
  admin.request(TypeUrl.DebugSyncz);
  const r = await admin.next(TypeUrl.DebugSyncz);
  const ClientConfig = messageType("envoy.service.status.v3.ClientConfig");
  const configs = r.resources.map(
    (x) =>
      ClientConfig.decode(x.value) as unknown as {
        node: { id: string };
        genericXdsConfigs: Array<{ typeUrl: string; configStatus: number }>;
      },
  );
  const mine = configs.find((x) => x.node.id === DEFAULT_NODE_ID);
  t.deepEqual(
    mine?.genericXdsConfigs.map((g) => [g.typeUrl, g.configStatus]),
    [[CDS, 1 /* SYNCED */]],
  );
  t.is(r.resources[0]?.typeUrl, "type.googleapis.com/envoy.service.status.v3.ClientConfig");
  t.true(
    configs.some((x) => x.node.id.includes("b-1.other")),
    "system namespace sees all",
  );

  const peek = h.client({
    node: {
      id: "sidecar~10.0.0.8~c-1.other~other.svc.cluster.local",
      metadata: { NAMESPACE: "other" },
    },
  });
  peek.request(TypeUrl.DebugSyncz);
  const own = await peek.next(TypeUrl.DebugSyncz);
  t.false(own.names().includes(DEFAULT_NODE_ID), "other namespaces see only their own proxies");
});

test("config_dump over xDS and HTTP: the proxy's resources, never secret contents", async (t) => {
  const h = await Harness.start();
  const monitoring = new MonitoringServer();
  registerXdsDebugRoutes(monitoring, h.server);
  const addr = await monitoring.listen("127.0.0.1:0");
  t.teardown(async () => {
    await h.close();
    await monitoring.close();
  });
  h.current = snapshot(
    cluster("a"),
    cluster("b"),
    endpoints("a", [["10.0.0.1", 80]]),
    secret("s1"),
  );
  const c = h.client();
  c.request(CDS);
  c.request(EDS, ["a"]);
  c.request(TypeUrl.Secret, ["s1"]);
  await c.next(CDS);
  await c.next(EDS);
  await c.next(TypeUrl.Secret);

  c.request(TypeUrl.DebugConfigDump, [DEFAULT_NODE_ID]);
  const r = await c.next(TypeUrl.DebugConfigDump);
  t.is(r.resources.length, 1);
  const dump = messageType("envoy.admin.v3.ConfigDump").decode(
    r.resources[0]!.value,
  ) as unknown as {
    configs: Array<{ type_url: string }>;
  };
  t.deepEqual(
    dump.configs.map((x) => x.type_url.split(".").pop()),
    ["ClustersConfigDump", "EndpointsConfigDump", "ListenersConfigDump", "RoutesConfigDump"],
  );

  const res = await fetch(
    `http://${addr}/debug/config_dump?proxyID=${encodeURIComponent(DEFAULT_NODE_ID)}`,
  );
  const body = (await res.json()) as {
    types: Record<
      string,
      { resources: Array<{ name: string; version: string; resource?: { name?: string } }> }
    >;
  };
  t.deepEqual(
    body.types.cds?.resources.map((x) => x.resource?.name),
    ["a", "b"],
  );
  t.deepEqual(
    body.types.eds?.resources.map((x) => x.name),
    ["a"],
  );
  const sds = body.types.sds?.resources ?? [];
  t.deepEqual(
    sds,
    [{ name: "s1", version: sds[0]?.version ?? "" }],
    "secrets by name and version only",
  );
  t.is((await fetch(`http://${addr}/debug/config_dump?proxyID=nobody`)).status, 404);
  t.is((await fetch(`http://${addr}/debug/config_dump`)).status, 400);
});

test("a cancelled stream is forgotten: gone from syncz and from pushes", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const c = h.client();
  c.request(CDS);
  await c.next(CDS);
  t.is(syncz(h.server).length, 1);
  const gone = new Promise((resolve) => h.server.once("disconnect", resolve));
  c.close();
  await gone;
  t.deepEqual(syncz(h.server), []);
  t.is(h.server.push("all"), 0);
});
