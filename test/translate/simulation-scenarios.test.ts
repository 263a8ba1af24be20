// Traffic simulation on the golden scenarios: what a request from one proxy reaches through the
// resources the generators emit for it (seed digest section 9). Fixtures without workloads have
// no endpoints; there only the route and cluster choice is asserted.

import test from "ava";
import { simulate, type SimRequest } from "../helpers/simulation/index.js";
import { scenarioProxy as proxy, spread } from "../helpers/simulation/scenario-proxy.js";

const TOMCAT = (subset: string) => `outbound|8080|${subset}|front-tomcat.default.svc.cluster.local`;
const TOMCAT_SPLIT = [
  { name: TOMCAT("v1"), weight: 90, endpoints: ["127.0.2.1:8080"] },
  { name: TOMCAT("v2"), weight: 10, endpoints: ["127.0.2.2:8080"] },
];

test("000-A: from a sidecar, HTTP to front-tomcat:8080 splits 90/10 between v1 and v2 pods", async (t) => {
  const cfg = await proxy("front-tomcat", "sleep-sidecar");
  const req: SimRequest = {
    protocol: "http",
    destinationIp: "10.96.2.10",
    port: 8080,
    host: "front-tomcat:8080",
    path: "/",
  };
  const r = simulate(cfg, req);
  t.like(r, {
    listener: "0.0.0.0_8080",
    filter: "http",
    routeConfig: "8080",
    route: "front-tomcat-route",
    failure: undefined,
  });
  t.deepEqual(r.clusters, TOMCAT_SPLIT);
  t.deepEqual(spread(cfg, req, 100), { [TOMCAT("v1")]: 90, [TOMCAT("v2")]: 10 });
  t.deepEqual(simulate(cfg, { ...req, callNum: 95 }).endpoints, ["127.0.2.2:8080"]);
  for (const host of [
    "front-tomcat",
    "front-tomcat.default",
    "front-tomcat.default.svc.cluster.local",
    "front-tomcat.default.svc.cluster.local:8080",
    "10.96.2.10:8080",
  ])
    t.like(
      simulate(cfg, { ...req, host }),
      { virtualHost: r.virtualHost, route: "front-tomcat-route" },
      host,
    );
});

test("000-C: the gateway VirtualService does not touch mesh-internal calls", async (t) => {
  const cfg = await proxy("front-tomcat", "sleep-sidecar");
  const r = simulate(cfg, {
    protocol: "http",
    destinationIp: "10.96.2.10",
    port: 8080,
    host: "tomcat.istio.com",
  });
  t.not(r.route, "front-tomcat-route");
  t.is(r.cluster, "PassthroughCluster");
});

test("000-C: through the ingress gateway, Host tomcat.istio.com splits 90/10; another Host gets 404", async (t) => {
  const cfg = await proxy("front-tomcat", "ingressgateway");
  // Service port 80 → targetPort 8080: the gateway pod listens on 8080.
  const req: SimRequest = { protocol: "http", port: 8080, host: "tomcat.istio.com", path: "/" };
  const r = simulate(cfg, req);
  t.like(r, {
    listener: "0.0.0.0_8080",
    routeConfig: "http.80",
    route: "front-tomcat-route",
    failure: undefined,
  });
  t.deepEqual(r.clusters, TOMCAT_SPLIT);
  t.deepEqual(spread(cfg, req, 100), { [TOMCAT("v1")]: 90, [TOMCAT("v2")]: 10 });
  // A browser sends the node port in Host.
  t.like(simulate(cfg, { ...req, host: "tomcat.istio.com:30779" }), {
    route: "front-tomcat-route",
  });
  t.like(simulate(cfg, { ...req, host: "other.com" }), {
    failure: "no virtual host for other.com → 404",
  });
});

test("000-A: inbound to the front-tomcat v1 pod goes to its inbound cluster", async (t) => {
  const cfg = await proxy("front-tomcat", "front-tomcat-v1-sidecar");
  const r = simulate(cfg, {
    protocol: "http",
    direction: "inbound",
    destinationIp: "127.0.2.1",
    port: 8080,
    host: "front-tomcat:8080",
  });
  t.like(r, { listener: "virtualInbound", cluster: "inbound|8080||", failure: undefined });
  t.deepEqual(r.endpoints, ["127.0.2.1:8080"]);
});

test("001-C: end-user jason reaches reviews v2; anyone else v1", async (t) => {
  const cfg = await proxy("rds-reviews-jason", "productpage-sidecar");
  const req: SimRequest = {
    protocol: "http",
    port: 9080,
    host: "reviews:9080",
    path: "/reviews/0",
  };
  const reviews = (subset: string) => `outbound|9080|${subset}|reviews.default.svc.cluster.local`;
  t.like(simulate(cfg, { ...req, headers: { "end-user": "jason" } }), {
    routeConfig: "9080",
    cluster: reviews("v2"),
  });
  t.like(simulate(cfg, { ...req, headers: { "end-user": "mary" } }), { cluster: reviews("v1") });
  t.like(simulate(cfg, req), { cluster: reviews("v1") });
});

