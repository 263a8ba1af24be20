// Sidecar outbound TCP and TLS listeners: headless services (one listener per endpoint IP, never
// the proxy's own), ServiceEntries without addresses, VirtualService `tcp` routes with
// destination subnets, and `tls` routes selecting chains by SNI.

import test from "ava";
import { chains, listenersOf, modelFromYaml, sidecar, terminal } from "./listeners-helpers.js";

const headless = `
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: tcp, port: 5432}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
ports: [{name: tcp, port: 5432, protocol: TCP}]
endpoints:
  - addresses: ["10.2.0.1"]
    conditions: {ready: true}
  - addresses: ["10.2.0.2"]
    conditions: {ready: true}
`;

test("headless TCP service: one listener per endpoint IP, except the proxy's own", (t) => {
  const fromElsewhere = [
    ...listenersOf(modelFromYaml(headless), sidecar("default", {}, ["10.9.9.9"])).keys(),
  ];
  t.true(fromElsewhere.includes("10.2.0.1_5432") && fromElsewhere.includes("10.2.0.2_5432"));
  const fromPod = [
    ...listenersOf(modelFromYaml(headless), sidecar("default", { app: "db" }, ["10.2.0.1"])).keys(),
  ];
  t.false(fromPod.includes("10.2.0.1_5432"));
  t.true(fromPod.includes("10.2.0.2_5432"));
});

test("a ServiceEntry with resolution NONE and no endpoints listens on 0.0.0.0", (t) => {
  const se = `
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: any-db, namespace: default}
spec:
  hosts: [db.example.com]
  ports: [{number: 3307, name: tcp, protocol: TCP}]
  resolution: NONE
`;
  const l = listenersOf(modelFromYaml(se), sidecar("default", {})).get("0.0.0.0_3307");
  t.truthy(l);
  t.is(terminal(chains(l)[0]!).cluster, "outbound|3307||db.example.com");
});

const tcpService = `
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: default}
spec:
  clusterIP: 10.96.3.3
  selector: {app: legacy}
  ports: [{name: tcp, port: 7000}]
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: legacy, namespace: default}
spec:
  host: legacy
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`;

test("tcp routes: a subnet match gets its own chain, the first match-all route ends the list", (t) => {
  const vs = `
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: legacy, namespace: default}
spec:
  hosts: [legacy]
  tcp:
    - match: [{destinationSubnets: [10.96.3.0/24]}]
      route: [{destination: {host: legacy, subset: v2}}]
    - route: [{destination: {host: legacy, subset: v1}}]
    - route: [{destination: {host: legacy}}]
`;
  const l = listenersOf(modelFromYaml(tcpService + vs), sidecar("default", {})).get(
    "10.96.3.3_7000",
  )!;
  const cs = chains(l);
  t.deepEqual(cs[0]!.filterChainMatch, {
    prefixRanges: [{ addressPrefix: "10.96.3.0", prefixLen: { value: 24 } }],
  });
  t.is(terminal(cs[0]!).cluster, "outbound|7000|v2|legacy.default.svc.cluster.local");
  t.is(cs.length, 1, "the match-all route is the default chain");
  t.is(
    terminal(l.defaultFilterChain as Record<string, unknown>).cluster,
    "outbound|7000|v1|legacy.default.svc.cluster.local",
  );
});

test("tcp routes with an undefined subset name BlackHoleCluster, never a missing cluster", (t) => {
  const vs = `
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: legacy, namespace: default}
spec:
  hosts: [legacy]
  tcp:
    - route: [{destination: {host: legacy, subset: v9}, weight: 50}, {destination: {host: legacy, subset: v1}, weight: 50}]
`;
  const l = listenersOf(modelFromYaml(tcpService + vs), sidecar("default", {})).get(
    "10.96.3.3_7000",
  )!;
  const proxy = terminal(chains(l)[0]!);
  t.is(proxy.statPrefix, "legacy.default");
  t.deepEqual(proxy.weightedClusters, {
    clusters: [
      { name: "BlackHoleCluster", weight: 50 },
      { name: "outbound|7000|v1|legacy.default.svc.cluster.local", weight: 50 },
    ],
  });
});

test("tls routes: one chain per distinct SNI match; sourceLabels are decided per proxy", (t) => {
  const yaml = `
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: wiki, namespace: default}
spec:
  hosts: ["*.wikipedia.org"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
---
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: en-wiki, namespace: default}
spec:
  hosts: [en.wikipedia.org]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: wiki, namespace: default}
spec:
  hosts: ["*.wikipedia.org"]
  tls:
    - match: [{port: 443, sniHosts: [en.wikipedia.org], sourceLabels: {app: reader}}]
      route: [{destination: {host: en.wikipedia.org}}]
    - match: [{port: 443, sniHosts: [de.wikipedia.org]}]
      route: [{destination: {host: "*.wikipedia.org"}}]
`;
  const listener = (labels: Record<string, string>) =>
    listenersOf(modelFromYaml(yaml), sidecar("default", labels)).get("0.0.0.0_443");
  const sni = (labels: Record<string, string>) =>
    chains(listener(labels)).map(
      (c) => (c.filterChainMatch as { serverNames: string[] }).serverNames,
    );
  t.deepEqual(sni({ app: "reader" }), [["en.wikipedia.org"], ["de.wikipedia.org"]]);
  t.deepEqual(sni({ app: "writer" }), [["de.wikipedia.org"]]);
  t.deepEqual(
    chains(listener({ app: "reader" })).map((c) => terminal(c).cluster),
    ["outbound|443||en.wikipedia.org", "outbound|443||*.wikipedia.org"],
  );
  const fallback = listener({ app: "writer" })!.defaultFilterChain as Record<string, unknown>;
  t.is(fallback.name, "PassthroughFilterChain");
});
