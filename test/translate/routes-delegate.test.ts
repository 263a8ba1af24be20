// Delegate VirtualServices: match merging and conflicts, inherited fields, visibility.

import test from "ava";
import type { EnvoyMessage } from "../../src/translate/envoy-message.js";
import {
  matchConflict,
  mergeHttpRoute,
  mergeMatches,
} from "../../src/translate/routes/delegate.js";
import { contextFor, REVIEWS, routeConfig, routesOf, virtualHost } from "./routes-fixture.js";

test("a delegate match must narrow the root's", (t) => {
  t.false(matchConflict({ uri: { prefix: "/a" } }, { uri: { prefix: "/a/b" } }));
  t.false(matchConflict({ uri: { prefix: "/a" } }, { uri: { exact: "/a/x" } }));
  t.true(matchConflict({ uri: { prefix: "/a/b" } }, { uri: { prefix: "/a" } }));
  t.true(matchConflict({ uri: { exact: "/a" } }, { uri: { prefix: "/a" } }));
  t.true(matchConflict({ uri: { regex: "/a.*" } }, { uri: { prefix: "/a" } }));
  t.false(matchConflict({ headers: { u: { exact: "x" } } }, { headers: { v: { exact: "y" } } }));
  t.true(matchConflict({ headers: { u: { exact: "x" } } }, { headers: { u: { exact: "y" } } }));
  t.true(matchConflict({ port: 80 }, { port: 81 }));
  t.true(matchConflict({ sourceLabels: { app: "a" } }, { sourceLabels: { app: "b" } }));
  t.true(matchConflict({ gateways: ["ns/gw"] }, { gateways: ["mesh"] }));
});

test("merged matches combine the root's and the delegate's conditions", (t) => {
  t.deepEqual(
    mergeMatches(
      [{ name: "r", uri: { prefix: "/p" }, headers: { a: { exact: "1" } } }],
      [{ name: "d", uri: { prefix: "/p/v2" }, headers: { b: { exact: "2" } } }],
    ),
    [{ name: "r-d", uri: { prefix: "/p/v2" }, headers: { a: { exact: "1" }, b: { exact: "2" } } }],
  );
  t.is(mergeMatches([{ uri: { prefix: "/p" } }], [{ uri: { prefix: "/q" } }]), undefined);
});

test("a delegate route inherits what it leaves unset", (t) => {
  const merged = mergeHttpRoute(
    { name: "root", match: [{ uri: { prefix: "/p" } }], timeout: "5s", retries: { attempts: 1 } },
    { name: "leaf", route: [{ destination: { host: "x" } }], timeout: "2s" },
  );
  t.like(merged, { name: "root-leaf", timeout: "2s", retries: { attempts: 1 } });
  t.deepEqual(merged?.match, [{ uri: { prefix: "/p" } }]);
});

test("gateway routes of a root VirtualService with delegates; a delegate not exported is ignored", (t) => {
  const ctx = contextFor(
    REVIEWS +
      `apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [reviews.example.com]}]
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: root, namespace: default}
spec:
  hosts: [reviews.example.com]
  gateways: [gw]
  http:
  - name: v2
    match: [{uri: {prefix: /v2}}]
    delegate: {name: to-v2}
  - name: hidden
    match: [{uri: {prefix: /hidden}}]
    delegate: {name: private, namespace: team}
  - name: rest
    route: [{destination: {host: reviews, subset: v1}}]
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: to-v2, namespace: default}
spec:
  http:
  - match: [{uri: {prefix: /v2/new}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - route: [{destination: {host: reviews, subset: v1}}]
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: private, namespace: team}
spec:
  exportTo: ["."]
  http:
  - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
---
`,
    { kind: "router", namespace: "istio-system", labels: { istio: "ingressgateway" } },
  );
  const routes = routesOf(virtualHost(routeConfig(ctx, "http.80"), "reviews.example.com:80"));
  t.deepEqual(
    routes.map((r) => [
      r.name,
      (r.match as EnvoyMessage).prefix,
      (r.route as EnvoyMessage).cluster,
    ]),
    [
      ["v2", "/v2/new", "outbound|9080|v2|reviews.default.svc.cluster.local"],
      ["v2", "/v2", "outbound|9080|v1|reviews.default.svc.cluster.local"],
      ["rest", "/", "outbound|9080|v1|reviews.default.svc.cluster.local"],
    ],
  );
});
