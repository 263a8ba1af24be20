// Proxy identity: Istio node ids and metadata; malformed or missing nodes get a clear gRPC error.

import test from "ava";
import { jsonToStruct } from "../../src/xds/protos.js";
import { parseProxy, ProxyIdentityError } from "../../src/xds/proxy-identity.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, snapshot } from "./helpers/resources.js";

test("a sidecar node id and metadata become a Proxy", (t) => {
  const p = parseProxy({
    id: "sidecar~10.1.2.3~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local",
    metadata: jsonToStruct({
      NAMESPACE: "bookinfo",
      LABELS: { app: "reviews", version: "v1" },
      CLUSTER_ID: "east",
      NETWORK: "net1",
      ISTIO_VERSION: "1.30.0",
      SERVICE_ACCOUNT: "bookinfo-reviews",
      INSTANCE_IPS: "10.1.2.3,fd00::3",
    }),
    locality: { region: "us-east1", zone: "us-east1-b", subZone: "" },
    userAgentName: "envoy",
    userAgentVersion: "1.36.0",
  });
  t.like(p, {
    kind: "sidecar",
    podName: "reviews-v1-abc",
    namespace: "bookinfo",
    dnsDomain: "bookinfo.svc.cluster.local",
    clusterId: "east",
    network: "net1",
    istioVersion: "1.30.0",
    serviceAccount: "bookinfo-reviews",
    userAgent: "envoy/1.36.0",
  });
  t.deepEqual(p.labels, { app: "reviews", version: "v1" });
  t.deepEqual(p.ipAddresses, ["10.1.2.3", "fd00::3"]);
  t.deepEqual(p.locality, { region: "us-east1", zone: "us-east1-b", subZone: "" });
});

test("router and proxyless gRPC kinds", (t) => {
  t.is(
    parseProxy({ id: "router~10.0.0.9~gw-1.istio-system~istio-system.svc.cluster.local" }).kind,
    "router",
  );
  const g = parseProxy({
    id: "sidecar~10.0.0.5~client-1.default~default.svc.cluster.local",
    metadata: jsonToStruct({ GENERATOR: "grpc" }),
  });
  t.is(g.kind, "proxyless");
  t.is(g.namespace, "default", "namespace falls back to the node id");
});

test("malformed nodes are rejected with a message naming the problem", (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [undefined, /must carry node/],
    [{ id: "" }, /must carry node/],
    [{ id: "just-a-name" }, /is not TYPE~IP~POD.NAMESPACE~DOMAIN/],
    [{ id: "waypoint~1.2.3.4~a.b~b.svc" }, /type "waypoint"/],
    [{ id: "sidecar~~a.b~b.svc" }, /no IP address/],
    [{ id: "sidecar~1.2.3.4~nodots~b.svc" }, /is not POD.NAMESPACE/],
    [{ id: "sidecar~1.2.3.4~a.b~b.svc", metadata: jsonToStruct({ LABELS: "app=x" }) }, /LABELS/],
  ];
  for (const [node, re] of bad) {
    const e = t.throws(() => parseProxy(node as never), { instanceOf: ProxyIdentityError });
    t.regex(e.message, re);
  }
});

test("over gRPC: a missing or malformed node ends the stream with INVALID_ARGUMENT; others are served", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const none = h.client({ node: null });
  none.request(TypeUrl.Cluster);
  const s1 = await none.status;
  t.is(s1.code, 3);
  t.regex(s1.details, /must carry node/);
  const bad = h.client({ node: { id: "nonsense" } });
  bad.request(TypeUrl.Cluster);
  const s2 = await bad.status;
  t.is(s2.code, 3);
  t.regex(s2.details, /not TYPE~IP/);
  const ok = h.client();
  ok.request(TypeUrl.Cluster);
  t.deepEqual((await ok.next(TypeUrl.Cluster)).names(), ["a"]);
});
