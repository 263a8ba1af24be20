// EDS: which endpoints a cluster gets, grouped by locality, and locality load balancing.

import test from "ava";
import { generateClusters } from "../../src/translate/clusters/index.js";
import { generateEndpoints } from "../../src/translate/endpoints/index.js";
import type { LocalityGroup } from "../../src/translate/endpoints/locality.js";
import { parseLocality } from "../../src/translate/endpoints/locality.js";
import { applyLocalityLb, localityMatches } from "../../src/translate/endpoints/locality-lb.js";
import type { WorkloadEndpoint } from "../../src/registry/mesh/types.js";
import { assignmentsOf, ctxFor, pod, proxy, service, type Msg } from "./clusters-helpers.js";

const BASE = "outbound|9080||reviews.default.svc.cluster.local";
const zone = (r: string, z: string) => ({
  "topology.kubernetes.io/region": r,
  "topology.kubernetes.io/zone": z,
});

const mesh =
  service("reviews") +
  pod("reviews-a", "reviews", "10.0.0.1", { version: "v1", ...zone("us", "us-a") }) +
  pod("reviews-b", "reviews", "10.0.0.2", { version: "v1", ...zone("us", "us-a") }) +
  pod("reviews-c", "reviews", "10.0.0.3", { version: "v2", ...zone("eu", "eu-a") }) +
  pod("reviews-down", "reviews", "10.0.0.4", { version: "v2", ...zone("eu", "eu-a") }, false) +
  `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v3, labels: { version: v3 } }
---
`;

function addresses(a: Msg): string[] {
  return (a.endpoints ?? []).flatMap((l: Msg) =>
    (l.lbEndpoints ?? []).map((e: Msg) => e.endpoint.address.socketAddress.address as string),
  );
}

test("only ready endpoints, grouped by locality (sorted), each weighted by its endpoint count", (t) => {
  const a = assignmentsOf(ctxFor(mesh, proxy("default"))).get(BASE)!;
  t.deepEqual(addresses(a), ["10.0.0.3", "10.0.0.1", "10.0.0.2"]);
  t.deepEqual(
    a.endpoints.map((l: Msg) => [l.locality, l.loadBalancingWeight.value]),
    [
      [{ region: "eu", zone: "eu-a" }, 1],
      [{ region: "us", zone: "us-a" }, 2],
    ],
  );
  t.is(a.endpoints[0].lbEndpoints[0].healthStatus, "HEALTHY");
});

test("subset clusters hold the subset's endpoints; an empty subset still gets an assignment", (t) => {
  const all = assignmentsOf(ctxFor(mesh, proxy("default")));
  t.deepEqual(addresses(all.get("outbound|9080|v1|reviews.default.svc.cluster.local")!), [
    "10.0.0.1",
    "10.0.0.2",
  ]);
  t.deepEqual(all.get("outbound|9080|v3|reviews.default.svc.cluster.local"), {
    clusterName: "outbound|9080|v3|reviews.default.svc.cluster.local",
  });
});

test("every EDS cluster has exactly one assignment, and nothing else has one", (t) => {
  const yaml =
    mesh +
    `apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: { name: ext, namespace: default }
spec:
  hosts: [api.example.com]
  resolution: DNS
  ports: [{ number: 443, name: tls, protocol: TLS }]
---
`;
  for (const kind of ["sidecar", "router", "proxyless"] as const) {
    const ctx = ctxFor(yaml, proxy("default", {}, kind));
    const eds = generateClusters(ctx)
      .filter((c) => c.message.type === "EDS")
      .map((c) => c.name)
      .sort();
    t.deepEqual(
      generateEndpoints(ctx)
        .map((e) => e.name)
        .sort(),
      eds,
      kind,
    );
  }
});

function groups(...localities: [string, number][]): LocalityGroup[] {
  return localities.map(([l, weight]) => ({
    locality: parseLocality(l),
    endpoints: [],
    lbEndpoints: [{}],
    weight,
    priority: 0,
    dropped: false,
  }));
}

test("locality rule matching: wildcards and omitted zone / subzone match anything", (t) => {
  const l = parseLocality("us/us-a/rack1");
  t.true(localityMatches(l, "us"));
  t.true(localityMatches(l, "us/*"));
  t.true(localityMatches(l, "us/us-a/rack1"));
  t.true(localityMatches(l, "*"));
  t.false(localityMatches(l, "us/us-b"));
  t.false(localityMatches(l, "eu/*"));
});

