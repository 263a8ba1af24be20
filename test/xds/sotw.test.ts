// Conformance: state-of-the-world ADS, against the rules of Envoy's "xDS REST and gRPC protocol".

import test from "ava";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, endpoints, apiListener, routeConfig, snapshot } from "./helpers/resources.js";

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.Endpoint;
const LDS = TypeUrl.Listener;
const RDS = TypeUrl.Route;

const base = () =>
  snapshot(
    cluster("a"),
    cluster("b"),
    endpoints("a", [["10.0.0.1", 80]]),
    endpoints("b", [["10.0.0.2", 80]]),
    apiListener("l1", "r1"),
    routeConfig("r1", "*", [{ weights: { a: 1 } }]),
  );

test("initial wildcard CDS gets every cluster with version_info, nonce and type_url; an ACK gets nothing", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(CDS);
  const r = await c.next(CDS);
  t.deepEqual(r.names(), ["a", "b"]);
  t.truthy(r.nonce);
  t.truthy(r.versionInfo);
  t.is(r.typeUrl, CDS);
  c.ack(r);
  t.deepEqual(await c.barrier(), []);
});

test("ADS multiplexes types on one stream, each response carries its own type", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(CDS);
  c.request(EDS, ["a"]);
  c.request(LDS);
  c.request(RDS, ["r1"]);
  const got = await Promise.all([c.next(CDS), c.next(EDS), c.next(LDS), c.next(RDS)]);
  t.deepEqual(
    got.map((r) => r.names()),
    [["a", "b"], ["a"], ["l1"], ["r1"]],
  );
  t.is(new Set(got.map((r) => r.nonce)).size, 4, "nonces are unique on a stream");
});

test("a request with a stale nonce is ignored; the same request with the latest nonce is answered", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(EDS, ["a"]);
  const r1 = await c.next(EDS);
  h.set(snapshot(endpoints("a", [["10.0.0.9", 80]]), endpoints("b", [["10.0.0.2", 80]])));
  const r2 = await c.next(EDS);
  t.not(r1.nonce, r2.nonce);
  const stale = h.serverSaw((e) => e.outcome === "stale");
  c.request(EDS, ["a", "b"], { versionInfo: r1.versionInfo, nonce: r1.nonce });
  await stale;
  t.deepEqual(await c.barrier(), [], "no response to a stale nonce");
  c.request(EDS, ["a", "b"], { versionInfo: r2.versionInfo, nonce: r2.nonce });
  t.deepEqual((await c.next(EDS)).names(), ["a", "b"]);
});

test("legacy wildcard: CDS and LDS with no names mean every resource; EDS with no names means none", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(CDS);
  c.request(LDS);
  c.request(EDS);
  t.deepEqual((await c.next(CDS)).names(), ["a", "b"]);
  t.deepEqual((await c.next(LDS)).names(), ["l1"]);
  t.deepEqual((await c.next(EDS)).names(), []);
});

test("explicit wildcard '*' gets every resource and later additions", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(CDS, ["*"]);
  const r = await c.next(CDS);
  t.deepEqual(r.names(), ["a", "b"]);
  c.ack(r, ["*"]);
  h.set(snapshot(cluster("a"), cluster("b"), cluster("c")));
  t.deepEqual((await c.next(CDS)).names(), ["a", "b", "c"], "complete set: all three");
});

test("once a name was requested, an empty list unsubscribes from everything (not legacy wildcard)", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(LDS, ["l1"]);
  const r = await c.next(LDS);
  c.request(LDS, [], { versionInfo: r.versionInfo, nonce: r.nonce });
  t.deepEqual(await c.barrier(), []);
  h.set(snapshot(apiListener("l1", "r2"), apiListener("l2", "r2")));
  t.deepEqual(await c.barrier(), [], "no pushes after unsubscribing");
});

test("unsubscribe: a removed name is no longer sent; changes to it push nothing", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(EDS, ["a", "b"]);
  const r = await c.next(EDS);
  c.request(EDS, ["a"], { versionInfo: r.versionInfo, nonce: r.nonce });
  t.deepEqual(await c.barrier(), [], "removing a name needs no response");
  h.set(snapshot(endpoints("a", [["10.0.0.1", 80]]), endpoints("b", [["10.9.9.9", 80]])));
  t.deepEqual(await c.barrier(), [], "b changed, but it is unsubscribed");
  h.set(snapshot(endpoints("a", [["10.7.7.7", 80]]), endpoints("b", [["10.9.9.9", 80]])));
  t.deepEqual((await c.next(EDS)).names(), ["a"]);
});

