// No proxy misses a change: after each of a series of changes (every kind the dependency index
// has a rule for, upserts and deletes), any proxy whose served resources of some type changed
// must have been pushed that type. Resources are compared by name and content hash.

import test from "ava";
import type { ConfigKey } from "../../src/registry/config-object.js";
import {
  ALL_TYPES,
  PROXIES,
  SLICE_TWO_ENDPOINTS,
  ratingsVs,
  served,
  setup,
  type Name,
} from "./push-coordinator-setup.js";

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
    // DestinationRule updates: cluster-only (pushed as CDS+EDS), then a subset a route names
    // appears, then a consistent hash (both change routes).
    `
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews-v2, namespace: b}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v2}}]}]
  tcp: [{route: [{destination: {host: reviews, subset: v2}}]}]
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews-dr, namespace: b}
spec:
  host: reviews
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 9}}, loadBalancer: {simple: RANDOM}}
  subsets: [{name: v1, labels: {version: v1}}]
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews-dr, namespace: b}
spec:
  host: reviews
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 9}}, loadBalancer: {simple: RANDOM}}
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`,
    `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews-dr, namespace: b}
spec:
  host: reviews
  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
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
