// Sidecar outbound listeners: what the Sidecar resource's egress and ingress listeners change,
// which Sidecar applies, and the outboundTrafficPolicy (mesh config or Sidecar) switching the
// catch-all between PassthroughCluster and BlackHoleCluster without touching anything else.

import test from "ava";
import { generateListeners } from "../../src/translate/listeners/index.js";
import { translateContext } from "../../src/translate/context.js";
import {
  chains,
  configMap,
  inboundChainsFor,
  listenersOf,
  modelFromYaml,
  serviceWithPod,
  sidecar,
  terminal,
} from "./listeners-helpers.js";

const mesh =
  serviceWithPod("reviews", "bookinfo", "10.96.1.1", "[{name: http, port: 9080}]", "10.1.1.1") +
  "---" +
  serviceWithPod("ratings", "bookinfo", "10.96.1.2", "[{name: http, port: 9080}]", "10.1.1.2") +
  "---" +
  serviceWithPod("db", "bookinfo", "10.96.1.3", "[{name: tcp, port: 5432}]", "10.1.1.3") +
  "---" +
  serviceWithPod(
    "other",
    "other",
    "10.96.1.4",
    "[{name: tcp, port: 6379}, {name: http, port: 8080}]",
    "10.1.1.4",
  );

const reviews = sidecar("bookinfo", { app: "reviews" }, ["10.1.1.1"]);
const ratings = sidecar("bookinfo", { app: "ratings" }, ["10.1.1.2"]);

const nsDefault = `
---
apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata: {name: default, namespace: bookinfo}
spec:
  egress:
    - hosts: ["./*"]
`;

test("no Sidecar: listeners for every service port; HTTP shared per port, TCP per VIP", (t) => {
  const names = [...listenersOf(modelFromYaml(mesh), reviews).keys()].sort();
  t.deepEqual(names, [
    "0.0.0.0_8080",
    "0.0.0.0_9080",
    "10.96.1.3_5432",
    "10.96.1.4_6379",
    "virtualInbound",
    "virtualOutbound",
  ]);
  const http = listenersOf(modelFromYaml(mesh), reviews).get("0.0.0.0_9080")!;
  const hcm = terminal(chains(http)[0]!);
  t.is((hcm.rds as { routeConfigName: string }).routeConfigName, "9080");
  t.is(hcm.statPrefix, "outbound_0.0.0.0_9080");
  t.deepEqual(http.bindToPort, { value: false });
  const tcp = listenersOf(modelFromYaml(mesh), reviews).get("10.96.1.3_5432")!;
  t.is(terminal(chains(tcp)[0]!).cluster, "outbound|5432||db.bookinfo.svc.cluster.local");
});

test("namespace default Sidecar egress ./*: other namespaces' listeners disappear", (t) => {
  const names = [...listenersOf(modelFromYaml(mesh + nsDefault), reviews).keys()].sort();
  t.deepEqual(names, ["0.0.0.0_9080", "10.96.1.3_5432", "virtualInbound", "virtualOutbound"]);
});

test("workloadSelector Sidecar wins over the namespace default; egress port locks its listener", (t) => {
  const selected = `
---
apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata: {name: ratings, namespace: bookinfo}
spec:
  workloadSelector: {labels: {app: ratings}}
  egress:
    - port: {number: 7000, protocol: TCP, name: tcp}
      hosts: ["./db.bookinfo.svc.cluster.local"]
    - hosts: ["*/*"]
`;
  const model = modelFromYaml(mesh + nsDefault + selected);
  const forRatings = listenersOf(model, ratings);
  t.true(forRatings.has("10.96.1.4_6379"), "ratings sees other namespaces");
  const egress = forRatings.get("10.96.1.3_7000")!;
  t.is(terminal(chains(egress)[0]!).cluster, "outbound|5432||db.bookinfo.svc.cluster.local");
  t.false(listenersOf(model, reviews).has("10.96.1.4_6379"), "reviews keeps the namespace default");
});

test("Sidecar ingress replaces the service ports; captureMode NONE binds its own listener", (t) => {
  const ingress = `
---
apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata: {name: ratings, namespace: bookinfo}
spec:
  workloadSelector: {labels: {app: ratings}}
  ingress:
    - port: {number: 9999, protocol: HTTP, name: http-admin}
      defaultEndpoint: 127.0.0.1:8080
    - port: {number: 5555, protocol: TCP, name: tcp-raw}
      defaultEndpoint: 127.0.0.1:5556
      captureMode: NONE
  egress:
    - hosts: ["./*"]
`;
  const ls = listenersOf(modelFromYaml(mesh + ingress), ratings);
  t.deepEqual(inboundChainsFor(ls, 9080), [], "the service port is not served");
  const admin = inboundChainsFor(ls, 9999);
  t.true(admin.length > 0);
  const route = terminal(admin[0]!).routeConfig as { name: string };
  t.is(route.name, "inbound|9999||");
  const own = ls.get("0.0.0.0_5555")!;
  t.truthy(own, "captureMode NONE: a listener bound to the port");
  t.is(own.bindToPort, undefined);
  t.is(terminal(chains(own)[0]!).cluster, "inbound|5555||");
});

