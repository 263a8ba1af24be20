// The push coordinator on real parts: a real ConfigStore and SnapshotPipeline (mesh model and
// generators), the real classifier, debouncer and dependency index, a fake clock, and a recording
// push target in place of the xDS server. Each test counts pushes per proxy.

import test from "ava";
import { Registry } from "prom-client";
import { formatIssue } from "../../src/registry/config-issue.js";
import type { ConfigKey, ConfigObject } from "../../src/registry/config-object.js";
import { ConfigStore, type ChangeSet } from "../../src/registry/config-store.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { PushCoordinator, type PushSummary } from "../../src/push/push-coordinator.js";
import { PushMetrics } from "../../src/push/push-metrics.js";
import { SnapshotPipeline } from "../../src/push/snapshot-pipeline.js";
import type { Proxy } from "../../src/xds/proxy-identity.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { FakeClock } from "../helpers/fake-clock.js";

const MESH = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: b}
spec: {clusterIP: 10.0.0.10, selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: c}
spec: {clusterIP: 10.0.0.12, selector: {app: ratings}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: a}
spec: {clusterIP: 10.0.0.13, selector: {app: frontend}, ports: [{name: http, port: 80}]}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings-vs, namespace: c}
spec:
  hosts: [ratings.c.svc.cluster.local]
  http: [{route: [{destination: {host: ratings.c.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: a}
spec: {egress: [{hosts: ["./*", "istio-system/*"]}]}
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: reviews-x1, namespace: b, labels: {kubernetes.io/service-name: reviews}}
addressType: IPv4
ports: [{name: http, port: 9080, protocol: TCP}]
endpoints: [{addresses: [10.1.0.1], conditions: {ready: true}}]
`;

const SLICE_TWO_ENDPOINTS = `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: reviews-x1, namespace: b, labels: {kubernetes.io/service-name: reviews}}
addressType: IPv4
ports: [{name: http, port: 9080, protocol: TCP}]
endpoints: [{addresses: [10.1.0.1], conditions: {ready: true}}, {addresses: [10.1.0.9], conditions: {ready: true}}]
`;

const ratingsVs = (timeout: string) => `
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings-vs, namespace: c}
spec:
  hosts: [ratings.c.svc.cluster.local]
  http: [{timeout: ${timeout}, route: [{destination: {host: ratings.c.svc.cluster.local}}]}]
`;

function parse(text: string): ConfigObject[] {
  const { objects, issues } = readYamlText(text, "inline.yaml");
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new Error(errors.map(formatIssue).join("\n"));
  return objects;
}

function proxy(
  id: string,
  kind: Proxy["kind"],
  namespace: string,
  labels: Record<string, string>,
  ip: string,
): Proxy {
  return {
    id: `${kind}~${ip}~${id}.${namespace}~${namespace}.svc.cluster.local`,
    kind,
    ipAddresses: [ip],
    podName: id,
    namespace,
    dnsDomain: `${namespace}.svc.cluster.local`,
    labels,
    clusterId: "Kubernetes",
    network: "",
    istioVersion: "1.30.0",
    generator: "",
    serviceAccount: "",
    locality: { region: "", zone: "", subZone: "" },
    userAgent: "",
    metadata: {},
  } as Proxy;
}

const PROXIES = {
  a1: proxy("frontend-1", "sidecar", "a", { app: "frontend" }, "10.1.1.1"),
  a2: proxy("frontend-2", "sidecar", "a", { app: "frontend" }, "10.1.1.1"),
  b1: proxy("reviews-1", "sidecar", "b", { app: "reviews" }, "10.1.0.1"),
  c1: proxy("ratings-1", "sidecar", "c", { app: "ratings" }, "10.1.2.1"),
  gw: proxy("ingress-1", "router", "istio-system", { istio: "ingressgateway" }, "10.1.3.1"),
};
type Name = keyof typeof PROXIES;
const nameOf = new Map(Object.entries(PROXIES).map(([n, p]) => [p.id, n as Name]));

function setup(settings = { debounceAfterMs: 100, debounceMaxMs: 1000, edsDebounce: true }) {
  const clock = new FakeClock(1_000_000);
  const store = new ConfigStore();
  store.apply(parse(MESH), []);
  const initial = store.snapshot();
  const pipeline = new SnapshotPipeline(initial.objects, initial.version);
  const pushes: Array<{ proxies: Name[]; types: string[] }> = [];
  const summaries: PushSummary[] = [];
  const registry = new Registry();
  const coordinator = new PushCoordinator<Name>({
    clock,
    store,
    pipeline,
    settings,
    metrics: new PushMetrics(registry),
    target: {
      push: (ids, types) =>
        pushes.push({ proxies: ids.map((id) => nameOf.get(id)!).sort(), types: [...types] }),
    },
    onPushed: (s) => summaries.push(s),
  });
  for (const [name, p] of Object.entries(PROXIES)) coordinator.connected(name as Name, p);
  const apply = (yaml: string, eventAt = clock.now()): ChangeSet => {
    const cs = store.apply(parse(yaml), []);
    coordinator.changed(cs, eventAt);
    return cs;
  };
  /** Pushes per proxy so far. */
  const perProxy = (): Partial<Record<Name, number>> => {
    const out: Partial<Record<Name, number>> = {};
    for (const p of pushes) for (const n of p.proxies) out[n] = (out[n] ?? 0) + 1;
    return out;
  };
  return { clock, store, pipeline, coordinator, pushes, summaries, registry, apply, perProxy };
}

const ALL_TYPES = [
  TypeUrl.Cluster,
  TypeUrl.Endpoint,
  TypeUrl.Listener,
  TypeUrl.Route,
  TypeUrl.Secret,
].sort();

test("a change outside a Sidecar's egress hosts pushes no proxy of that Sidecar's namespace", (t) => {
  const { apply, pushes } = setup();
  apply(ratingsVs("5s"));
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: ALL_TYPES }]);
});

test("editing the Sidecar pushes only the proxies of its namespace", (t) => {
  const { apply, pushes } = setup();
  apply(`
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: a}
spec: {egress: [{hosts: ["./*", "istio-system/*", "c/*"]}]}
`);
  t.deepEqual(pushes, [{ proxies: ["a1", "a2"], types: ALL_TYPES }]);
});

test("a scope's new dependencies are recorded: after the Sidecar imports c, a change in c reaches a", (t) => {
  const { apply, pushes, clock } = setup();
  apply(`
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: a}
spec: {egress: [{hosts: ["./*", "istio-system/*", "c/*"]}]}
`);
  clock.advance(1000);
  apply(ratingsVs("7s"));
  t.deepEqual(pushes[1]?.proxies, ["a1", "a2", "b1", "c1", "gw"]);
});

test("an endpoint-only change pushes EDS only, to the proxies that see the service, from the new model", (t) => {
  const { apply, pushes, pipeline, store } = setup();
  const cs = apply(SLICE_TWO_ENDPOINTS);
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: [TypeUrl.Endpoint] }]);
  t.is(pipeline.version, cs.version);
  t.is(store.version, cs.version);
  // What the pushed proxy is served now: the new endpoint, and clusters of the same model.
  const snapshot = pipeline.resolve(PROXIES.c1);
  const eds = [...(snapshot.get(TypeUrl.Endpoint)?.resources.values() ?? [])];
  const reviews = eds.find((r) => r.name.includes("reviews.b.svc.cluster.local"));
  t.truthy(reviews);
  t.true(reviews!.any.includes(Buffer.from("10.1.0.9")));
  t.truthy(
    snapshot.get(TypeUrl.Cluster)?.resources.has("outbound|9080||reviews.b.svc.cluster.local"),
  );
});

const reviewsPod = (version: string, account = "reviews") => `
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: reviews, version: ${version}}}
spec: {serviceAccountName: ${account}, containers: [{name: app, image: reviews}]}
status: {podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
`;

test("an endpoint change that changes a service's accounts (cluster SANs) is pushed in full", (t) => {
  const { apply, pushes, clock } = setup();
  apply(reviewsPod("v1")); // the endpoint at 10.1.0.1 gains the account `reviews`
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: ALL_TYPES }]);
  clock.advance(1000);
  apply(reviewsPod("v1", "reviews-2"));
  t.deepEqual(pushes[1], { proxies: ["b1", "c1", "gw"], types: ALL_TYPES });
});

test("a change to a proxy's own workload pushes that proxy in full, the others EDS only", (t) => {
  const { apply, pushes, summaries, clock } = setup();
  apply(reviewsPod("v1"));
  clock.advance(1000);
  apply(reviewsPod("v2")); // relabelled: same account, may serve other services now
  t.deepEqual(pushes.slice(1), [
    { proxies: ["b1"], types: ALL_TYPES },
    { proxies: ["c1", "gw"], types: [TypeUrl.Endpoint] },
  ]);
  t.deepEqual(summaries[1]?.ownWorkload, [PROXIES.b1.id]);
});

test("an annotation-only change pushes nothing", (t) => {
  const { apply, pushes, clock } = setup();
  const cs = apply(`
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: b, annotations: {note: "just a note"}}
spec: {clusterIP: 10.0.0.10, selector: {app: reviews}, ports: [{name: http, port: 9080}]}
`);
  t.deepEqual([cs.added, cs.updated, cs.deleted], [[], [], []]);
  clock.advance(60_000);
  t.deepEqual(pushes, []);
});

test("a burst of 10 changes gives each affected proxy one push", (t) => {
  const { apply, clock, perProxy, pushes, summaries } = setup();
  // A change goes out at once; the burst that follows it within the quiet period is merged.
  apply(ratingsVs("1s"));
  t.deepEqual(perProxy(), { b1: 1, c1: 1, gw: 1 });
  for (let i = 2; i <= 11; i++) {
    clock.advance(10);
    apply(ratingsVs(`${i}s`));
  }
  t.is(pushes.length, 1, "nothing pushed while the burst goes on");
  clock.advance(100);
  t.deepEqual(perProxy(), { b1: 2, c1: 2, gw: 2 });
  t.is(summaries[1]?.events, 10);
  t.is(summaries[1]?.cause, "quiet");
  clock.advance(60_000);
  t.is(pushes.length, 2);
});

test("an isolated burst: the first change at once, the other nine as one push", (t) => {
  const { apply, clock, perProxy } = setup();
  for (let i = 1; i <= 10; i++) {
    apply(ratingsVs(`${i}s`));
    clock.advance(5);
  }
  clock.advance(1000);
  t.deepEqual(perProxy(), { b1: 2, c1: 2, gw: 2 });
});

test("an EDS change and a config change in one burst merge into one full push", (t) => {
  const { apply, clock, pushes } = setup();
  apply(ratingsVs("1s"));
  clock.advance(10);
  apply(SLICE_TWO_ENDPOINTS);
  clock.advance(10);
  apply(ratingsVs("2s"));
  clock.advance(200);
  t.is(pushes.length, 2);
  t.deepEqual(pushes[1], { proxies: ["b1", "c1", "gw"], types: ALL_TYPES });
});

test("a disconnected proxy is not pushed; a newly connected one is indexed and pushed", (t) => {
  const { apply, clock, coordinator, pushes } = setup();
  coordinator.disconnected("c1");
  apply(ratingsVs("3s"));
  t.deepEqual(pushes[0]?.proxies, ["b1", "gw"]);
  coordinator.connected("c1", PROXIES.c1);
  clock.advance(1000);
  apply(ratingsVs("4s"));
  t.deepEqual(pushes[1]?.proxies, ["b1", "c1", "gw"]);
});

test("metrics: push triggers by reason, debounce and convergence times, pushes per proxy", async (t) => {
  const { apply, clock, registry } = setup();
  apply(SLICE_TWO_ENDPOINTS, clock.now() - 40);
  const text = await registry.metrics();
  t.regex(text, /pilot_push_triggers\{type="endpoint"\} 1/);
  t.regex(text, /pilot_debounce_time_count 1/);
  t.regex(text, /pilot_proxy_convergence_time_count 3/);
  t.regex(text, /pilot_proxy_convergence_time_bucket\{le="0.01"\} 0/);
  t.regex(text, /pilot_proxy_convergence_time_bucket\{le="0.1"\} 3/);
  t.regex(
    text,
    /meshpilot_proxy_pushes\{proxy="sidecar~10.1.2.1~ratings-1.c~[^"]+",types="eds"\} 1/,
  );
  t.notRegex(text, /meshpilot_proxy_pushes\{proxy="sidecar~10.1.1.1/);
});

/** Per type: resource name → version, for one proxy from the pipeline's current model. */
function served(pipeline: SnapshotPipeline, p: Proxy): Map<string, string> {
  const out = new Map<string, string>();
  const snapshot = pipeline.resolve(p);
  for (const type of ALL_TYPES) {
    const set = snapshot.get(type);
    const entries = [...(set?.resources.values() ?? [])].map((r) => `${r.name}@${r.version}`);
    out.set(type, entries.sort().join("\n"));
  }
  return out;
}

test("no proxy misses a change: whatever changed in a proxy's config was pushed to it", (t) => {
  const { apply, clock, pipeline, pushes, coordinator, store } = setup();
  const changes = [
    ratingsVs("9s"),
    SLICE_TWO_ENDPOINTS,
    `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: ratings-dr, namespace: c}
