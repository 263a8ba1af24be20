// Shared set-up of the push coordinator tests: real parts (ConfigStore, SnapshotPipeline with the
// mesh model and generators, classifier, debouncer, dependency index), a fake clock, and a
// recording push target in place of the xDS server; five proxies in four scopes.

import { Registry } from "prom-client";
import { formatIssue } from "../../src/registry/config-issue.js";
import type { ConfigObject } from "../../src/registry/config-object.js";
import { ConfigStore, type ChangeSet } from "../../src/registry/config-store.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { PushCoordinator, type PushSummary } from "../../src/push/push-coordinator.js";
import { PushMetrics } from "../../src/push/push-metrics.js";
import { SnapshotPipeline } from "../../src/push/snapshot-pipeline.js";
import type { Proxy } from "../../src/xds/proxy-identity.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { FakeClock } from "../helpers/fake-clock.js";

export const MESH = `
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

export const SLICE_TWO_ENDPOINTS = `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: reviews-x1, namespace: b, labels: {kubernetes.io/service-name: reviews}}
addressType: IPv4
ports: [{name: http, port: 9080, protocol: TCP}]
endpoints: [{addresses: [10.1.0.1], conditions: {ready: true}}, {addresses: [10.1.0.9], conditions: {ready: true}}]
`;

export const ratingsVs = (timeout: string) => `
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings-vs, namespace: c}
spec:
  hosts: [ratings.c.svc.cluster.local]
  http: [{timeout: ${timeout}, route: [{destination: {host: ratings.c.svc.cluster.local}}]}]
`;

export function parse(text: string): ConfigObject[] {
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

export const PROXIES = {
  a1: proxy("frontend-1", "sidecar", "a", { app: "frontend" }, "10.1.1.1"),
  a2: proxy("frontend-2", "sidecar", "a", { app: "frontend" }, "10.1.1.1"),
  b1: proxy("reviews-1", "sidecar", "b", { app: "reviews" }, "10.1.0.1"),
  c1: proxy("ratings-1", "sidecar", "c", { app: "ratings" }, "10.1.2.1"),
  gw: proxy("ingress-1", "router", "istio-system", { istio: "ingressgateway" }, "10.1.3.1"),
};
export type Name = keyof typeof PROXIES;
const nameOf = new Map(Object.entries(PROXIES).map(([n, p]) => [p.id, n as Name]));

export function setup(settings = { debounceAfterMs: 100, debounceMaxMs: 1000, edsDebounce: true }) {
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

export const ALL_TYPES = [
  TypeUrl.Cluster,
  TypeUrl.Endpoint,
  TypeUrl.Listener,
  TypeUrl.Route,
  TypeUrl.Secret,
].sort();

export const reviewsPod = (version: string, account = "reviews") => `
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: reviews, version: ${version}}}
spec: {serviceAccountName: ${account}, containers: [{name: app, image: reviews}]}
status: {podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
`;

/** Per type: resource name → version, for one proxy from the pipeline's current model. */
export function served(pipeline: SnapshotPipeline, p: Proxy): Map<string, string> {
  const out = new Map<string, string>();
  const snapshot = pipeline.resolve(p);
  for (const type of ALL_TYPES) {
    const set = snapshot.get(type);
    const entries = [...(set?.resources.values() ?? [])].map((r) => `${r.name}@${r.version}`);
    out.set(type, entries.sort().join("\n"));
  }
  return out;
}
