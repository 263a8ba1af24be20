// Conformance: delta (incremental) ADS, against the rules of Envoy's "xDS REST and gRPC protocol".

import test from "ava";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, endpoints, snapshot } from "./helpers/resources.js";

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.Endpoint;
const delta = { variant: "delta" as const };

const base = () =>
  snapshot(
    cluster("a"),
    cluster("b"),
    endpoints("a", [["10.0.0.1", 80]]),
    endpoints("b", [["10.0.0.2", 80]]),
  );

test("legacy wildcard: an empty first subscribe gets every resource, each with its version", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(CDS);
  const r = await c.next(CDS);
  t.deepEqual(r.names(), ["a", "b"]);
  t.truthy(r.nonce);
  t.true(r.resources.every((x) => x.version.length > 0));
  t.deepEqual(r.removed, []);
  c.ack(r);
  t.deepEqual(await c.barrier(), []);
});

test("only changed resources are sent; deleted ones arrive in removed_resources", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(CDS, { subscribe: ["*"] });
  c.ack(await c.next(CDS));
  h.set(snapshot(cluster("a", { connectTimeout: { seconds: 5 } }), cluster("c")));
  const r = await c.next(CDS);
  t.deepEqual(r.names(), ["a", "c"]);
  t.deepEqual(r.removed, ["b"]);
});

test("removed_resources names a subscribed resource that does not exist", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(EDS, { subscribe: ["a", "nope"] });
  const r = await c.next(EDS);
  t.deepEqual(r.names(), ["a"]);
  t.deepEqual(r.removed, ["nope"]);
  c.ack(r);
  c.deltaRequest(EDS, { subscribe: ["ghost"] });
  const r2 = await c.next(EDS);
  t.deepEqual(r2.names(), []);
  t.deepEqual(r2.removed, ["ghost"]);
  c.ack(r2);
  h.set(snapshot(endpoints("a", [["10.0.0.1", 80]]), endpoints("ghost", [["10.0.0.3", 80]])));
  t.deepEqual((await c.next(EDS)).names(), ["ghost"], "sent once it appears");
});

test("initial_resource_versions: a reconnecting client is sent only what it lacks", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c1 = h.client(delta);
  c1.deltaRequest(CDS);
  const r1 = await c1.next(CDS);
  c1.close();
  const versions = Object.fromEntries(r1.resources.map((x) => [x.name, x.version]));
  h.current = snapshot(cluster("a"), cluster("c"), endpoints("a", [["10.0.0.1", 80]]));
  const c2 = h.client(delta);
  c2.deltaRequest(CDS, { initialVersions: versions });
  const r2 = await c2.next(CDS);
  t.deepEqual(r2.names(), ["c"], "a is unchanged and not re-sent");
  t.deepEqual(r2.removed, ["b"]);
});

test("initial_resource_versions with nothing changed gets an empty answer, then nothing", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c1 = h.client(delta);
  c1.deltaRequest(CDS);
  const r1 = await c1.next(CDS);
  c1.close();
  const c2 = h.client(delta);
  c2.deltaRequest(CDS, {
    initialVersions: Object.fromEntries(r1.resources.map((x) => [x.name, x.version])),
  });
  const r2 = await c2.next(CDS);
  t.deepEqual([r2.names(), r2.removed], [[], []]);
  c2.ack(r2);
  t.deepEqual(await c2.barrier(), []);
});

test("subscription changes are honoured even with a stale nonce", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(EDS, { subscribe: ["a"] });
  const r1 = await c.next(EDS);
  h.set(snapshot(endpoints("a", [["10.0.0.9", 80]]), endpoints("b", [["10.0.0.2", 80]])));
  const r2 = await c.next(EDS);
  t.not(r1.nonce, r2.nonce);
  c.deltaRequest(EDS, { nonce: r1.nonce, subscribe: ["b"] });
  const r3 = await c.next(EDS);
  t.deepEqual(r3.names(), ["b"]);
});

test("a newly subscribed name the client seems to have is still sent", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(EDS, { subscribe: ["a"] });
  c.ack(await c.next(EDS));
  c.deltaRequest(EDS, { subscribe: ["a"] });
  t.deepEqual((await c.next(EDS)).names(), ["a"]);
});

test("unsubscribe: no answer needed, and changes to the name are no longer sent", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(EDS, { subscribe: ["a", "b"] });
  c.ack(await c.next(EDS));
  c.deltaRequest(EDS, { unsubscribe: ["b"] });
  t.deepEqual(await c.barrier(), []);
  h.set(snapshot(endpoints("a", [["10.0.0.1", 80]]), endpoints("b", [["10.9.9.9", 80]])));
  t.deepEqual(await c.barrier(), []);
  h.set(snapshot(endpoints("a", [["10.8.8.8", 80]])));
  const r = await c.next(EDS);
  t.deepEqual([r.names(), r.removed], [["a"], []], "b is gone but no longer subscribed");
});