test("failover: priorities by shared locality, failover target before other regions, no gaps", (t) => {
  const g = groups(["eu/eu-a", 1], ["us/us-a", 1], ["us/us-b", 1], ["asia/asia-a", 1]);
  applyLocalityLb("us/us-a", {}, g, { failover: [{ from: "us", to: "eu" }] }, true);
  t.deepEqual(
    g.map((x) => x.priority),
    [2, 0, 1, 3],
  );
  const noOutlier = groups(["eu/eu-a", 1], ["us/us-a", 1]);
  applyLocalityLb("us/us-a", {}, noOutlier, { enabled: true }, false);
  t.deepEqual(
    noOutlier.map((x) => x.priority),
    [0, 0],
  );
});

test("distribute: the first matching rule weights destinations; uncovered localities get nothing", (t) => {
  const g = groups(["eu/eu-a", 2], ["us/us-a", 1], ["us/us-b", 3], ["asia/asia-a", 1]);
  applyLocalityLb(
    "us/us-a",
    {},
    g,
    { distribute: [{ from: "us/*", to: { "us/*": 80, "eu/eu-a": 20 } }] },
    false,
  );
  t.deepEqual(
    g.map((x) => [x.weight, x.dropped]),
    [
      [20, false],
      [20, false],
      [60, false],
      [1, true],
    ],
  );
  const unmatched = groups(["eu/eu-a", 2]);
  applyLocalityLb(
    "asia/asia-a",
    {},
    unmatched,
    { distribute: [{ from: "us/*", to: { "us/*": 100 } }] },
    false,
  );
  t.deepEqual(
    unmatched.map((x) => [x.weight, x.dropped]),
    [[2, false]],
  );
});

test("a proxy's locality comes from its workload when it reports none", (t) => {
  const yaml =
    mesh +
    `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: reviews-ol, namespace: client }
spec:
  host: reviews.default.svc.cluster.local
  trafficPolicy: { outlierDetection: { consecutive5xxErrors: 1 } }
---
` +
    pod("client-0", "client", "10.9.0.1", zone("eu", "eu-a"), true, "client");
  const priorities = (p: ReturnType<typeof proxy>) =>
    assignmentsOf(ctxFor(yaml, p))
      .get(BASE)!
      .endpoints.map((l: Msg) => l.priority ?? 0);
  t.deepEqual(
    priorities(proxy("client", { app: "client" }, "sidecar", { ips: ["10.9.0.1"] })),
    [0, 1],
  );
  t.deepEqual(priorities(proxy("client", {}, "sidecar", { locality: "us/us-a" })), [1, 0]);
  t.deepEqual(priorities(proxy("client")), [0, 0]);
});

test("failoverPriority splits localities by the labels endpoints share with the proxy, in order", (t) => {
  const ep = (network: string, cluster: string) =>
    ({
      labels: { "topology.istio.io/network": network, "topology.istio.io/cluster": cluster },
      weight: 1,
    }) as unknown as WorkloadEndpoint;
  const g: LocalityGroup[] = [
    {
      locality: parseLocality("us/us-a"),
      endpoints: [ep("n1", "c1"), ep("n1", "c2"), ep("n2", "c3")],
      lbEndpoints: [{ a: 1 }, { a: 2 }, { a: 3 }],
      weight: 3,
      priority: 0,
      dropped: false,
    },
  ];
  const proxyLabels = { "topology.istio.io/network": "n1", "topology.istio.io/cluster": "c1" };
  const out = applyLocalityLb(
    "us/us-a",
    proxyLabels,
    g,
    { failoverPriority: ["topology.istio.io/network", "topology.istio.io/cluster"] },
    true,
  );
  t.deepEqual(
    out.map((x) => [x.priority, x.weight, x.lbEndpoints]),
    [
      [0, 1, [{ a: 1 }]],
      [1, 1, [{ a: 2 }]],
      [2, 1, [{ a: 3 }]],
    ],
  );
  const pinned = applyLocalityLb(
    "us/us-a",
    proxyLabels,
    g,
    { failoverPriority: ["topology.istio.io/network=n2"] },
    true,
  );
  t.deepEqual(
    pinned.map((x) => [x.priority, x.lbEndpoints.length]),
    [
      [0, 1],
      [1, 2],
    ],
  );
});
