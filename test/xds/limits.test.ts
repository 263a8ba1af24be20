// Limits and bad input: each with a defined outcome.
//   oversized request            → RESOURCE_EXHAUSTED, other streams unaffected
//   undecodable request          → INVALID_ARGUMENT
//   ADS request without type_url → INVALID_ARGUMENT
//   unknown type URL             → ignored (no response), the stream keeps working
//   type the proxy kind may not use (SDS for proxyless gRPC) → answered as "no resources"
//   a client that stops reading  → at most maxWritesInFlight messages buffered; pushes only
//                                  mark types dirty; on resume it gets the latest version

import test from "ava";
import { ResourceSet, MapSnapshot } from "../../src/xds/encoded-resource.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, secret, snapshot } from "./helpers/resources.js";

const CDS = TypeUrl.Cluster;
const PROXYLESS = { metadata: { GENERATOR: "grpc", NAMESPACE: "default" } };

test("a request larger than the receive limit ends that stream with RESOURCE_EXHAUSTED", async (t) => {
  const h = await Harness.start({ maxReceiveMessageBytes: 1024 });
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const big = h.client();
  big.request(
    TypeUrl.Endpoint,
    Array.from({ length: 200 }, (_, i) => `cluster-${i}`),
  );
  t.is((await big.status).code, 8);
  const ok = h.client();
  ok.request(CDS);
  t.deepEqual((await ok.next(CDS)).names(), ["a"]);
});

test("undecodable bytes end the stream with INVALID_ARGUMENT", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  const c = h.client();
  c.sendRaw(Buffer.from([0x0f, 0x00, 0x01]));
  const s = await c.status;
  t.is(s.code, 3);
  t.regex(s.details, /cannot decode request/);
});

test("an ADS request without type_url ends the stream with INVALID_ARGUMENT", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  const c = h.client();
  c.request("");
  const s = await c.status;
  t.is(s.code, 3);
  t.regex(s.details, /type_url is required/);
});

test("an unknown type URL is ignored and the stream keeps working", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const c = h.client();
  const seen = h.serverSaw((e) => e.outcome === "unknown-type");
  c.request("type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig", ["x"]);
  t.is((await seen).typeUrl, "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig");
  t.deepEqual(await c.barrier(), []);
  c.request(CDS);
  t.deepEqual((await c.next(CDS)).names(), ["a"]);
});

test("a type the proxy kind may not use is answered as empty (SotW) or removed (delta)", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"), secret("s1"));
  const sotw = h.client({ node: PROXYLESS });
  sotw.request(TypeUrl.Secret, ["s1"]);
  t.deepEqual((await sotw.next(TypeUrl.Secret)).names(), []);
  const delta = h.client({ node: PROXYLESS, variant: "delta" });
  delta.deltaRequest(TypeUrl.Secret, { subscribe: ["s1"] });
  const r = await delta.next(TypeUrl.Secret);
  t.deepEqual([r.names(), r.removed], [[], ["s1"]]);
  const sidecar = h.client();
  sidecar.request(TypeUrl.Secret, ["s1"]);
  t.deepEqual((await sidecar.next(TypeUrl.Secret)).names(), ["s1"]);
});

function bigClusters(version: number): MapSnapshot {
  const rs = Array.from({ length: 1000 }, (_, i) =>
    cluster(`outbound|80||svc-${i}.ns.svc.cluster.local`, { connectTimeout: { seconds: version } }),
  );
  return new MapSnapshot([new ResourceSet(CDS, rs)]);
}

test("a client that stops reading holds a bounded number of messages and then gets the latest", async (t) => {
  const h = await Harness.start({ maxWritesInFlight: 2 });
  t.teardown(() => h.close());
  h.current = bigClusters(1);
  const c = h.client({ paused: true });
  const initial = h.serverSaw((e) => e.outcome === "initial");
  c.request(CDS);
  const conn = (await initial).connection;
  let maxPending = 0;
  for (let v = 2; v <= 40; v++) {
    h.set(bigClusters(v));
    maxPending = Math.max(maxPending, conn.pendingWrites);
  }
  t.true(maxPending <= 2, `pending writes ${maxPending}`);
  c.resume();
  const latest = bigClusters(40).get(CDS)?.sotwBody().versionInfo;
  for (;;) {
    const r = await c.next(CDS, 20_000);
    if (r.versionInfo === latest) break;
  }
  t.true(c.history.length < 10, `received ${c.history.length} CDS responses for 39 pushes`);
});

test("a resolver that throws ends that proxy's stream with INTERNAL; others keep being served", async (t) => {
  const h = await Harness.start({
    resolver: (proxy) => {
      if (proxy.podName === "broken-1") throw new Error("no scope for broken-1");
      return snapshot(cluster("a"));
    },
  });
  t.teardown(() => h.close());
  const bad = h.client({
    node: { id: "sidecar~10.0.0.5~broken-1.default~default.svc.cluster.local" },
  });
  bad.request(CDS);
  const s = await bad.status;
  t.is(s.code, 13);
  t.regex(s.details, /no scope for broken-1/);
  const ok = h.client();
  ok.request(CDS);
  t.deepEqual((await ok.next(CDS)).names(), ["a"]);
});

test("clients that stop reading cannot hold up other streams through the server-wide write budget", async (t) => {
  let clock = 1_000_000;
  const h = await Harness.start({
    now: () => clock,
    maxBytesInFlight: 50_000,
    maxWritesInFlight: 1,
    stuckAfterMs: 5000,
  });
  t.teardown(() => h.close());
  h.current = bigClusters(1);
  const stuck = h.client({
    paused: true,
    node: { id: "sidecar~10.0.0.9~stuck-1.default~default.svc.cluster.local" },
  });
  const sent = h.serverSaw((e) => e.outcome === "initial");
  stuck.request(CDS);
  const conn = (await sent).connection;
  // Push new versions until the socket buffers are full and its writes stop completing.
  const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  const isStuck = () => conn.pendingWrites > 0 && h.server.pendingBytes >= 50_000;
  for (let v = 2, calm = 0; calm < 20; v++) {
    h.set(bigClusters(v));
    for (calm = 0; calm < 20 && isStuck(); calm++) await yieldTurn();
  }
  t.true(isStuck(), "the stuck stream's unflushed response fills the budget");

  const other = h.client();
  const waiting = h.serverSaw(
    (e) => e.outcome === "initial" && e.connection.proxy?.podName === "app-1",
  );
  other.request(CDS);
  await waiting;
  t.is(h.server.waitingStreams, 1, "the healthy stream waits for budget");

  clock += 5000;
  t.is(h.server.releaseStuckStreams(), 1);
  t.is((await other.next(CDS)).names().length, 1000, "served once the stuck stream is set aside");
  t.is(conn.pendingWrites, 1, "the stuck stream itself stays bounded");
});
