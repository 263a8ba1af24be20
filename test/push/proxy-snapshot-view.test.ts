// The node an xDS client sends → the proxy view the model and generators read (and the key that
// decides which proxies share a snapshot).

import test from "ava";
import { proxyViewKey, proxyViewOf } from "../../src/push/proxy-view.js";
import { jsonToStruct } from "../../src/xds/protos.js";
import { parseProxy } from "../../src/xds/proxy-identity.js";

const node = (id: string, metadata: Record<string, unknown>, locality = {}) =>
  parseProxy({ id, metadata: jsonToStruct(metadata), locality } as never);

test("an Istio sidecar's node metadata maps onto the view", (t) => {
  const p = node(
    "sidecar~10.1.2.3~reviews-v1-abc.default~default.svc.cluster.local",
    {
      NAMESPACE: "bookinfo",
      LABELS: { app: "reviews", version: "v1" },
      INSTANCE_IPS: "10.1.2.3,fd00::3",
      CLUSTER_ID: "east",
      NETWORK: "net-1",
      SERVICE_ACCOUNT: "bookinfo-reviews",
    },
    { region: "eu", zone: "eu-1", subZone: "a" },
  );
  t.deepEqual(proxyViewOf(p), {
    kind: "sidecar",
    namespace: "bookinfo",
    labels: { app: "reviews", version: "v1" },
    ips: ["10.1.2.3", "fd00::3"],
    clusterId: "east",
    network: "net-1",
    serviceAccount: "bookinfo-reviews",
    locality: "eu/eu-1/a",
  });
});

test("kind: router for gateways, proxyless for GENERATOR=grpc; the node id fills the gaps", (t) => {
  const gw = node("router~10.0.0.9~gw-1.istio-system~istio-system.svc.cluster.local", {});
  t.deepEqual(proxyViewOf(gw), {
    kind: "router",
    namespace: "istio-system",
    labels: {},
    ips: ["10.0.0.9"],
  });
  const grpc = node("sidecar~10.0.0.7~client.default~default.svc.cluster.local", {
    GENERATOR: "grpc",
  });
  t.is(proxyViewOf(grpc).kind, "proxyless");
  t.deepEqual(proxyViewOf(grpc).ips, ["10.0.0.7"]);
});

test("views with equal content have equal keys, whatever the order of labels and IPs", (t) => {
  const a = node("sidecar~10.0.0.1~a.ns~ns.svc.cluster.local", {
    LABELS: { app: "x", version: "v1" },
    INSTANCE_IPS: "10.0.0.1,10.0.0.2",
  });
  const b = node("sidecar~10.0.0.2~b.ns~ns.svc.cluster.local", {
    LABELS: { version: "v1", app: "x" },
    INSTANCE_IPS: "10.0.0.2,10.0.0.1",
  });
  const c = node("sidecar~10.0.0.1~c.ns~ns.svc.cluster.local", {
    LABELS: { app: "x", version: "v2" },
    INSTANCE_IPS: "10.0.0.1,10.0.0.2",
  });
  t.is(proxyViewKey(proxyViewOf(a)), proxyViewKey(proxyViewOf(b)));
  t.not(proxyViewKey(proxyViewOf(a)), proxyViewKey(proxyViewOf(c)));
});
