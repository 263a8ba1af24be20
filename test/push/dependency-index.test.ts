// Who gets what: a real ConfigStore feeds the classifier, a real mesh model gives the scopes, and
// the dependency index answers which scopes each change reaches.

import test from "ava";
import { formatIssue } from "../../src/registry/config-issue.js";
import type { ConfigObject } from "../../src/registry/config-object.js";
import { ConfigStore } from "../../src/registry/config-store.js";
import { buildMeshModel } from "../../src/registry/mesh/index.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { DependencyIndex, scopeDependenciesOf } from "../../src/push/dependency-index.js";
import { ChangeClassifier } from "../../src/push/push-request-classify.js";
import { isEndpointOnly, type PushRequest } from "../../src/push/push-request.js";
import { TypeUrl } from "../../src/xds/type-urls.js";

const MESH = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: b}
spec: {clusterIP: 10.0.0.10, selector: {app: reviews}, ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: private, namespace: b, annotations: {networking.istio.io/exportTo: "."}}
spec: {clusterIP: 10.0.0.11, selector: {app: private}, ports: [{name: http, port: 8080}]}
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
kind: DestinationRule
metadata: {name: reviews-dr, namespace: b}
spec: {host: reviews, trafficPolicy: {connectionPool: {tcp: {maxConnections: 10}}}}
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
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: reviews}}
spec: {serviceAccountName: reviews, containers: [{name: app, image: reviews}]}
status: {podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: reviews-x1, namespace: b, labels: {kubernetes.io/service-name: reviews}}
addressType: IPv4
ports: [{name: http, port: 9080, protocol: TCP}]
endpoints: [{addresses: [10.1.0.1], conditions: {ready: true}}]
`;

function parse(text: string): ConfigObject[] {
  const { objects, issues } = readYamlText(text, "inline.yaml");
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new Error(errors.map(formatIssue).join("\n"));
  return objects;
}

/** Store, classifier and index over the scopes of four proxies: sidecars in a, b, c and a gateway. */
function setup() {
  const store = new ConfigStore();
  store.apply(parse(MESH), []);
  const classifier = new ChangeClassifier(store);
  const model = buildMeshModel(store.list());
  const index = new DependencyIndex<string>();
  const proxies = {
    a: { namespace: "a", labels: { app: "frontend" }, kind: "sidecar" as const },
    b: { namespace: "b", labels: { app: "reviews" }, kind: "sidecar" as const },
    c: { namespace: "c", labels: { app: "ratings" }, kind: "sidecar" as const },
    gw: { namespace: "istio-system", labels: { istio: "ingressgateway" }, kind: "router" as const },
  };
  for (const [name, p] of Object.entries(proxies))
    index.setScope(name, scopeDependenciesOf(model.sidecarScope(p), p.kind));
  /** Applies YAML (upserts) and deletes, and answers the request and the scopes it reaches. */
  const change = (
    yaml: string,
    deletes: ConfigObject[] = [],
  ): { req: PushRequest | undefined; scopes: string[] } => {
    const cs = store.apply(
      yaml ? parse(yaml) : [],
      deletes.map((o) => ({
        kind: o.kind,
        namespace: o.metadata.namespace ?? "",
        name: o.metadata.name,
      })),
    );
    const req = classifier.classify(cs, 0);
    return { req, scopes: req ? [...index.affectedScopes(req)].sort() : [] };
  };
  const objectNamed = (name: string): ConfigObject =>
    store.list().find((o) => o.metadata.name === name)!;
  return { store, index, change, objectNamed };
}

const keys = (r: PushRequest | undefined): string[] =>
  r === undefined ? [] : r.configKeys === "all" ? ["all"] : [...r.configKeys].sort();

test("a change to a VirtualService reaches the scopes that import it, not a Sidecar-scoped one", (t) => {
  const { change } = setup();
  const { req, scopes } = change(`
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings-vs, namespace: c}
spec:
  hosts: [ratings.c.svc.cluster.local]
  http: [{timeout: 5s, route: [{destination: {host: ratings.c.svc.cluster.local}}]}]
