// Traffic simulation on the golden scenarios, part two: per-caller routes (sourceLabels), route
// policies (timeouts, retries, faults, mirrors) and inbound mTLS modes (seed digest 9.5).

import test from "ava";
import { simulate, type SimRequest } from "../helpers/simulation/index.js";
import { obj } from "../helpers/simulation/plain.js";
import { scenarioProxy as proxy } from "../helpers/simulation/scenario-proxy.js";

const svc = (port: number, subset: string, host: string) =>
  `outbound|${port}|${subset}|${host}.default.svc.cluster.local`;

test("T2: bookinfo.com routes by URI; the sourceLabels rule applies only to callers labelled app=reviews", async (t) => {
  // bookinfo.com is no service: its virtual host is on the port-80 route configuration.
  const req = (path: string): SimRequest => ({
    protocol: "http",
    port: 80,
    host: "bookinfo.com",
    path,
  });
  const productpage = await proxy("t2-multi-service-vs", "productpage-sidecar");
  t.like(simulate(productpage, req("/reviews/1")), {
    routeConfig: "80",
    cluster: svc(9080, "", "reviews"),
  });
  t.like(simulate(productpage, req("/ratings/1")), { cluster: svc(9080, "", "ratings") });
  const reviews = await proxy("t2-multi-service-vs", "reviews-v1-sidecar");
  t.like(simulate(reviews, req("/ratings/1")), {
    route: "reviews-to-ratings-v2",
    cluster: svc(9080, "v2", "ratings"),
  });
  t.like(simulate(reviews, req("/reviews/1")), { cluster: svc(9080, "", "reviews") });
});

test("T7/T8/T10: route timeouts, retries and a fault delay reach the routes the calls take", async (t) => {
  const cfg = await proxy("t7-t8-timeouts-retries", "productpage-sidecar");
  const call = (host: string) => simulate(cfg, { protocol: "http", port: 9080, host });
  const action = (host: string) => obj(call(host).routeEntry?.["route"]) ?? {};
  t.is(call("reviews").cluster, svc(9080, "v2", "reviews"));
  t.deepEqual(action("reviews")["timeout"], { seconds: 0, nanos: 500_000_000 });
  t.deepEqual(action("details")["timeout"], { seconds: 10, nanos: 0 });
  const retry = obj(action("ratings")["retryPolicy"]) ?? {};
  t.deepEqual(retry["numRetries"], { value: 3 });
  t.deepEqual(retry["perTryTimeout"], { seconds: 2, nanos: 0 });
  const fault = obj(
    obj(call("ratings").routeEntry?.["typedPerFilterConfig"])?.["envoy.filters.http.fault"],
  );
  t.deepEqual(obj(fault?.["delay"])?.["fixedDelay"], { seconds: 2, nanos: 0 });
});

test("T17: httpbin goes to v1 and is mirrored to v2", async (t) => {
  const cfg = await proxy("t17-mirror", "sleep-sidecar");
  const r = simulate(cfg, { protocol: "http", port: 8000, host: "httpbin:8000", path: "/headers" });
  t.like(r, { cluster: svc(8000, "v1", "httpbin"), mirrors: [svc(8000, "v2", "httpbin")] });
});

test("T31: example-app port 80 takes plaintext (DISABLE); 9000 takes only mTLS (STRICT)", async (t) => {
  const cfg = await proxy("lds-peer-authentication", "example-app-sidecar");
  const inbound = (port: number, mtls: boolean): SimRequest => ({
    protocol: "tcp",
    direction: "inbound",
    destinationIp: "127.0.7.1",
    port,
    ...(mtls
      ? {
          sni: `outbound_.${port}_._.example-service.foo.svc.cluster.local`,
          alpn: ["istio-peer-exchange", "istio"],
        }
      : {}),
  });
  t.like(
    simulate(cfg, { ...inbound(80, false), protocol: "http", host: "example-service.foo:8000" }),
    { cluster: "inbound|80||", failure: undefined },
  );
  t.like(simulate(cfg, { ...inbound(9000, true), protocol: "tls" }), {
    cluster: "inbound|9000||",
    failure: undefined,
  });
  t.like(simulate(cfg, inbound(9000, false)), {
    failure: "no matching filter chain in listener virtualInbound",
  });
});

test("proxyless gRPC: xds:///echo:7070 takes the API listener of that name; jason reaches v2", async (t) => {
  const call = (host: string, headers: Record<string, string> = {}): SimRequest => ({
    protocol: "grpc",
    port: 7070,
    host,
    path: "/echo.Echo/Call",
    headers,
  });
  const local = await proxy("proxyless-grpc-echo", "client-default");
  t.like(simulate(local, call("echo:7070", { "end-user": "jason" })), {
    listener: "echo:7070",
    route: "jason",
    cluster: svc(7070, "v2", "echo"),
  });
  t.like(simulate(local, call("echo:7070")), { cluster: svc(7070, "v1", "echo") });
  // Another namespace gets the FQDN listeners only.
  const other = await proxy("proxyless-grpc-echo", "client-other");
  t.like(simulate(other, call("echo:7070")), {
    failure: "no listener named echo:7070 (xds:///echo:7070)",
  });
  t.like(simulate(other, call("echo.default.svc.cluster.local:7070")), {
    cluster: svc(7070, "v1", "echo"),
  });
});

test("T6: Sidecar scopes decide which services a proxy's listeners carry", async (t) => {
  const http = (host: string, port: number): SimRequest => ({
    protocol: "http",
    port,
    host,
    destinationIp: "10.96.8.20",
  });
  const otherSvc = "outbound|8080||other-svc.other.svc.cluster.local";
  // bookinfo's default Sidecar (./*, istio-system/*): namespace other is out of scope.
  const reviews = await proxy("lds-sidecar-scope", "reviews-v1-sidecar");
  t.like(simulate(reviews, http("other-svc.other.svc.cluster.local:8080", 8080)), {
    listener: "virtualOutbound",
    cluster: "PassthroughCluster",
  });
  t.like(simulate(reviews, { protocol: "http", port: 9080, host: "ratings.bookinfo:9080" }), {
    cluster: "outbound|9080||ratings.bookinfo.svc.cluster.local",
  });
  // No Sidecar in namespace other: every service.
  const other = await proxy("lds-sidecar-scope", "other-sidecar");
  t.like(simulate(other, http("other-svc:8080", 8080)), {
    cluster: otherSvc,
    endpoints: ["127.0.8.5:8080"],
  });
  // ratings' own Sidecar: its 9080 egress listener carries reviews only; ingress goes to 127.0.0.1:8080.
  const ratings = await proxy("lds-sidecar-scope", "ratings-v1-sidecar");
  t.like(simulate(ratings, { protocol: "http", port: 9080, host: "reviews.bookinfo:9080" }), {
    cluster: "outbound|9080||reviews.bookinfo.svc.cluster.local",
  });
  t.like(simulate(ratings, { protocol: "http", port: 9080, host: "ratings.bookinfo:9080" }), {
    cluster: "PassthroughCluster",
  });
  const inbound = simulate(ratings, {
    protocol: "http",
    direction: "inbound",
    destinationIp: "127.0.8.2",
    port: 9080,
    host: "ratings:9080",
  });
  t.like(inbound, { cluster: "inbound|9080||", endpoints: ["127.0.0.1:8080"] });
});
