// Requests through the generated resources of the RDS golden scenarios (seed digest 9.1, 9.2 and
// table 9.5): which route and cluster a request reaches, per proxy.

import test from "ava";
import { translateContext } from "../../src/translate/context.js";
import { generateAll } from "../../src/translate/index.js";
import { loadScenario } from "../helpers/scenario.js";
import {
  proxyConfig,
  simulate,
  type ProxyConfig,
  type SimRequest,
} from "../helpers/simulation/index.js";

async function proxy(scenario: string, name: string): Promise<ProxyConfig> {
  const s = await loadScenario(scenario);
  const p = s.proxies.find((x) => x.name === name);
  if (!p) throw new Error(`${scenario} has no proxy ${name}`);
  return proxyConfig(generateAll(translateContext(s.model, p)));
}

const svc = (port: number, subset: string, name: string) =>
  `outbound|${port}|${subset}|${name}.default.svc.cluster.local`;

const toReviews = (extra: Partial<SimRequest> = {}): SimRequest => ({
  protocol: "http",
  destinationIp: "10.96.1.13",
  port: 9080,
  host: "reviews:9080",
  path: "/reviews/0",
  ...extra,
});

test("001-B: with all-v1 rules every reviews call goes to v1", async (t) => {
  const cfg = await proxy("bookinfo-gateway", "productpage-sidecar");
  t.like(simulate(cfg, toReviews()), { routeConfig: "9080", cluster: svc(9080, "v1", "reviews") });
});

test("001-A: the gateway routes the five productpage paths for any host; others get 404", async (t) => {
  const cfg = await proxy("bookinfo-gateway", "ingressgateway");
  const req = (path: string): SimRequest => ({
    protocol: "http",
    direction: "direct",
    port: 8080,
    host: "bookinfo.example:31380",
    path,
  });
  for (const path of ["/productpage", "/static/a.css", "/login", "/logout", "/api/v1/products/0"])
    t.is(simulate(cfg, req(path)).cluster, svc(9080, "", "productpage"), path);
  t.regex(simulate(cfg, req("/reviews")).failure ?? "", /404/);
});

test("001-C: jason's requests go to reviews v2, everyone else's to v1", async (t) => {
  const cfg = await proxy("rds-reviews-jason", "productpage-sidecar");
  t.is(
    simulate(cfg, toReviews({ headers: { "end-user": "jason" } })).cluster,
    svc(9080, "v2", "reviews"),
  );
  t.is(
    simulate(cfg, toReviews({ headers: { "end-user": "alice" } })).cluster,
    svc(9080, "v1", "reviews"),
  );
  t.is(simulate(cfg, toReviews()).cluster, svc(9080, "v1", "reviews"));
});

test("T1: reviews splits 75/25", async (t) => {
  const cfg = await proxy("t1-weighted-75-25", "productpage-sidecar");
  const counts: Record<string, number> = {};
  for (let n = 0; n < 100; n++) {
    const c = simulate(cfg, toReviews({ callNum: n })).cluster ?? "none";
    counts[c] = (counts[c] ?? 0) + 1;
  }
  t.deepEqual(counts, { [svc(9080, "v1", "reviews")]: 75, [svc(9080, "v2", "reviews")]: 25 });
});

test("T2: bookinfo.com routes by URI; the sourceLabels rule applies only to app=reviews", async (t) => {
  const req: SimRequest = {
    protocol: "http",
    destinationIp: "10.1.2.3",
    port: 80,
    host: "bookinfo.com",
    path: "/ratings/1",
  };
  const productpage = await proxy("t2-multi-service-vs", "productpage-sidecar");
  const reviews = await proxy("t2-multi-service-vs", "reviews-v1-sidecar");
  t.is(simulate(productpage, req).cluster, svc(9080, "", "ratings"));
  t.like(simulate(reviews, req), {
    route: "reviews-to-ratings-v2",
    cluster: svc(9080, "v2", "ratings"),
  });
  t.is(simulate(productpage, { ...req, path: "/reviews/1" }).cluster, svc(9080, "", "reviews"));
});

test("T18/T19: host-specific virtual hosts win over *; unmatched paths get 404", async (t) => {
  const cfg = await proxy("rds-gateway-hosts", "ingressgateway");
  const req = (host: string, path: string): SimRequest => ({
    protocol: "http",
    direction: "direct",
    port: 8080,
    host,
    path,
  });
  t.is(simulate(cfg, req("httpbin.example.com", "/status/200")).cluster, svc(8000, "", "httpbin"));
  t.regex(simulate(cfg, req("httpbin.example.com", "/headers")).failure ?? "", /404/);
  t.is(simulate(cfg, req("anything.org:8080", "/headers")).cluster, svc(8000, "", "httpbin"));
});

test("delegates: the delegate's routes under the root's match, at the gateway", async (t) => {
  const cfg = await proxy("rds-delegate", "ingressgateway");
  const req = (path: string, headers: Record<string, string> = {}): SimRequest => ({
    protocol: "http",
    direction: "direct",
    port: 8080,
    host: "bookinfo.com",
    path,
    headers,
  });
  t.is(
    simulate(cfg, req("/productpage/v2", { "end-user": "jason" })).cluster,
    svc(9080, "v1", "productpage"),
  );
  t.is(simulate(cfg, req("/productpage")).cluster, svc(9080, "", "productpage"));
  t.is(simulate(cfg, req("/api/x")).cluster, svc(9080, "", "details"));
  t.regex(simulate(cfg, req("/other")).failure ?? "", /404/);
});

test("redirect and direct response", async (t) => {
  const cfg = await proxy("rds-http-features", "sleep-sidecar");
  const req = (path: string): SimRequest => ({
    protocol: "http",
    destinationIp: "10.96.1.30",
    port: 8000,
    host: "httpbin:8000",
    path,
  });
  t.like(simulate(cfg, req("/old")).redirect, { pathRedirect: "/new", responseCode: "FOUND" });
  t.deepEqual(simulate(cfg, req("/healthz")).directResponse, { status: 200, body: "ok" });
});

test("001-B edge: a subset before its DestinationRule goes to BlackHoleCluster (503), never to an unsent cluster", async (t) => {
  const cfg = await proxy("rds-subset-before-dr", "productpage-sidecar");
  const r = simulate(cfg, toReviews());
  t.is(r.cluster, "BlackHoleCluster");
  t.deepEqual(r.endpoints ?? [], []);
});