test("newly requested names are always answered, even when nothing changed", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(EDS, ["a"]);
  const r1 = await c.next(EDS);
  c.request(EDS, ["a", "b"], { versionInfo: r1.versionInfo, nonce: r1.nonce });
  const r2 = await c.next(EDS);
  t.deepEqual(r2.names(), ["a", "b"]);
  c.request(EDS, ["a"], { versionInfo: r2.versionInfo, nonce: r2.nonce });
  t.deepEqual(await c.barrier(), []);
  c.request(EDS, ["a", "b"], { versionInfo: r2.versionInfo, nonce: r2.nonce });
  const r3 = await c.next(EDS);
  t.deepEqual(r3.names(), ["a", "b"], "b re-requested: answered though unchanged");
  t.is(r3.versionInfo, r2.versionInfo, "same content, same version");
  t.not(r3.nonce, r2.nonce);
});

test("a requested name that does not exist yet is sent when it appears", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(RDS, ["r9"]);
  const r = await c.next(RDS);
  t.deepEqual(r.names(), []);
  c.ack(r, ["r9"]);
  h.set(snapshot(routeConfig("r9", "*", [{ weights: { a: 1 } }])));
  t.deepEqual((await c.next(RDS)).names(), ["r9"]);
});

test("LDS and CDS are complete sets: a deleted cluster is absent from the next response", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(CDS);
  c.ack(await c.next(CDS));
  h.set(snapshot(cluster("b")));
  t.deepEqual((await c.next(CDS)).names(), ["b"]);
  h.set(snapshot());
  t.deepEqual((await c.next(CDS)).names(), [], "an empty response deletes everything");
});

test("a push with unchanged content sends nothing", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(CDS);
  c.ack(await c.next(CDS));
  h.set(base());
  t.deepEqual(await c.barrier(), []);
});

test("NACK: the rejected version is never re-sent unchanged; fixed content is sent", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client();
  c.request(CDS);
  const good = await c.next(CDS);
  c.ack(good);
  h.set(snapshot(cluster("a", { lbPolicy: 5 /* MAGLEV */ }), cluster("b")));
  const bad = await c.next(CDS);
  const nack = h.serverSaw((e) => e.outcome === "nack");
  c.nack(bad, "unsupported lb_policy: MAGLEV", [], good.versionInfo);
  await nack;
  t.deepEqual(await c.barrier(), [], "no response to a NACK");
  h.set(snapshot(cluster("a", { lbPolicy: 5 }), cluster("b")));
  t.deepEqual(await c.barrier(), [], "the same rejected content is not pushed again");
  h.set(snapshot(cluster("a"), cluster("b"), cluster("c")));
  const fixed = await c.next(CDS);
  t.deepEqual(fixed.names(), ["a", "b", "c"]);
  t.not(fixed.versionInfo, bad.versionInfo);
});

test("a reconnecting wildcard client that already has the current version is not re-sent it", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c1 = h.client();
  c1.request(CDS);
  const r = await c1.next(CDS);
  c1.close();
  const c2 = h.client();
  c2.request(CDS, [], { versionInfo: r.versionInfo });
  t.deepEqual(await c2.barrier(), []);
  h.set(snapshot(cluster("a")));
  t.deepEqual((await c2.next(CDS)).names(), ["a"], "later changes still arrive");
});

test("per-type services: StreamClusters serves CDS, and other types are refused", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = base();
  const c = h.client({
    method: "/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters",
  });
  c.request(CDS);
  t.deepEqual((await c.next(CDS)).names(), ["a", "b"]);
  const e = h.client({
    method: "/envoy.service.endpoint.v3.EndpointDiscoveryService/StreamEndpoints",
  });
  e.request(CDS);
  const status = await e.status;
  t.is(status.code, 3);
  t.regex(status.details, /serves .*ClusterLoadAssignment/);
});
