// The push coordinator on real parts (see push-coordinator-setup.ts): who is pushed, with which
// types, after each kind of change; debounce; connect and disconnect; metrics; failed flushes.

import test from "ava";
import { TypeUrl } from "../../src/xds/type-urls.js";
import {
  ALL_TYPES,
  PROXIES,
  SLICE_TWO_ENDPOINTS,
  ratingsVs,
  reviewsPod,
  setup,
} from "./push-coordinator-setup.js";

test("a change outside a Sidecar's egress hosts pushes no proxy of that Sidecar's namespace", (t) => {
  const { apply, pushes } = setup();
  apply(ratingsVs("5s"));
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: ALL_TYPES }]);
});

test("editing the Sidecar pushes only the proxies of its namespace", (t) => {
  const { apply, pushes } = setup();
  apply(`
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: a}
spec: {egress: [{hosts: ["./*", "istio-system/*", "c/*"]}]}
`);
  t.deepEqual(pushes, [{ proxies: ["a1", "a2"], types: ALL_TYPES }]);
});

test("a scope's new dependencies are recorded: after the Sidecar imports c, a change in c reaches a", (t) => {
  const { apply, pushes, clock } = setup();
  apply(`
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: a}
spec: {egress: [{hosts: ["./*", "istio-system/*", "c/*"]}]}
`);
  clock.advance(1000);
  apply(ratingsVs("7s"));
  t.deepEqual(pushes[1]?.proxies, ["a1", "a2", "b1", "c1", "gw"]);
});

test("an endpoint-only change pushes EDS only, to the proxies that see the service, from the new model", (t) => {
  const { apply, pushes, pipeline, store } = setup();
  const cs = apply(SLICE_TWO_ENDPOINTS);
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: [TypeUrl.Endpoint] }]);
  t.is(pipeline.version, cs.version);
  t.is(store.version, cs.version);
  // What the pushed proxy is served now: the new endpoint, and clusters of the same model.
  const snapshot = pipeline.resolve(PROXIES.c1);
  const eds = [...(snapshot.get(TypeUrl.Endpoint)?.resources.values() ?? [])];
  const reviews = eds.find((r) => r.name.includes("reviews.b.svc.cluster.local"));
  t.truthy(reviews);
  t.true(reviews!.any.includes(Buffer.from("10.1.0.9")));
  t.truthy(
    snapshot.get(TypeUrl.Cluster)?.resources.has("outbound|9080||reviews.b.svc.cluster.local"),
  );
});

test("an endpoint change that changes a service's accounts (cluster SANs) is pushed in full", (t) => {
  const { apply, pushes, clock } = setup();
  apply(reviewsPod("v1")); // the endpoint at 10.1.0.1 gains the account `reviews`
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: ALL_TYPES }]);
  clock.advance(1000);
  apply(reviewsPod("v1", "reviews-2"));
  t.deepEqual(pushes[1], { proxies: ["b1", "c1", "gw"], types: ALL_TYPES });
});

test("a change to a proxy's own workload pushes that proxy in full, the others EDS only", (t) => {
  const { apply, pushes, summaries, clock } = setup();
  apply(reviewsPod("v1"));
  clock.advance(1000);
  apply(reviewsPod("v2")); // relabelled: same account, may serve other services now
  t.deepEqual(pushes.slice(1), [
    { proxies: ["b1"], types: ALL_TYPES },
    { proxies: ["c1", "gw"], types: [TypeUrl.Endpoint] },
  ]);
  t.deepEqual(summaries[1]?.ownWorkload, [PROXIES.b1.id]);
});

test("an annotation-only change pushes nothing", (t) => {
  const { apply, pushes, clock } = setup();
  const cs = apply(`
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: b, annotations: {note: "just a note"}}
spec: {clusterIP: 10.0.0.10, selector: {app: reviews}, ports: [{name: http, port: 9080}]}
`);
  t.deepEqual([cs.added, cs.updated, cs.deleted], [[], [], []]);
  clock.advance(60_000);
  t.deepEqual(pushes, []);
});

