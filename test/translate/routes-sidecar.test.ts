// Sidecar route configurations: virtual hosts and domains, the catch-all, weights, dangling
// subsets, and the per-proxy filtering of routes (sourceLabels, sourceNamespace, gateways, port).

import test from "ava";
import type { EnvoyMessage } from "../../src/translate/envoy-message.js";
import { BLACKHOLE_CLUSTER } from "../../src/translate/routes/cluster-ref.js";
import { generateRoutes } from "../../src/translate/routes/index.js";
import {
  contextFor,
  REVIEWS,
  routeConfig,
  routesOf,
  service,
  virtualHost,
} from "./routes-fixture.js";

const action = (r: EnvoyMessage) => r.route as EnvoyMessage;

test("a service with no VirtualService: default route, Istio's domains, allow_any last", (t) => {
  const ctx = contextFor(
    REVIEWS + service("ratings", "other", "10.0.0.20", "[{name: http-web, port: 9080}]"),
  );
  const rc = routeConfig(ctx, "9080");
  t.like(rc, { validateClusters: { value: false }, ignorePortInHostMatching: true });
  t.deepEqual(
    (rc.virtualHosts as EnvoyMessage[]).map((v) => v.name),
    ["ratings.other.svc.cluster.local:9080", "reviews.default.svc.cluster.local:9080", "allow_any"],
  );
  const reviews = virtualHost(rc, "reviews.default.svc.cluster.local:9080");
  t.deepEqual(reviews.domains, [
    "reviews.default.svc.cluster.local",
    "reviews",
    "reviews.default.svc",
    "reviews.default",
    "10.0.0.13",
  ]);
  // Another namespace's service has no short name.
  t.deepEqual(virtualHost(rc, "ratings.other.svc.cluster.local:9080").domains, [
    "ratings.other.svc.cluster.local",
    "ratings.other",
    "ratings.other.svc",
    "10.0.0.20",
  ]);
  const [route] = routesOf(reviews);
  t.like(route, {
    name: "default",
    match: { prefix: "/" },
    decorator: { operation: "reviews.default.svc.cluster.local:9080/*" },
  });
  t.like(action(route!), {
    cluster: "outbound|9080||reviews.default.svc.cluster.local",
    timeout: { seconds: 0, nanos: 0 },
    maxGrpcTimeout: { seconds: 0, nanos: 0 },
    retryPolicy: { numRetries: { value: 2 }, retriableStatusCodes: [503] },
  });
  t.like(virtualHost(rc, "allow_any"), { domains: ["*"] });
  t.is(action(routesOf(virtualHost(rc, "allow_any"))[0]!).cluster, "PassthroughCluster");
});

test("REGISTRY_ONLY: block_all answers 502", (t) => {
  const mesh = `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    outboundTrafficPolicy: {mode: REGISTRY_ONLY}
---
`;
  const rc = routeConfig(contextFor(REVIEWS + mesh), "9080");
  const last = (rc.virtualHosts as EnvoyMessage[]).at(-1)!;
  t.like(last, { name: "block_all", domains: ["*"] });
  t.deepEqual(routesOf(last)[0], {
    name: "block_all",
    match: { prefix: "/" },
    directResponse: { status: 502 },
  });
});

const vs = (spec: string) => `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
${spec}
---
`;

test("weights: weight-0 destinations dropped, a single destination is a plain cluster", (t) => {
  const ctx = contextFor(
    REVIEWS +
      vs(`  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /one}}]
    route: [{destination: {host: reviews, subset: v1}, weight: 100}]
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 75}
    - {destination: {host: reviews, subset: v2}, weight: 25}
    - {destination: {host: reviews, subset: v2}, weight: 0}`),
  );
  const routes = routesOf(
    virtualHost(routeConfig(ctx, "9080"), "reviews.default.svc.cluster.local:9080"),
  );
  t.is(action(routes[0]!).cluster, "outbound|9080|v1|reviews.default.svc.cluster.local");
  t.deepEqual(action(routes[1]!).weightedClusters, {
    clusters: [
      { name: "outbound|9080|v1|reviews.default.svc.cluster.local", weight: { value: 75 } },
      { name: "outbound|9080|v2|reviews.default.svc.cluster.local", weight: { value: 25 } },
    ],
  });
  t.is((routes[1]!.decorator as EnvoyMessage).operation, "reviews:9080/*");
});