test("wildcard plus a specific name: unsubscribing the name is answered with the resource or its removal", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(CDS, { subscribe: ["*", "a", "zz"] });
  const r = await c.next(CDS);
  t.deepEqual(r.names(), ["a", "b"]);
  t.deepEqual(r.removed, ["zz"]);
  c.ack(r);
  c.deltaRequest(CDS, { unsubscribe: ["a", "zz"] });
  const r2 = await c.next(CDS);
  t.deepEqual(r2.names(), ["a"], "a still exists and wildcard still covers it");
  t.deepEqual(r2.removed, ["zz"]);
});

test("unsubscribing '*' keeps explicitly subscribed names only", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(CDS, { subscribe: ["*", "a"] });
  c.ack(await c.next(CDS));
  c.deltaRequest(CDS, { unsubscribe: ["*"] });
  t.deepEqual(await c.barrier(), []);
  h.set(
    snapshot(
      cluster("a", { connectTimeout: { seconds: 3 } }),
      cluster("b", { connectTimeout: { seconds: 3 } }),
    ),
  );
  t.deepEqual((await c.next(CDS)).names(), ["a"]);
});

test("NACK: the rejected resource version is not re-sent; a fixed version is", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(CDS);
  c.ack(await c.next(CDS));
  const bad = snapshot(cluster("a", { lbPolicy: 5 }), cluster("b"));
  h.set(bad);
  const r = await c.next(CDS);
  t.deepEqual(r.names(), ["a"]);
  const nack = h.serverSaw((e) => e.outcome === "nack");
  c.nack(r, "unsupported lb_policy");
  await nack;
  t.deepEqual(await c.barrier(), []);
  h.set(snapshot(cluster("a", { lbPolicy: 5 }), cluster("b")));
  t.deepEqual(await c.barrier(), [], "same rejected content: nothing");
  h.set(snapshot(cluster("a", { lbPolicy: 1 }), cluster("b")));
  t.deepEqual((await c.next(CDS)).names(), ["a"]);
});

test("per-type delta service: DeltaClusters", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client({
    variant: "delta",
    method: "/envoy.service.cluster.v3.ClusterDiscoveryService/DeltaClusters",
  });
  c.deltaRequest(CDS);
  t.deepEqual((await c.next(CDS)).names(), ["a", "b"]);
});

test("streams in step share one encoded diff; a stream that NACKed falls out of step and still converges", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const a = h.client(delta);
  const b = h.client({
    ...delta,
    node: { id: "sidecar~10.0.0.2~app-2.default~default.svc.cluster.local" },
  });
  for (const c of [a, b]) {
    c.deltaRequest(CDS);
    c.ack(await c.next(CDS));
  }
  h.set(snapshot(cluster("a", { lbPolicy: 5 }), cluster("b")));
  const [ra, rb] = [await a.next(CDS), await b.next(CDS)];
  t.is(ra.nonce, rb.nonce, "one diff, one nonce, for both streams");
  t.deepEqual(ra.names(), ["a"]);
  const nack = h.serverSaw((e) => e.outcome === "nack");
  a.nack(ra, "MAGLEV");
  b.ack(rb);
  await nack;
  h.set(snapshot(cluster("a", { lbPolicy: 5 }), cluster("b", { connectTimeout: { seconds: 7 } })));
  const [ra2, rb2] = [await a.next(CDS), await b.next(CDS)];
  t.deepEqual(ra2.names(), ["b"], "the rejected a is not re-sent");
  t.deepEqual(rb2.names(), ["b"]);
  a.ack(ra2);
  b.ack(rb2);
  h.set(snapshot(cluster("a"), cluster("b", { connectTimeout: { seconds: 7 } })));
  t.deepEqual((await a.next(CDS)).names(), ["a"]);
  t.deepEqual((await b.next(CDS)).names(), ["a"]);
});

test("delta ADS multiplexes types on one stream with their own nonces", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client(delta);
  c.deltaRequest(CDS);
  c.deltaRequest(EDS, { subscribe: ["b"] });
  const [cds, eds] = [await c.next(CDS), await c.next(EDS)];
  t.deepEqual([cds.names(), eds.names()], [["a", "b"], ["b"]]);
  t.not(cds.nonce, eds.nonce);
  c.ack(cds);
  c.ack(eds);
  h.set(
    snapshot(
      cluster("a"),
      cluster("b"),
      endpoints("a", [["10.0.0.1", 80]]),
      endpoints("b", [["10.0.0.7", 80]]),
    ),
    [EDS],
  );
  const r = await c.next();
  t.is(r.typeUrl, EDS, "an endpoint-only push sends EDS only");
  t.deepEqual(r.names(), ["b"]);
  t.deepEqual(await c.barrier(), []);
});