`);
  t.true(req?.full);
  t.deepEqual(keys(req), ["VirtualService/c/ratings-vs"]);
  t.deepEqual(scopes, ["b", "c", "gw"]);
});

test("a change to a Service exported to its own namespace reaches that namespace only", (t) => {
  const { change } = setup();
  const { scopes } = change(`
apiVersion: v1
kind: Service
metadata: {name: private, namespace: b, annotations: {networking.istio.io/exportTo: "."}}
spec: {clusterIP: 10.0.0.11, selector: {app: private}, ports: [{name: http, port: 8081}]}
`);
  t.deepEqual(scopes, ["b"]);
});

test("an annotation-only change to a Service pushes nothing: the store drops it", (t) => {
  const { change } = setup();
  const { req } = change(`
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: c, annotations: {autoscaling/last-scale: "2026-11-22T04:00:00Z"}}
spec: {clusterIP: 10.0.0.12, selector: {app: ratings}, ports: [{name: http, port: 9080}]}
`);
  t.is(req, undefined);
});

test("an endpoint-only change is an EDS-only request for its Service, reaching its users only", (t) => {
  const { change } = setup();
  const { req, scopes } = change(`
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: reviews-x1, namespace: b, labels: {kubernetes.io/service-name: reviews}}
addressType: IPv4
ports: [{name: http, port: 9080, protocol: TCP}]
endpoints: [{addresses: [10.1.0.1, 10.1.0.2], conditions: {ready: true}}]
`);
  t.truthy(req);
  t.true(isEndpointOnly(req!));
  t.deepEqual([...req!.types], [TypeUrl.Endpoint]);
  t.deepEqual(keys(req), ["Service/b/reviews"]);
  t.deepEqual([...req!.reasons], [["endpoint", 1]]);
  t.deepEqual(scopes, ["b", "c", "gw"]);
});

test("a deleted EndpointSlice and a relabelled Pod map to the Services they belonged to", (t) => {
  const { change, objectNamed } = setup();
  const deleted = change("", [objectNamed("reviews-x1")]);
  t.deepEqual(keys(deleted.req), ["Service/b/reviews"]);
  t.false(deleted.req!.full);
  const relabelled = change(`
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: private}}
spec: {serviceAccountName: reviews, containers: [{name: app, image: reviews}]}
status: {podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
`);
  t.deepEqual(keys(relabelled.req), ["Service/b/private", "Service/b/reviews"]);
  t.true(isEndpointOnly(relabelled.req!));
  t.deepEqual([...relabelled.req!.reasons], [["endpoint", 1]], "one source event, two services");
  t.deepEqual(relabelled.scopes, ["b", "c", "gw"]);
});

test("a workload whose service account changes makes its services full (a SAN changes)", (t) => {
  const { change } = setup();
  const { req } = change(`
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: reviews}}
spec: {serviceAccountName: reviews-v2, containers: [{name: app, image: reviews}]}
status: {podIP: 10.1.0.1, conditions: [{type: Ready, status: "True"}]}
`);
  t.true(req?.full);
  t.deepEqual(keys(req), ["Service/b/reviews"]);
});

test("a Sidecar change reaches the sidecars of its namespace only", (t) => {
  const { change } = setup();
  const { scopes } = change(`
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: a}
spec: {egress: [{hosts: ["./*", "b/*"]}]}
`);
  t.deepEqual(scopes, ["a"]);
});

test("a new Service reaches scopes whose egress hosts can import it (namespace wildcards)", (t) => {
  const { change } = setup();
  const inC = change(`
apiVersion: v1
kind: Service
metadata: {name: details, namespace: c}
spec: {clusterIP: 10.0.0.20, selector: {app: details}, ports: [{name: http, port: 9080}]}
`);
  t.deepEqual(inC.scopes, ["b", "c", "gw"], "not a: its Sidecar imports ./* and istio-system/*");
  const inA = change(`
