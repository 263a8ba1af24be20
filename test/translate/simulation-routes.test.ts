// The simulation's HTTP side on hand-written resources: virtual host domains, route matching
// (path specifiers, case, headers, query parameters), actions (weighted clusters, redirect,
// direct response, cluster header) and the names a route depends on being sent.

import test from "ava";
import {
  assignment,
  edsCluster,
  hcmFilter,
  listener,
  routeConfig,
  staticCluster,
  toCluster,
  vhost,
} from "../helpers/simulation/build.js";
import { simulate, type ProxyConfig, type SimRequest } from "../helpers/simulation/index.js";
import type { Msg } from "../helpers/simulation/plain.js";

const CLUSTERS = [
  "exact",
  "suffix",
  "longer-suffix",
  "prefix",
  "any",
  "a",
  "b",
  "c",
  "d",
  "e",
  "f",
  "g",
  "h",
  "v1",
  "v2",
];

function gateway(virtualHosts: Msg[], hcmExtra: Msg = {}, rcExtra: Msg = {}): ProxyConfig {
  return {
    listeners: [
      listener("0.0.0.0_8080", "0.0.0.0", 8080, [{ filters: [hcmFilter("http.8080", hcmExtra)] }]),
    ],
    routes: [{ ...routeConfig("http.8080", virtualHosts), ...rcExtra }],
    clusters: CLUSTERS.map((c) => edsCluster(c)),
    endpoints: CLUSTERS.map((c, i) => assignment(c, `10.0.1.${i + 1}:80`)),
  };
}

const get = (cfg: ProxyConfig, req: Partial<SimRequest>) =>
  simulate(cfg, { protocol: "http", port: 8080, ...req });

test("virtual hosts: exact, then suffix and prefix wildcards (longest first), then *; case-insensitive", (t) => {
  const cfg = gateway([
    vhost("exact", ["www.foo.com"], [toCluster("exact")]),
    vhost("suffix", ["*.foo.com"], [toCluster("suffix")]),
    vhost("longer-suffix", ["*-bar.foo.com"], [toCluster("longer-suffix")]),
    vhost("prefix", ["foo.*"], [toCluster("prefix")]),
    vhost("any", ["*"], [toCluster("any")]),
  ]);
  const host = (h: string) => get(cfg, { host: h }).virtualHost;
  t.is(host("www.foo.com"), "exact");
  t.is(host("WWW.FOO.COM"), "exact");
  t.is(host("a.foo.com"), "suffix");
  t.is(host("baz-bar.foo.com"), "longer-suffix");
  t.is(host("-bar.foo.com"), "suffix"); // a wildcard never matches the empty string
  t.is(host("foo.org"), "prefix");
  t.is(host("other.org"), "any");
  const noDefault = gateway([vhost("exact", ["www.foo.com"], [toCluster("exact")])]);
  t.like(get(noDefault, { host: "other.org" }), {
    failure: "no virtual host for other.org → 404",
    routeConfig: "http.8080",
  });
});

test("virtual hosts: the port is part of the host unless the HCM strips it", (t) => {
  const vhs = [
    vhost("a", ["a.com", "a.com:8080"], [toCluster("a")]),
    vhost("b", ["b.com"], [toCluster("b")]),
  ];
  t.is(get(gateway(vhs), { host: "a.com:8080" }).virtualHost, "a");
  t.like(get(gateway(vhs), { host: "b.com:8080" }), {
    failure: "no virtual host for b.com:8080 → 404",
  });
  t.is(
    get(gateway(vhs, { stripPortMode: { stripAnyHostPort: true } }), { host: "b.com:30779" })
      .virtualHost,
    "b",
  );
  t.is(get(gateway(vhs, { stripMatchingHostPort: true }), { host: "b.com:8080" }).virtualHost, "b");
  t.like(get(gateway(vhs, { stripMatchingHostPort: true }), { host: "b.com:9090" }), {
    failure: "no virtual host for b.com:9090 → 404",
  });
  t.is(
    get(gateway(vhs, {}, { ignorePortInHostMatching: true }), { host: "b.com:1" }).virtualHost,
    "b",
  );
});

test("routes: first match wins; prefix, exact path, path-separated prefix, whole-path regex; query ignored", (t) => {
  const cfg = gateway([
    vhost(
      "vh",
      ["*"],
      [
        toCluster("a", { path: "/exact" }, "exact-path"),
        toCluster("b", { safeRegex: { regex: "/api/v[0-9]+" } }, "regex"),
        toCluster("c", { pathSeparatedPrefix: "/sep" }, "separated"),
        toCluster("d", { prefix: "/Case", caseSensitive: false }, "no-case"),
        toCluster("e", { prefix: "/p" }, "prefix"),
      ],
    ),
  ]);
  const path = (p: string) => get(cfg, { host: "h", path: p }).route;
  t.is(path("/exact"), "exact-path");
  t.is(path("/exact?x=1"), "exact-path");
  t.is(path("/api/v2"), "regex");
  t.is(path("/api/v2/more"), undefined); // the regex must match the whole path
  t.is(path("/sep"), "separated");
  t.is(path("/sep/x"), "separated");
  t.is(path("/sepx"), undefined);
  t.is(path("/CASE/x"), "no-case");
  t.is(path("/p/q"), "prefix");
  t.is(path("/P/q"), undefined);
  t.like(get(cfg, { host: "h", path: "/none" }), {
    failure: "no route for /none in virtual host vh → 404",
  });
});

