// CDS: sidecar inbound clusters, the catch-alls, and which pods count as having a sidecar.

import test from "ava";
import { clustersOf, ctxFor, pod, proxy, service, type Msg } from "./clusters-helpers.js";
import { assignmentsOf } from "./clusters-helpers.js";

const app =
  service("reviews", "default", "[{ name: http, port: 9080 }, { name: grpc, port: 7070 }]") +
  pod("reviews-v1", "reviews", "10.0.0.5", { version: "v1" });
const reviewsProxy = proxy("default", { app: "reviews", version: "v1" }, "sidecar", {
  ips: ["10.0.0.5"],
});

test("a sidecar gets inbound|PORT|| per workload port: ORIGINAL_DST from 127.0.0.6", (t) => {
  const c = clustersOf(ctxFor(app, reviewsProxy));
  const inbound = c.get("inbound|9080||")!;
  t.is(inbound.type, "ORIGINAL_DST");
  t.is(inbound.lbPolicy, "CLUSTER_PROVIDED");
  t.deepEqual(inbound.upstreamBindConfig, {
    sourceAddress: { address: "127.0.0.6", portValue: 0 },
  });
  t.is(inbound.loadAssignment, undefined);
  const grpc = c.get("inbound|7070||")!;
  t.deepEqual(
    grpc.typedExtensionProtocolOptions["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
      .explicitHttpConfig,
    { http2ProtocolOptions: {} },
  );
  for (const name of ["BlackHoleCluster", "PassthroughCluster", "InboundPassthroughCluster"])
    t.true(c.has(name), name);
});

test("inboundTrafficPolicy LOCALHOST sends inbound traffic to 127.0.0.1 (STATIC)", (t) => {
  const yaml =
    app +
    `apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: "inboundTrafficPolicy: { mode: LOCALHOST }"
---
`;
  const inbound = clustersOf(ctxFor(yaml, reviewsProxy)).get("inbound|9080||")!;
  t.is(inbound.type, "STATIC");
  t.deepEqual(inbound.loadAssignment.endpoints[0].lbEndpoints[0].endpoint.address, {
    socketAddress: { address: "127.0.0.1", portValue: 9080 },
  });
  t.is(inbound.upstreamBindConfig, undefined);
});

test("a Sidecar ingress listener makes the inbound cluster, to its defaultEndpoint", (t) => {
  const yaml =
    app +
    `apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: { name: reviews, namespace: default }
spec:
  workloadSelector: { labels: { app: reviews } }
  ingress:
    - port: { number: 9080, protocol: HTTP, name: http }
      defaultEndpoint: 0.0.0.0:8080
---
`;
  const c = clustersOf(ctxFor(yaml, reviewsProxy));
  t.false(c.has("inbound|7070||"));
  const inbound = c.get("inbound|9080||")!;
  t.is(inbound.type, "STATIC");
  t.deepEqual(inbound.loadAssignment.endpoints[0].lbEndpoints[0].endpoint.address, {
    socketAddress: { address: "10.0.0.5", portValue: 8080 },
  });
});

test("gateways get no inbound or passthrough clusters", (t) => {
  const c = clustersOf(ctxFor(app, proxy("istio-system", { istio: "ingressgateway" }, "router")));
  t.deepEqual(
    [...c.keys()].filter((n) => !n.startsWith("outbound|")),
    ["BlackHoleCluster"],
  );
});

test("pods with a sidecar (label, istio-proxy container, injector annotation) get tlsMode metadata", (t) => {
  const withContainer = pod("a", "reviews", "10.0.0.1").replace(
    "containers: [{ name: app,",
    "containers: [{ name: istio-proxy, image: proxyv2, args: [proxy, sidecar] }, { name: app,",
  );
  const gateway = pod("b", "reviews", "10.0.0.2").replace(
    "containers: [{ name: app,",
    "containers: [{ name: istio-proxy, image: proxyv2, args: [proxy, router] }, { name: app,",
  );
  const annotated = pod("c", "reviews", "10.0.0.3").replace(
    "  namespace: default\n",
    "  namespace: default\n  annotations: { sidecar.istio.io/status: '{}' }\n",
  );
  const optedOut = pod("d", "reviews", "10.0.0.4", { "security.istio.io/tlsMode": "disabled" });
  const yaml = service("reviews") + withContainer + gateway + annotated + optedOut;
  const a = assignmentsOf(ctxFor(yaml, proxy("default"))).get(
    "outbound|9080||reviews.default.svc.cluster.local",
  )!;
  const tls = a.endpoints[0].lbEndpoints.map((e: Msg) => [
    e.endpoint.address.socketAddress.address,
    e.metadata?.filterMetadata["envoy.transport_socket_match"].fields.tlsMode.stringValue,
  ]);
  t.deepEqual(tls, [
    ["10.0.0.1", "istio"],
    ["10.0.0.2", undefined],
    ["10.0.0.3", "istio"],
    ["10.0.0.4", undefined],
  ]);
});