test("a subset no DestinationRule defines names BlackHoleCluster, never a cluster not sent", (t) => {
  const ctx = contextFor(
    REVIEWS +
      vs(`  hosts: [reviews]
  http:
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 50}
    - {destination: {host: reviews, subset: v9}, weight: 50}`),
  );
  const [route] = routesOf(
    virtualHost(routeConfig(ctx, "9080"), "reviews.default.svc.cluster.local:9080"),
  );
  t.deepEqual(
    (action(route!).weightedClusters as { clusters: { name: string }[] }).clusters.map(
      (c) => c.name,
    ),
    ["outbound|9080|v1|reviews.default.svc.cluster.local", BLACKHOLE_CLUSTER],
  );
});

test("sourceLabels and sourceNamespace select the proxies a rule is emitted to (T2)", (t) => {
  const config =
    REVIEWS +
    vs(`  hosts: [reviews]
  http:
  - name: from-productpage
    match: [{sourceLabels: {app: productpage}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - name: from-test-namespace
    match: [{sourceNamespace: test}]
    route: [{destination: {host: reviews, subset: v2}}]
  - name: rest
    route: [{destination: {host: reviews, subset: v1}}]`);
  const names = (labels: Record<string, string>, namespace = "default") =>
    routesOf(
      virtualHost(
        routeConfig(contextFor(config, { labels, namespace }), "9080"),
        "reviews.default.svc.cluster.local:9080",
      ),
    ).map((r) => r.name);
  t.deepEqual(names({ app: "productpage", version: "v1" }), ["from-productpage"]);
  t.deepEqual(names({ app: "ratings" }), ["rest"]);
  t.deepEqual(names({ app: "ratings" }, "test"), ["from-test-namespace"]);
});

test("gateways: without mesh a VirtualService is not in sidecars; match gateways filter per block", (t) => {
  const gatewayOnly = vs(`  hosts: [reviews]
  gateways: [bookinfo-gateway]
  http:
  - route: [{destination: {host: reviews, subset: v2}}]`);
  const [onlyDefault] = routesOf(
    virtualHost(
      routeConfig(contextFor(REVIEWS + gatewayOnly), "9080"),
      "reviews.default.svc.cluster.local:9080",
    ),
  );
  t.is(onlyDefault!.name, "default");
  const both = vs(`  hosts: [reviews]
  gateways: [bookinfo-gateway, mesh]
  http:
  - name: gateway-only
    match: [{gateways: [bookinfo-gateway], uri: {prefix: /gw}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - name: mesh-only
    match: [{gateways: [mesh], uri: {prefix: /mesh}}]
    route: [{destination: {host: reviews, subset: v2}}]
  - name: all
    route: [{destination: {host: reviews, subset: v1}}]`);
  const routes = routesOf(
    virtualHost(
      routeConfig(contextFor(REVIEWS + both), "9080"),
      "reviews.default.svc.cluster.local:9080",
    ),
  );
  t.deepEqual(
    routes.map((r) => r.name),
    ["mesh-only", "all"],
  );
});

test("a match port other than the listener's drops the block; a catch-all ends the list", (t) => {
  const ctx = contextFor(
    REVIEWS +
      vs(`  hosts: [reviews]
  http:
  - name: other-port
    match: [{port: 8080}]
    route: [{destination: {host: reviews, subset: v2}}]
  - name: this-port
    match: [{port: 9080}]
    route: [{destination: {host: reviews, subset: v1}}]
  - name: unreachable
    route: [{destination: {host: reviews, subset: v2}}]`),
  );
  const routes = routesOf(
    virtualHost(routeConfig(ctx, "9080"), "reviews.default.svc.cluster.local:9080"),
  );
  t.deepEqual(
    routes.map((r) => r.name),
    ["this-port"],
  );
});

test("a VirtualService host that is no service gets its own virtual host on port 80", (t) => {
  const ctx = contextFor(
    REVIEWS +
      service("web", "default", "10.0.0.80", "[{name: http, port: 80}]") +
      vs(`  hosts: [bookinfo.com]
  http:
  - route: [{destination: {host: reviews, port: {number: 9080}}}]`),
  );
  const vh = virtualHost(routeConfig(ctx, "80"), "bookinfo.com:80");
  t.deepEqual(vh.domains, ["bookinfo.com"]);
  t.is(action(routesOf(vh)[0]!).cluster, "outbound|9080||reviews.default.svc.cluster.local");
  t.throws(() => virtualHost(routeConfig(ctx, "9080"), "bookinfo.com:9080"));
});