apiVersion: v1
kind: Service
metadata: {name: admin, namespace: a}
spec: {clusterIP: 10.0.0.21, selector: {app: admin}, ports: [{name: http, port: 9080}]}
`);
  t.deepEqual(inA.scopes, ["a", "b", "c", "gw"]);
  const hidden = change(`
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: ext, namespace: c}
spec: {hosts: [api.example.com], exportTo: ["."], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}
`);
  t.deepEqual(hidden.scopes, ["c"], "exported to its own namespace only");
});

test("gateways get Gateway changes, sidecars do not; policies follow their namespace", (t) => {
  const { change } = setup();
  const gw = change(`
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: ingress, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
`);
  t.deepEqual(gw.scopes, ["gw"]);
  t.false(gw.req!.types.has(TypeUrl.Cluster));
  const policy = change(`
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: deny, namespace: b}
spec: {action: DENY, rules: [{from: [{source: {namespaces: [c]}}]}]}
`);
  t.deepEqual(policy.scopes, ["b"]);
  t.deepEqual([...policy.req!.types], [TypeUrl.Listener]);
  const rootPolicy = change(`
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: deny, namespace: istio-system}
spec: {action: DENY, rules: [{from: [{source: {namespaces: [c]}}]}]}
`);
  t.deepEqual(rootPolicy.scopes, ["a", "b", "c", "gw"]);
});

test("mesh config reaches everything; an unrelated ConfigMap reaches nothing", (t) => {
  const { change } = setup();
  const mesh = change(`
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data: {mesh: "defaultServiceExportTo: ['.']"}
`);
  t.is(mesh.req?.configKeys, "all");
  t.deepEqual(mesh.scopes, ["a", "b", "c", "gw"]);
  const other = change(`
apiVersion: v1
kind: ConfigMap
metadata: {name: app-settings, namespace: b}
data: {color: blue}
`);
  t.is(other.req, undefined);
});

test("a deleted DestinationRule reaches the scopes that used it", (t) => {
  const { change, objectNamed } = setup();
  const { req, scopes } = change("", [objectNamed("reviews-dr")]);
  t.deepEqual(keys(req), ["DestinationRule/b/reviews-dr"]);
  t.deepEqual(scopes, ["b", "c", "gw"]);
});

test("recomputed scopes replace their dependencies; removed scopes are forgotten", (t) => {
  const { index } = setup();
  t.true(index.scopesDependingOn("Service/b/reviews").has("c"));
  index.setScope("c", {
    namespace: "c",
    proxyKind: "sidecar",
    dependencies: ["Service/c/ratings"],
    imports: [{ namespace: "c", host: "*" }],
  });
  t.false(index.scopesDependingOn("Service/b/reviews").has("c"));
  t.true(index.scopesDependingOn("Service/c/ratings").has("c"));
  index.removeScope("c");
  t.false(index.has("c"));
  t.false(index.scopesDependingOn("Service/c/ratings").has("c"));
  t.is(index.size, 3);
});

test("a gateway-bound VirtualService reaches gateways, also when deleted", (t) => {
  const { change, objectNamed } = setup();
  const added = change(`
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: edge, namespace: c}
spec:
  hosts: [www.example.com]
  gateways: [istio-system/ingress]
  http: [{route: [{destination: {host: ratings.c.svc.cluster.local}}]}]
`);
  t.true(added.scopes.includes("gw"));
  const deleted = change("", [objectNamed("edge")]);
  t.deepEqual(deleted.scopes, ["gw"]);
});

test("Pods map to the Services selecting them now: selectors follow Service changes", (t) => {
  const { change, objectNamed } = setup();
  change(`
apiVersion: v1
kind: Service
metadata: {name: canary, namespace: b}
spec: {clusterIP: 10.0.0.30, selector: {app: reviews}, ports: [{name: http, port: 9080}]}
`);
  const pod = `
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: reviews}}
spec: {serviceAccountName: reviews, containers: [{name: app, image: reviews}]}
status: {podIP: 10.1.0.9, conditions: [{type: Ready, status: "True"}]}
`;
  t.deepEqual(keys(change(pod).req), ["Service/b/canary", "Service/b/reviews"]);
  change("", [objectNamed("canary")]);
  t.deepEqual(keys(change(pod.replace("10.1.0.9", "10.1.0.8")).req), ["Service/b/reviews"]);
});
