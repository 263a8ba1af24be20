// Gateway route configurations: names, virtual hosts per shared host, merging of several
// VirtualServices, collapsing, 404 when nothing is bound, httpsRedirect.

import test from "ava";
import type { EnvoyMessage } from "../../src/translate/envoy-message.js";
import { generateRoutes } from "../../src/translate/routes/index.js";
import { contextFor, REVIEWS, routeConfig, routesOf, virtualHost } from "./routes-fixture.js";

const GATEWAY_PROXY = {
  kind: "router" as const,
  namespace: "istio-system",
  labels: { istio: "ingressgateway" },
};

const gateway = (name: string, servers: string) => `apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
${servers}
---
`;

const vs = (name: string, spec: string) => `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: ${name}, namespace: default}
spec:
${spec}
---
`;

const names = (rc: EnvoyMessage) => (rc.virtualHosts as EnvoyMessage[]).map((v) => v.name);

test("a Gateway with no VirtualService: blackhole virtual host with no routes (404)", (t) => {
  const ctx = contextFor(
    REVIEWS + gateway("gw", "  - {port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com]}"),
    GATEWAY_PROXY,
  );
  t.deepEqual(routeConfig(ctx, "http.80").virtualHosts, [
    { name: "blackhole:80", domains: ["*"], routes: [] },
  ]);
});

test("route names: http.PORT shared, https.PORT.NAME.GATEWAY.NS per TLS server, none for passthrough", (t) => {
  const ctx = contextFor(
    REVIEWS +
      gateway(
        "gw",
        `  - {port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com]}
  - port: {number: 443, name: https-a, protocol: HTTPS}
    hosts: [a.com]
    tls: {mode: SIMPLE, credentialName: a-cert}
  - port: {number: 8443, name: tls-p, protocol: TLS}
    hosts: [p.com]
    tls: {mode: PASSTHROUGH}`,
      ),
    GATEWAY_PROXY,
  );
  t.deepEqual(
    generateRoutes(ctx).map((r) => r.name),
    ["http.80", "https.443.https-a.gw.default"],
  );
});

test("VirtualServices of one host are concatenated with catch-alls last; hosts intersect", (t) => {
  const ctx = contextFor(
    REVIEWS +
      gateway(
        "gw",
        "  - {port: {number: 80, name: http, protocol: HTTP}, hosts: ['*.example.com']}",
      ) +
      vs(
        "catch-all",
        `  hosts: [shop.example.com]
  gateways: [gw]
  http:
  - name: everything
    route: [{destination: {host: reviews, subset: v1}}]`,
      ) +
      vs(
        "api",
        `  hosts: [shop.example.com, other.org]
  gateways: [gw]
  http:
  - name: api
    match: [{uri: {prefix: /api}}]
    route: [{destination: {host: reviews, subset: v2}}]`,
      ),
    GATEWAY_PROXY,
  );
  const rc = routeConfig(ctx, "http.80");
  t.deepEqual(names(rc), ["shop.example.com:80"]);
  const vh = virtualHost(rc, "shop.example.com:80");
  t.deepEqual(vh.domains, ["shop.example.com"]);
  t.deepEqual(
    routesOf(vh).map((r) => r.name),
    ["api", "everything"],
  );
  // Gateway routes resolve the service's only port.
  t.is(
    (routesOf(vh)[0]!.route as EnvoyMessage).cluster,
    "outbound|9080|v2|reviews.default.svc.cluster.local",
  );
});

test("hosts with the same routes collapse into one virtual host; httpsRedirect requires TLS", (t) => {
  const ctx = contextFor(
    REVIEWS +
      gateway(
        "gw",
        `  - {port: {number: 80, name: http, protocol: HTTP}, hosts: [a.com, b.com]}
  - port: {number: 80, name: http-redirect, protocol: HTTP}
    hosts: [secure.com]
    tls: {httpsRedirect: true}`,
      ) +
      vs(
        "ab",
        `  hosts: [a.com, b.com]
  gateways: [gw]
  http:
  - route: [{destination: {host: reviews}}]`,
      ),
    GATEWAY_PROXY,
  );
  const rc = routeConfig(ctx, "http.80");
  t.deepEqual(names(rc), ["a.com:80", "secure.com:80"]);
  t.deepEqual(virtualHost(rc, "a.com:80").domains, ["a.com", "b.com"]);
  t.like(virtualHost(rc, "secure.com:80"), {
    domains: ["secure.com"],
    routes: [],
    requireTls: "ALL",
  });
});

test("a VirtualService bound to the gateway and mesh is in both (T34); mesh-only is not at the gateway", (t) => {
  const config =
    REVIEWS +
    gateway("gw", "  - {port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}") +
    vs(
      "reviews",
      `  hosts: [reviews]
  gateways: [gw, mesh]
  http:
  - name: both
    route: [{destination: {host: reviews, subset: v1}}]`,
    );
  const gw = routeConfig(contextFor(config, GATEWAY_PROXY), "http.80");
  t.deepEqual(
    routesOf(virtualHost(gw, "reviews.default.svc.cluster.local:80")).map((r) => r.name),
    ["both"],
  );
  const sidecar = routeConfig(contextFor(config), "9080");
  t.deepEqual(
    routesOf(virtualHost(sidecar, "reviews.default.svc.cluster.local:9080")).map((r) => r.name),
    ["both"],
  );
});