test("T1: reviews splits 75/25 between v1 and v2", async (t) => {
  const cfg = await proxy("t1-weighted-75-25", "productpage-sidecar");
  const r = simulate(cfg, { protocol: "http", port: 9080, host: "reviews" });
  t.deepEqual(
    r.clusters?.map((c) => [c.name, c.weight]),
    [
      ["outbound|9080|v1|reviews.default.svc.cluster.local", 75],
      ["outbound|9080|v2|reviews.default.svc.cluster.local", 25],
    ],
  );
});

test("001-A: the bookinfo gateway routes /productpage and /static to productpage, other paths 404", async (t) => {
  const cfg = await proxy("bookinfo-gateway", "ingressgateway");
  const req: SimRequest = { protocol: "http", port: 8080, host: "bookinfo.example.com" };
  const productpage = "outbound|9080||productpage.default.svc.cluster.local";
  t.like(simulate(cfg, { ...req, path: "/productpage" }), {
    routeConfig: "http.80",
    cluster: productpage,
  });
  t.like(simulate(cfg, { ...req, path: "/static/css/x.css" }), { cluster: productpage });
  t.regex(
    simulate(cfg, { ...req, path: "/admin" }).failure ?? "",
    /^no route for \/admin .* → 404$/,
  );
});

test("bookinfo: reviews from productpage reaches the reviews pods over EDS", async (t) => {
  const cfg = await proxy("bookinfo-cds-eds", "productpage-sidecar");
  const r = simulate(cfg, { protocol: "http", port: 9080, host: "reviews:9080" });
  t.like(r, { cluster: "outbound|9080||reviews.default.svc.cluster.local", failure: undefined });
  t.deepEqual(r.endpoints, ["127.0.1.5:9080", "127.0.1.6:9080", "127.0.1.7:9080"]);
});

test("T14: the gateway's TCP port 31400 splits tcp-echo 80/20", async (t) => {
  const cfg = await proxy("lds-tcp-shifting", "ingressgateway");
  const req: SimRequest = { protocol: "tcp", port: 31400 };
  const echo = (subset: string) =>
    `outbound|9000|${subset}|tcp-echo.istio-io-tcp-traffic-shifting.svc.cluster.local`;
  t.like(simulate(cfg, req), { listener: "0.0.0.0_31400", filter: "tcp", failure: undefined });
  t.deepEqual(simulate(cfg, req).clusters, [
    { name: echo("v1"), weight: 80, endpoints: ["127.0.6.1:9000"] },
    { name: echo("v2"), weight: 20, endpoints: ["127.0.6.2:9000"] },
  ]);
  t.deepEqual(spread(cfg, req, 100), { [echo("v1")]: 80, [echo("v2")]: 20 });
});

test("003-C: unknown external traffic goes to PassthroughCluster under ALLOW_ANY, nowhere under REGISTRY_ONLY", async (t) => {
  const tcp: SimRequest = { protocol: "tcp", destinationIp: "93.184.216.34", port: 443 };
  const http: SimRequest = {
    protocol: "http",
    destinationIp: "93.184.216.34",
    port: 80,
    host: "example.org",
  };
  const allow = await proxy("lds-outbound-allow-any", "sleep-sidecar");
  t.like(simulate(allow, tcp), { cluster: "PassthroughCluster", endpoints: ["93.184.216.34:443"] });
  t.like(simulate(allow, http), { cluster: "PassthroughCluster", endpoints: ["93.184.216.34:80"] });
  const only = await proxy("lds-outbound-registry-only", "sleep-sidecar");
  t.like(simulate(only, tcp), {
    cluster: "BlackHoleCluster",
    failure: "cluster BlackHoleCluster has no endpoints → connection closed",
  });
  t.like(simulate(only, http), { directResponse: { status: 502 } });
});

test("T4/T20–T28: the HTTPS gateway picks the filter chain by SNI", async (t) => {
  const cfg = await proxy("lds-gateway-tls", "ingressgateway");
  const https = (sni: string): SimRequest => ({
    protocol: "http",
    port: 8443,
    sni,
    host: sni,
    path: "/status/418",
  });
  t.like(simulate(cfg, https("httpbin.example.com")), {
    routeConfig: "https.443.https.httpbin-gateway.default",
  });
  t.like(simulate(cfg, https("ext-host.example.com")), {
    routeConfig: "https.443.https.ext-host-gwy.default",
  });
  t.like(simulate(cfg, { protocol: "tls", port: 8443, sni: "nginx.example.com" }), {
    filter: "tcp",
    cluster: "outbound|443||my-nginx.default.svc.cluster.local",
  });
});
