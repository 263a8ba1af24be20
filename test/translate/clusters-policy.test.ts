// CDS: which DestinationRule applies and which part of it reaches each cluster.

import test from "ava";
import { buildOutboundCluster } from "../../src/translate/clusters/index.js";
import { generateClusters } from "../../src/translate/clusters/index.js";
import { clustersOf, ctxFor, pod, proxy, service } from "./clusters-helpers.js";

const REVIEWS = "outbound|9080||reviews.prod.svc.cluster.local";

function dr(ns: string, body: string, name = "reviews"): string {
  return `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${ns} }
spec:
${body}
---
`;
}

const precedence =
  service("reviews", "prod") +
  dr(
    "prod",
    "  host: reviews.prod.svc.cluster.local\n  trafficPolicy: { loadBalancer: { simple: RANDOM } }",
  ) +
  dr(
    "client",
    "  host: reviews.prod.svc.cluster.local\n  exportTo: ['.']\n  trafficPolicy: { loadBalancer: { simple: ROUND_ROBIN } }",
  ) +
  dr(
    "istio-system",
    "  host: '*.svc.cluster.local'\n  trafficPolicy: { loadBalancer: { simple: LEAST_REQUEST } }",
    "mesh-default",
  );

test("DestinationRule precedence is per proxy namespace: own namespace, then the service's, then root", (t) => {
  t.is(clustersOf(ctxFor(precedence, proxy("client"))).get(REVIEWS)?.lbPolicy, "ROUND_ROBIN");
  t.is(clustersOf(ctxFor(precedence, proxy("other"))).get(REVIEWS)?.lbPolicy, "RANDOM");
  const rootOnly =
    service("reviews", "prod") +
    dr(
      "istio-system",
      "  host: '*.svc.cluster.local'\n  trafficPolicy: { loadBalancer: { simple: RANDOM } }",
      "mesh-default",
    );
  t.is(clustersOf(ctxFor(rootOnly, proxy("other"))).get(REVIEWS)?.lbPolicy, "RANDOM");
});

test("exportTo hides a rule from other namespaces: they get no subsets and the default policy", (t) => {
  const yaml =
    service("reviews", "prod") +
    dr(
      "prod",
      "  host: reviews\n  exportTo: ['.']\n  trafficPolicy: { loadBalancer: { simple: RANDOM } }\n  subsets: [{ name: v1, labels: { version: v1 } }]",
    );
  const own = clustersOf(ctxFor(yaml, proxy("prod")));
  t.is(own.get(REVIEWS)?.lbPolicy, "RANDOM");
  t.true(own.has("outbound|9080|v1|reviews.prod.svc.cluster.local"));
  const other = clustersOf(ctxFor(yaml, proxy("client")));
  t.is(other.get(REVIEWS)?.lbPolicy, "LEAST_REQUEST");
  t.false(other.has("outbound|9080|v1|reviews.prod.svc.cluster.local"));
});

test("portLevelSettings replace the top-level policy for their port, without inheriting from it", (t) => {
  const yaml =
    service("reviews", "prod", "[{ name: http, port: 9080 }, { name: http-admin, port: 9090 }]") +
    dr(
      "prod",
      `  host: reviews
  trafficPolicy:
    loadBalancer: { simple: RANDOM }
    connectionPool: { tcp: { maxConnections: 10 } }
    portLevelSettings:
      - port: { number: 9080 }
        loadBalancer: { simple: ROUND_ROBIN }`,
    );
  const c = clustersOf(ctxFor(yaml, proxy("prod")));
  const p9080 = c.get(REVIEWS)!;
  const p9090 = c.get("outbound|9090||reviews.prod.svc.cluster.local")!;
  t.is(p9080.lbPolicy, "ROUND_ROBIN");
  t.is(p9080.circuitBreakers.thresholds[0].maxConnections.value, 4294967295);
  t.is(p9090.lbPolicy, "RANDOM");
  t.is(p9090.circuitBreakers.thresholds[0].maxConnections.value, 10);
});