test("route names: one per HTTP port, HOST:PORT for a sniffed port of a service with an address", (t) => {
  const ctx = contextFor(
    REVIEWS + service("db", "default", "10.0.0.50", "[{name: data, port: 7000}]"),
  );
  t.deepEqual(
    generateRoutes(ctx).map((r) => r.name),
    ["9080", "db.default.svc.cluster.local:7000"],
  );
  const sniffed = routeConfig(ctx, "db.default.svc.cluster.local:7000");
  t.deepEqual(
    (sniffed.virtualHosts as EnvoyMessage[]).map((v) => [v.name, v.domains]),
    [["db.default.svc.cluster.local:7000", ["*"]]],
  );
});

test("consistent hash from the DestinationRule becomes the route's hash policy", (t) => {
  const config =
    service("cart", "default", "10.0.0.60", "[{name: http, port: 80}]") +
    `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: cart, namespace: default}
spec:
  host: cart
  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
---
`;
  const [route] = routesOf(
    virtualHost(routeConfig(contextFor(config), "80"), "cart.default.svc.cluster.local:80"),
  );
  t.deepEqual(action(route!).hashPolicy, [{ header: { headerName: "x-user" } }]);
});

test("meshConfig defaultHttpRetryPolicy replaces Istio's default on every route", (t) => {
  const mesh = `apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    defaultHttpRetryPolicy: {attempts: 4, retryOn: "5xx"}
---
`;
  const [route] = routesOf(
    virtualHost(
      routeConfig(contextFor(REVIEWS + mesh), "9080"),
      "reviews.default.svc.cluster.local:9080",
    ),
  );
  t.like(action(route!).retryPolicy, { retryOn: "5xx", numRetries: { value: 4 } });
});

test("a service named exactly by one VirtualService is not taken by a wildcard one", (t) => {
  const wildcard = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: all, namespace: default, creationTimestamp: "2020-01-01T00:00:00Z"}
spec:
  hosts: ["*.default.svc.cluster.local"]
  http:
  - name: wildcard
    route: [{destination: {host: reviews, subset: v2}}]
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: reviews, namespace: default, creationTimestamp: "2021-01-01T00:00:00Z"}
spec:
  hosts: [reviews]
  http:
  - name: exact
    route: [{destination: {host: reviews, subset: v1}}]
---
`;
  const ctx = contextFor(
    REVIEWS + service("ratings", "default", "10.0.0.12", "[{name: http, port: 9080}]") + wildcard,
  );
  const rc = routeConfig(ctx, "9080");
  const first = (name: string) => routesOf(virtualHost(rc, name))[0]!.name;
  t.is(first("reviews.default.svc.cluster.local:9080"), "exact");
  t.is(first("ratings.default.svc.cluster.local:9080"), "wildcard");
});

test("a subset's consistent hash applies to its route; a hashed single destination keeps its host on retry", (t) => {
  const config =
    service("cart", "default", "10.0.0.60", "[{name: http, port: 80}]") +
    `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: cart, namespace: default}
spec:
  host: cart
  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
  subsets:
  - name: sticky
    labels: {version: v1}
    trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: session, ttl: 60s}}}}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: cart, namespace: default}
spec:
  hosts: [cart]
  http:
  - route: [{destination: {host: cart, subset: sticky}}]
---
`;
  const [route] = routesOf(
    virtualHost(routeConfig(contextFor(config), "80"), "cart.default.svc.cluster.local:80"),
  );
  t.deepEqual(action(route!).hashPolicy, [
    { cookie: { name: "session", ttl: { seconds: 60, nanos: 0 } } },
  ]);
  t.is((action(route!).retryPolicy as Record<string, unknown>).retryHostPredicate, undefined);
});

test("a Sidecar's egressProxy takes the allow_any route", (t) => {
  const config =
    REVIEWS +
    service("egress", "istio-system", "10.0.0.99", "[{name: http, port: 80}]") +
    `apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata: {name: default, namespace: default}
spec:
  outboundTrafficPolicy:
    mode: ALLOW_ANY
    egressProxy: {host: egress.istio-system.svc.cluster.local, port: {number: 80}}
---
`;
  const rc = routeConfig(contextFor(config), "9080");
  const allowAny = (rc.virtualHosts as EnvoyMessage[]).at(-1)!;
  t.is(allowAny.name, "allow_any");
  t.is(
    action(routesOf(allowAny)[0]!).cluster,
    "outbound|80||egress.istio-system.svc.cluster.local",
  );
});