spec: {host: ratings.c.svc.cluster.local, trafficPolicy: {connectionPool: {tcp: {maxConnections: 7}}}}
`,
    `
apiVersion: v1
kind: Service
metadata: {name: details, namespace: a}
spec: {clusterIP: 10.0.0.14, selector: {app: details}, ports: [{name: http, port: 9080}]}
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: external, namespace: c}
spec: {hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: a}
spec: {egress: [{hosts: ["./*", "c/*"]}]}
`,
    `
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: reviews}}
spec: {serviceAccountName: reviews, containers: [{name: app, image: reviews}]}
status: {podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ingress-routes, namespace: istio-system}
spec:
  hosts: ["*"]
  gateways: [ingress]
  http: [{route: [{destination: {host: reviews.b.svc.cluster.local, port: {number: 9080}}}]}]
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews-dr, namespace: b}
spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
`,
    `
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec: {mtls: {mode: STRICT}}
`,
    `
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: b}
spec: {}
`,
  ];
  const deletions: Array<[ConfigKey["kind"], string, string]> = [
    ["VirtualService", "istio-system", "ingress-routes"],
    ["DestinationRule", "c", "ratings-dr"],
    ["Pod", "b", "reviews-1"],
    ["Sidecar", "a", "default"],
    ["Service", "c", "ratings"],
    ["EndpointSlice", "b", "reviews-x1"],
  ];
  let checked = 0;
  const steps = [
    ...changes.map((yaml) => () => apply(yaml)),
    ...deletions.map(([kind, namespace, name]) => () => {
      coordinator.changed(store.apply([], [{ kind, namespace, name }]), clock.now());
      return kind;
    }),
  ];
  for (const step of steps) {
    clock.advance(1000);
    const before = new Map(Object.values(PROXIES).map((p) => [p.id, served(pipeline, p)]));
    const seen = pushes.length;
    const yaml = JSON.stringify(step());
    clock.advance(1000);
    const pushed = pushes.slice(seen);
    for (const [name, p] of Object.entries(PROXIES)) {
      const after = served(pipeline, p);
      for (const type of ALL_TYPES) {
        if (before.get(p.id)?.get(type) === after.get(type)) continue;
        checked++;
        t.true(
          pushed.some((x) => x.proxies.includes(name as Name) && x.types.includes(type)),
          `${name} ${type} changed without a push, after:\n${yaml}`,
        );
      }
    }
  }
  t.true(checked >= 20, `only ${checked} changed (proxy, type) pairs: the changes test little`);
});

test("a flush that fails is pushed with the next one", (t) => {
  const { apply, clock, pushes, pipeline } = setup();
  const update = pipeline.update.bind(pipeline);
  let failNext = true;
  pipeline.update = (objects, version) => {
    if (failNext) {
      failNext = false;
      throw new Error("model build failed");
    }
    update(objects, version);
  };
  apply(ratingsVs("3s"));
  t.deepEqual(pushes, []);
  clock.advance(1000);
  apply(SLICE_TWO_ENDPOINTS);
  t.deepEqual(pushes, [{ proxies: ["b1", "c1", "gw"], types: ALL_TYPES }]);
});