test("routes: header matchers (exact, prefix, regex, range, present, absent, invert) and query parameters", (t) => {
  const h = (headers: Msg[]) => ({ prefix: "/", headers });
  const cfg = gateway([
    vhost(
      "vh",
      ["*"],
      [
        toCluster("a", h([{ name: "end-user", stringMatch: { exact: "jason" } }]), "jason"),
        toCluster("b", h([{ name: "x-ver", prefixMatch: "v2" }]), "prefix"),
        toCluster("c", h([{ name: "x-id", safeRegexMatch: { regex: "[0-9]{3}" } }]), "regex"),
        toCluster("d", h([{ name: "x-n", rangeMatch: { start: 10, end: 20 } }]), "range"),
        toCluster("e", h([{ name: "x-flag", presentMatch: true }]), "present"),
        toCluster(
          "f",
          h([{ name: "x-user", stringMatch: { exact: "admin" }, invertMatch: true }]),
          "not-admin",
        ),
        toCluster(
          "g",
          { prefix: "/", queryParameters: [{ name: "debug", stringMatch: { exact: "1" } }] },
          "query",
        ),
        toCluster("h", h([{ name: "x-user", presentMatch: false }]), "no-user"),
      ],
    ),
  ]);
  const route = (headers: Record<string, string>, path = "/") =>
    get(cfg, { host: "h", path, headers }).route;
  t.is(route({ "end-user": "jason" }), "jason");
  t.is(route({ "End-User": "jason" }), "jason"); // header names are case-insensitive
  t.is(route({ "end-user": "Jason", "x-ver": "v2.1" }), "prefix");
  t.is(route({ "x-id": "123" }), "regex");
  t.is(route({ "x-id": "1234", "x-n": "15" }), "range");
  t.is(route({ "x-n": "20", "x-flag": "" }), "present");
  t.is(route({ "x-user": "bob" }), "not-admin");
  // A missing header fails an inverted matcher too; the absence check matches it.
  t.is(route({}, "/?debug=1"), "query");
  t.is(route({}, "/?debug=2"), "no-user");
  t.is(route({ "x-user": "admin" }), undefined);
  t.is(get(cfg, { protocol: "grpc", host: "h", headers: { "end-user": "jason" } }).route, "jason");
});

test("weighted clusters: every cluster with its weight and endpoints; callNum picks by cumulative weight", (t) => {
  const split = {
    name: "split",
    match: { prefix: "/" },
    route: {
      weightedClusters: {
        clusters: [
          { name: "v1", weight: { value: 90 } },
          { name: "v2", weight: { value: 10 } },
        ],
      },
    },
  };
  const cfg = gateway([vhost("vh", ["*"], [split])]);
  const r = get(cfg, { host: "h" });
  t.like(r, { route: "split", cluster: "v1", failure: undefined });
  t.deepEqual(r.clusters, [
    { name: "v1", weight: 90, endpoints: ["10.0.1.14:80"] },
    { name: "v2", weight: 10, endpoints: ["10.0.1.15:80"] },
  ]);
  const picks = Array.from({ length: 100 }, (_, n) => get(cfg, { host: "h", callNum: n }).cluster);
  t.is(picks.filter((c) => c === "v1").length, 90);
  t.deepEqual(get(cfg, { host: "h", callNum: 95 }).endpoints, ["10.0.1.15:80"]);
});

test("redirect, direct response and cluster header actions", (t) => {
  const cfg = gateway([
    vhost(
      "vh",
      ["*"],
      [
        {
          name: "redirect",
          match: { prefix: "/old" },
          redirect: { pathRedirect: "/new", responseCode: "FOUND" },
        },
        {
          name: "direct",
          match: { prefix: "/health" },
          directResponse: { status: 200, body: { inlineString: "ok" } },
        },
        { name: "by-header", match: { prefix: "/" }, route: { clusterHeader: "x-cluster" } },
      ],
    ),
  ]);
  t.deepEqual(get(cfg, { host: "h", path: "/old/x" }).redirect, {
    pathRedirect: "/new",
    responseCode: "FOUND",
  });
  t.deepEqual(get(cfg, { host: "h", path: "/health" }).directResponse, { status: 200, body: "ok" });
  t.like(get(cfg, { host: "h", headers: { "x-cluster": "a" } }), {
    route: "by-header",
    cluster: "a",
  });
  t.like(get(cfg, { host: "h" }), { failure: "cluster header x-cluster is missing → 404" });
});

test("names a request depends on must have been sent: route configuration, cluster, endpoints", (t) => {
  const cfg = gateway([vhost("vh", ["*"], [toCluster("missing", { prefix: "/" }, "r")])]);
  t.like(get(cfg, { host: "h" }), { route: "r", failure: "cluster missing not sent" });
  const noRoutes = { ...gateway([]), routes: [] };
  t.like(get(noRoutes, { host: "h" }), {
    listener: "0.0.0.0_8080",
    failure: "route configuration http.8080 not sent",
  });
  const noEndpoints = { ...gateway([vhost("vh", ["*"], [toCluster("a")])]), endpoints: [] };
  t.like(get(noEndpoints, { host: "h" }), { failure: "endpoints of cluster a (a) not sent" });
  const empty = {
    ...gateway([vhost("vh", ["*"], [toCluster("s")])]),
    clusters: [staticCluster("s")],
  };
  t.like(get(empty, { host: "h" }), { cluster: "s", failure: "cluster s has no endpoints → 503" });
});