test("ALLOW_ANY ↔ REGISTRY_ONLY in mesh config changes only the catch-all destinations", (t) => {
  const allow = listenersOf(modelFromYaml(mesh), reviews);
  const only = listenersOf(
    modelFromYaml(mesh + "---" + configMap("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY")),
    reviews,
  );
  t.deepEqual([...allow.keys()], [...only.keys()]);
  const catchAll = (l: Map<string, Record<string, unknown>>) =>
    terminal(chains(l.get("virtualOutbound"))[1]!).cluster;
  t.is(catchAll(allow), "PassthroughCluster");
  t.is(catchAll(only), "BlackHoleCluster");
  const fallback = (l: Map<string, Record<string, unknown>>) =>
    terminal(l.get("0.0.0.0_9080")!.defaultFilterChain as Record<string, unknown>).cluster;
  t.is(fallback(allow), "PassthroughCluster");
  t.is(fallback(only), "BlackHoleCluster");
  const swap = (s: string) => s.replaceAll('"PassthroughCluster"', '"BlackHoleCluster"');
  for (const [name, l] of allow)
    t.true(
      swap(JSON.stringify(l)) === JSON.stringify(only.get(name)),
      `${name} differs beyond the catch-all`,
    );
});

test("a Sidecar's outboundTrafficPolicy overrides mesh config; egressProxy takes unknown traffic", (t) => {
  const policy = (p: string) => `
---
apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata: {name: default, namespace: bookinfo}
spec:
  outboundTrafficPolicy: ${p}
`;
  const cluster = (yaml: string) =>
    terminal(chains(listenersOf(modelFromYaml(yaml), reviews).get("virtualOutbound"))[1]!).cluster;
  t.is(cluster(mesh + policy("{mode: REGISTRY_ONLY}")), "BlackHoleCluster");
  t.is(
    cluster(
      mesh +
        "---" +
        configMap("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY") +
        policy("{mode: ALLOW_ANY}"),
    ),
    "PassthroughCluster",
  );
  t.is(
    cluster(
      mesh +
        policy(
          "{mode: ALLOW_ANY, egressProxy: {host: egress.istio-system.svc.cluster.local, port: {number: 443}}}",
        ),
    ),
    "outbound|443||egress.istio-system.svc.cluster.local",
  );
});

test("virtualOutbound: 15001, original destination, blackhole for 15001 itself", (t) => {
  const vo = listenersOf(modelFromYaml(mesh), reviews).get("virtualOutbound")!;
  t.deepEqual(vo.address, { socketAddress: { address: "0.0.0.0", portValue: 15001 } });
  t.deepEqual(vo.useOriginalDst, { value: true });
  t.is(vo.trafficDirection, "OUTBOUND");
  const [blackhole, catchAll] = chains(vo);
  t.deepEqual(blackhole!.filterChainMatch, { destinationPort: { value: 15001 } });
  t.is(terminal(blackhole!).cluster, "BlackHoleCluster");
  t.is(catchAll!.name, "virtualOutbound-catchall-tcp");
});

test("an HTTP and a TCP service on one wildcard port become one sniffed listener", (t) => {
  const yaml = `
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: tcp-ext, namespace: default}
spec:
  hosts: [tcp.example.com]
  ports: [{number: 8443, name: tcp, protocol: TCP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: http-ext, namespace: default}
spec:
  hosts: [http.example.com]
  ports: [{number: 8443, name: http, protocol: HTTP}]
  resolution: DNS
`;
  const l = listenersOf(modelFromYaml(yaml), sidecar("default", {})).get("0.0.0.0_8443")!;
  const cs = chains(l);
  t.is(cs.length, 1, "the HTTP chain is selected by ALPN");
  t.deepEqual(cs[0]!.filterChainMatch, {
    transportProtocol: "raw_buffer",
    applicationProtocols: ["http/1.1", "h2c"],
  });
  t.is(
    terminal(l.defaultFilterChain as Record<string, unknown>).cluster,
    "outbound|8443||tcp.example.com",
  );
});

test("proxyless gRPC clients get no listeners from LDS", (t) => {
  const ctx = translateContext(modelFromYaml(mesh), { ...reviews, kind: "proxyless" });
  t.deepEqual(generateListeners(ctx), []);
});