test("a burst of 10 changes gives each affected proxy one push", (t) => {
  const { apply, clock, perProxy, pushes, summaries } = setup();
  // A change goes out at once; the burst that follows it within the quiet period is merged.
  apply(ratingsVs("1s"));
  t.deepEqual(perProxy(), { b1: 1, c1: 1, gw: 1 });
  for (let i = 2; i <= 11; i++) {
    clock.advance(10);
    apply(ratingsVs(`${i}s`));
  }
  t.is(pushes.length, 1, "nothing pushed while the burst goes on");
  clock.advance(100);
  t.deepEqual(perProxy(), { b1: 2, c1: 2, gw: 2 });
  t.is(summaries[1]?.events, 10);
  t.is(summaries[1]?.cause, "quiet");
  clock.advance(60_000);
  t.is(pushes.length, 2);
});

test("an isolated burst: the first change at once, the other nine as one push", (t) => {
  const { apply, clock, perProxy } = setup();
  for (let i = 1; i <= 10; i++) {
    apply(ratingsVs(`${i}s`));
    clock.advance(5);
  }
  clock.advance(1000);
  t.deepEqual(perProxy(), { b1: 2, c1: 2, gw: 2 });
});

test("an EDS change and a config change in one burst merge into one full push", (t) => {
  const { apply, clock, pushes } = setup();
  apply(ratingsVs("1s"));
  clock.advance(10);
  apply(SLICE_TWO_ENDPOINTS);
  clock.advance(10);
  apply(ratingsVs("2s"));
  clock.advance(200);
  t.is(pushes.length, 2);
  t.deepEqual(pushes[1], { proxies: ["b1", "c1", "gw"], types: ALL_TYPES });
});

test("a disconnected proxy is not pushed; a newly connected one is indexed and pushed", (t) => {
  const { apply, clock, coordinator, pushes } = setup();
  coordinator.disconnected("c1");
  apply(ratingsVs("3s"));
  t.deepEqual(pushes[0]?.proxies, ["b1", "gw"]);
  coordinator.connected("c1", PROXIES.c1);
  clock.advance(1000);
  apply(ratingsVs("4s"));
  t.deepEqual(pushes[1]?.proxies, ["b1", "c1", "gw"]);
});

test("metrics: push triggers by reason, debounce, model update and convergence times, pushes by types", async (t) => {
  const { apply, clock, registry } = setup();
  apply(SLICE_TWO_ENDPOINTS, clock.now() - 40);
  const text = await registry.metrics();
  t.regex(text, /pilot_push_triggers\{type="endpoint"\} 1/);
  t.regex(text, /pilot_debounce_time_count 1/);
  t.regex(text, /pilot_proxy_convergence_time_count 3/);
  t.regex(text, /pilot_proxy_convergence_time_bucket\{le="0.01"\} 0/);
  t.regex(text, /pilot_proxy_convergence_time_bucket\{le="0.1"\} 3/);
  t.regex(text, /pilot_pushcontext_init_seconds_count 1/);
  t.regex(text, /meshpilot_proxy_pushes\{types="eds"\} 3/);
  t.notRegex(text, /proxy="/, "no series per proxy");
});

test("a flush that fails is pushed with the next one", (t) => {
  const { apply, clock, pushes, pipeline } = setup();
  const update = pipeline.update.bind(pipeline);
  let failNext = true;
  pipeline.update = (objects, version) => {
    if (failNext) {
      failNext = false;
      throw new Error("model build failed");
    }
    update(objects, version);
  };
  apply(ratingsVs("3s"));
  t.deepEqual(pushes, []);
  clock.advance(1000);
  apply(SLICE_TWO_ENDPOINTS);
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: ALL_TYPES }]);
});

test("no model version is built that is not pushed: one update per flush, pushed at its version", (t) => {
  const { apply, clock, pipeline, summaries } = setup();
  const built: number[] = [];
  const update = pipeline.update.bind(pipeline);
  pipeline.update = (objects, version) => {
    built.push(version);
    update(objects, version);
  };
  for (let i = 0; i < 30; i++) {
    apply(ratingsVs(`${i + 1}s`));
    clock.advance(30); // never quiet for 100 ms: merged up to the max delay
  }
  clock.advance(2000);
  t.true(built.length < 30, `${built.length} model versions for 30 changes`);
  t.deepEqual(
    summaries.map((s) => s.version),
    built,
  );
  t.is(built.at(-1), pipeline.version);
});
