import test from "ava";
import { modelFromYaml } from "./model-from-yaml.js";

const svc = (name: string, ns: string) => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  clusterIP: 10.0.${ns.length}.${name.length}
  ports: [{name: http, port: 80}]
`;

const registry = [
  svc("productpage", "bookinfo"),
  svc("reviews", "bookinfo"),
  svc("reviews", "default"),
  svc("ratings", "default"),
  svc("istiod", "istio-system"),
  svc("billing", "payments"),
  `
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: google, namespace: egress}
spec:
  hosts: [www.google.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: https, protocol: HTTPS}]
`,
];

const sidecar = (name: string, ns: string, body: string) => `
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: ${name}, namespace: ${ns}}
spec:
${body}`;

const rootDefault = sidecar(
  "default",
  "istio-system",
  `  egress: [{hosts: ["./*", "istio-system/*"]}]`,
);
const nsDefault = sidecar(
  "default",
  "bookinfo",
  `  egress: [{hosts: ["*/reviews.default.svc.cluster.local"]}]`,
);
const selected = sidecar(
  "ratings-only",
  "bookinfo",
  `  workloadSelector: {labels: {app: productpage}}
  egress: [{hosts: ["default/ratings.default.svc.cluster.local", "payments/*"]}]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
  ingress:
  - port: {number: 9080, protocol: HTTP, name: http}
    defaultEndpoint: 127.0.0.1:9080`,
);

const hosts = (list: readonly { hostname: string }[]) => list.map((s) => s.hostname);

test("workloadSelector Sidecar beats the namespace default, which beats the root default", (t) => {
  const m = modelFromYaml([...registry, rootDefault, nsDefault, selected].join("\n---\n"));
  const pp = m.sidecarScope({ namespace: "bookinfo", labels: { app: "productpage" } });
  t.is(pp.sidecar?.name, "ratings-only");
  t.deepEqual(hosts(pp.services), [
    "billing.payments.svc.cluster.local",
    "ratings.default.svc.cluster.local",
  ]);
  t.is(pp.outboundTrafficPolicy.mode, "REGISTRY_ONLY");
  t.is(pp.ingress[0]?.defaultEndpoint, "127.0.0.1:9080");

  const other = m.sidecarScope({ namespace: "bookinfo", labels: { app: "reviews" } });
  t.deepEqual(other.sidecar, { kind: "Sidecar", namespace: "bookinfo", name: "default" });
  t.deepEqual(hosts(other.services), ["reviews.default.svc.cluster.local"]);
  t.is(other.outboundTrafficPolicy.mode, "ALLOW_ANY");

  const elsewhere = m.sidecarScope({ namespace: "default", labels: {} });
  t.deepEqual(elsewhere.sidecar, { kind: "Sidecar", namespace: "istio-system", name: "default" });
});

test("root default: `.` means the proxy's namespace", (t) => {
  const m = modelFromYaml([...registry, rootDefault].join("\n---\n"));
  t.deepEqual(hosts(m.sidecarScope({ namespace: "bookinfo", labels: {} }).services), [
    "istiod.istio-system.svc.cluster.local",
    "productpage.bookinfo.svc.cluster.local",
    "reviews.bookinfo.svc.cluster.local",
  ]);
  t.deepEqual(hosts(m.sidecarScope({ namespace: "default", labels: {} }).services), [
    "istiod.istio-system.svc.cluster.local",
    "ratings.default.svc.cluster.local",
    "reviews.default.svc.cluster.local",
  ]);
});

test("no Sidecar at all: every service exported to the namespace", (t) => {
  const m = modelFromYaml(registry.join("\n---\n"));
  const scope = m.sidecarScope({ namespace: "default", labels: {} });
  t.is(scope.sidecar, undefined);
  t.deepEqual(hosts(scope.services), hosts(m.servicesVisibleTo("default")));
  t.is(scope.services.length, 7);
  t.deepEqual(scope.egress[0]?.hosts, [{ namespace: "*", host: "*" }]);
});

test("egress `~/*` sees nothing; `*/host wildcard` matches across namespaces", (t) => {
  const m = modelFromYaml(
    [
      ...registry,
      sidecar("none", "default", `  egress: [{hosts: ["~/*"]}]`),
      sidecar(
        "ext",
        "payments",
        `  egress: [{hosts: ["*/*.google.com", "*/*.bookinfo.svc.cluster.local"]}]`,
      ),
    ].join("\n---\n"),
  );
  t.deepEqual(m.sidecarScope({ namespace: "default", labels: {} }).services, []);
  t.deepEqual(hosts(m.sidecarScope({ namespace: "payments", labels: {} }).services), [
    "productpage.bookinfo.svc.cluster.local",
    "reviews.bookinfo.svc.cluster.local",
    "www.google.com",
  ]);
});

test("egress never shows a service that is not exported to the proxy", (t) => {
  const m = modelFromYaml(
    [
      ...registry,
      `
