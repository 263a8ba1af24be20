// Envoy's load-time checks beyond protoc-gen-validate, on small hand-written resources.

import test from "ava";
import { checkEnvoyMessage, violationsOf } from "../helpers/envoy-rules/index.js";
import { hcmFilter, listener, tcpProxyFilter, typeUrl } from "../helpers/simulation/build.js";

const ROUTES = typeUrl("envoy.config.route.v3.RouteConfiguration");
const LISTENER = typeUrl("envoy.config.listener.v3.Listener");

function found(url: string, message: Record<string, unknown>): string[] {
  return violationsOf(checkEnvoyMessage(url, message)).map((v) => `${v.path} ${v.rule}`);
}

const route = (cluster = "c") => ({ match: { prefix: "/" }, route: { cluster } });

test("a domain in two virtual hosts, or a virtual host name used twice, is rejected", (t) => {
  const rc = (a: string[], b: string[], nameB = "b") => ({
    name: "80",
    virtualHosts: [
      { name: "a", domains: a, routes: [route()] },
      { name: nameB, domains: b, routes: [route()] },
    ],
  });
  t.deepEqual(found(ROUTES, rc(["a.com", "a.com:80"], ["b.com"])), []);
  t.deepEqual(found(ROUTES, rc(["a.com"], ["b.com", "A.com"])), [
    "virtualHosts[1].domains[1] envoy.unique_domain",
  ]);
  t.deepEqual(found(ROUTES, rc(["*"], ["*"])), ["virtualHosts[1].domains[0] envoy.unique_domain"]);
  t.deepEqual(found(ROUTES, rc(["a.com"], ["b.com"], "a")), [
    "virtualHosts[1].name envoy.unique_virtual_host_name",
  ]);
});

test("a weighted split whose weights add up to 0 is rejected", (t) => {
  const split = {
    match: { prefix: "/" },
    route: { weightedClusters: { clusters: [{ name: "a", weight: { value: 0 } }] } },
  };
  t.deepEqual(
    found(ROUTES, { name: "r", virtualHosts: [{ name: "v", domains: ["*"], routes: [split] }] }),
    ["virtualHosts[0].routes[0].route.weightedClusters envoy.weighted_clusters"],
  );
});

test("two filter chains matching the same connections are rejected", (t) => {
  const l = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    listener("l", "0.0.0.0", 443, [
      { filterChainMatch: a, filters: [tcpProxyFilter("a")] },
      { filterChainMatch: b, filters: [tcpProxyFilter("b")] },
    ]);
  t.deepEqual(found(LISTENER, l({ serverNames: ["a.com"] }, { serverNames: ["b.com"] })), []);
  t.deepEqual(found(LISTENER, l({ serverNames: ["a.com", "c.com"] }, { serverNames: ["c.com"] })), [
    "filterChains[1].filterChainMatch envoy.unique_filter_chain_match",
  ]);
  t.deepEqual(found(LISTENER, l({}, {})), [
    "filterChains[1].filterChainMatch envoy.unique_filter_chain_match",
  ]);
});

test("http_connection_manager and tcp_proxy end their chain; the router ends the HTTP filters", (t) => {
  const chain = (filters: unknown[]) => listener("l", "0.0.0.0", 80, [{ filters }]);
  t.deepEqual(found(LISTENER, chain([hcmFilter("80")])), []);
  t.deepEqual(found(LISTENER, chain([tcpProxyFilter("a"), hcmFilter("80")])), [
    "filterChains[0].filters[0] envoy.terminal_filter_last",
  ]);
  const fault = {
    name: "envoy.filters.http.fault",
    typedConfig: { "@type": typeUrl("envoy.extensions.filters.http.fault.v3.HTTPFault") },
  };
  const router = {
    name: "envoy.filters.http.router",
    typedConfig: { "@type": typeUrl("envoy.extensions.filters.http.router.v3.Router") },
  };
  t.deepEqual(found(LISTENER, chain([hcmFilter("80", { httpFilters: [router, fault] })])), [
    "filterChains[0].filters[0].typedConfig.httpFilters[0] envoy.terminal_filter_last",
    "filterChains[0].filters[0].typedConfig.httpFilters[1] envoy.terminal_filter_last",
  ]);
});