test("a subset's policy overrides the destination's component by component", (t) => {
  const yaml =
    service("reviews", "prod") +
    dr(
      "prod",
      `  host: reviews
  trafficPolicy:
    loadBalancer: { simple: RANDOM }
    outlierDetection: { consecutive5xxErrors: 7 }
  subsets:
    - name: v1
      labels: { version: v1 }
      trafficPolicy:
        connectionPool: { tcp: { maxConnections: 100 }, http: { http2MaxRequests: 50 } }
    - name: v2
      labels: { version: v2 }
      trafficPolicy:
        loadBalancer: { consistentHash: { httpHeaderName: x-user, ringHash: { minimumRingSize: 2048 } } }`,
    );
  const c = clustersOf(ctxFor(yaml, proxy("prod")));
  const v1 = c.get("outbound|9080|v1|reviews.prod.svc.cluster.local")!;
  t.is(v1.lbPolicy, "RANDOM");
  t.is(v1.outlierDetection.consecutive_5xx.value, 7);
  t.is(v1.circuitBreakers.thresholds[0].maxConnections.value, 100);
  t.is(v1.circuitBreakers.thresholds[0].maxRequests.value, 50);
  const v2 = c.get("outbound|9080|v2|reviews.prod.svc.cluster.local")!;
  t.is(v2.lbPolicy, "RING_HASH");
  t.deepEqual(v2.ringHashLbConfig, { minimumRingSize: { value: 2048 } });
  t.is(v2.outlierDetection.consecutive_5xx.value, 7);
  t.is(v2.circuitBreakers.thresholds[0].maxConnections.value, 4294967295);
  const base = c.get(REVIEWS)!;
  t.is(base.circuitBreakers.thresholds[0].maxConnections.value, 4294967295);
});

test("consistentHash without ringHash / maglev uses a 1024 ring; maglev keeps its table size", (t) => {
  const yaml = (lb: string) =>
    service("reviews", "prod") +
    dr("prod", `  host: reviews\n  trafficPolicy: { loadBalancer: ${lb} }`);
  const ring = clustersOf(
    ctxFor(yaml("{ consistentHash: { useSourceIp: true } }"), proxy("prod")),
  ).get(REVIEWS)!;
  t.is(ring.lbPolicy, "RING_HASH");
  t.deepEqual(ring.ringHashLbConfig, { minimumRingSize: { value: 1024 } });
  const maglev = clustersOf(
    ctxFor(
      yaml(
        "{ consistentHash: { httpCookie: { name: u, ttl: 0s }, maglev: { tableSize: 65537 } } }",
      ),
      proxy("prod"),
    ),
  ).get(REVIEWS)!;
  t.is(maglev.lbPolicy, "MAGLEV");
  t.deepEqual(maglev.maglevLbConfig, { tableSize: { value: 65537 } });
});

test("a Sidecar's egress hosts limit the outbound clusters of the proxies it applies to", (t) => {
  const yaml =
    service("reviews", "prod") +
    service("ratings", "prod") +
    service("httpbin", "other") +
    `apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: { name: default, namespace: prod }
spec:
  egress: [{ hosts: ["./reviews.prod.svc.cluster.local"] }]
---
`;
  const outbound = (ns: string) =>
    [...clustersOf(ctxFor(yaml, proxy(ns))).keys()].filter((n) => n.startsWith("outbound|"));
  t.deepEqual(outbound("prod"), [REVIEWS]);
  t.is(outbound("other").length, 3);
  // Gateways never take a Sidecar: every visible service.
  t.is(
    generateClusters(ctxFor(yaml, proxy("prod", {}, "router"))).filter((c) =>
      c.name.startsWith("outbound|"),
    ).length,
    3,
  );
});

test("buildOutboundCluster builds the same cluster the generator sends, subsets included", (t) => {
  const yaml =
    service("reviews", "prod") +
    pod("reviews-v1", "reviews", "10.1.0.1", { version: "v1" }, true, "prod") +
    dr("prod", "  host: reviews\n  subsets: [{ name: v1, labels: { version: v1 } }]");
  const ctx = ctxFor(yaml, proxy("prod"));
  const svc = ctx.model.serviceByHost("reviews", "prod")!;
  const all = clustersOf(ctx);
  t.deepEqual(
    buildOutboundCluster(ctx, svc, 9080, "v1"),
    all.get("outbound|9080|v1|reviews.prod.svc.cluster.local"),
  );
  t.deepEqual(buildOutboundCluster(ctx, svc, 9080), all.get(REVIEWS));
  t.is(buildOutboundCluster(ctx, svc, 9080, "v9"), undefined);
  t.is(buildOutboundCluster(ctx, svc, 1234), undefined);
});