apiVersion: v1
kind: Service
metadata: {name: secret, namespace: vault, annotations: {networking.istio.io/exportTo: "."}}
spec: {clusterIP: 10.9.9.9, ports: [{name: http, port: 80}]}
`,
      sidecar("all", "default", `  egress: [{hosts: ["vault/*"]}]`),
    ].join("\n---\n"),
  );
  t.deepEqual(m.sidecarScope({ namespace: "default", labels: {} }).services, []);
});

test("VirtualServices in scope, and the services they route to", (t) => {
  const m = modelFromYaml(
    [
      ...registry,
      `
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: pp, namespace: bookinfo}
spec:
  hosts: [productpage]
  http: [{route: [{destination: {host: billing.payments.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: g, namespace: egress}
spec:
  hosts: [www.google.com]
  http: [{route: [{destination: {host: www.google.com}}]}]
`,
      sidecar("default", "default", `  egress: [{hosts: ["bookinfo/*"]}]`),
    ].join("\n---\n"),
  );
  const scope = m.sidecarScope({ namespace: "default", labels: {} });
  t.deepEqual(
    scope.virtualServices.map((v) => v.name),
    ["pp"],
  );
  t.deepEqual(hosts(scope.services), [
    "billing.payments.svc.cluster.local",
    "productpage.bookinfo.svc.cluster.local",
    "reviews.bookinfo.svc.cluster.local",
  ]);
});

test("scopes are computed once and shared by proxies with the same Sidecar and namespace", (t) => {
  const m = modelFromYaml([...registry, rootDefault].join("\n---\n"));
  t.is(
    m.sidecarScope({ namespace: "default", labels: { a: "1" } }),
    m.sidecarScope({ namespace: "default", labels: { a: "2" } }),
  );
});

test("one hostname defined in two namespaces: the proxy's own namespace wins, else the oldest", (t) => {
  const se = (ns: string, ts: string) => `
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: shared, namespace: ${ns}, creationTimestamp: "${ts}"}
spec:
  hosts: [shared.example.com]
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
`;
  const m = modelFromYaml(
    [se("team-a", "2026-02-01T00:00:00Z"), se("team-b", "2026-01-01T00:00:00Z")].join("\n---\n"),
  );
  const pick = (ns: string) =>
    m
      .sidecarScope({ namespace: ns, labels: {} })
      .services.find((s) => s.hostname === "shared.example.com")?.namespace;
  t.is(pick("team-a"), "team-a");
  t.is(pick("team-b"), "team-b");
  t.is(pick("other"), "team-b");
  t.is(m.serviceByHost("shared.example.com", "other")?.namespace, "team-b");
  t.is(m.serviceByHost("shared.example.com", "team-a")?.namespace, "team-a");
});

test("a scope lists the config it depends on, for the push dependency index", (t) => {
  const m = modelFromYaml(
    [
      ...registry,
      sidecar("default", "default", `  egress: [{hosts: ["./*"]}]`),
      `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec: {host: ratings}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: billing, namespace: payments}
spec: {host: billing}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings, namespace: default}
spec:
  hosts: [ratings]
  http: [{route: [{destination: {host: ratings}}]}]
`,
    ].join("\n---\n"),
  );
  t.deepEqual(m.sidecarScope({ namespace: "default", labels: {} }).dependencies, [
    "DestinationRule/default/ratings",
    "Service/default/ratings",
    "Service/default/reviews",
    "Sidecar/default/default",
    "VirtualService/default/ratings",
  ]);
});

test("gateways never take a Sidecar: they see everything exported to their namespace", (t) => {
  const m = modelFromYaml([...registry, rootDefault, nsDefault].join("\n---\n"));
  const gw = m.sidecarScope({ kind: "router", namespace: "bookinfo", labels: {} });
  t.is(gw.sidecar, undefined);
  t.is(gw.services.length, 7);
  t.is(
    m.sidecarScope({ kind: "sidecar", namespace: "bookinfo", labels: {} }).sidecar?.name,
    "default",
  );
});
