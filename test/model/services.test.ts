import test from "ava";
import { buildMeshModel, registryView } from "../../src/registry/mesh/index.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { modelFromYaml } from "./model-from-yaml.js";

const yaml = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default, labels: {app: reviews}}
spec:
  clusterIP: 10.0.0.10
  selector: {app: reviews}
  ports:
  - {name: http, port: 9080, targetPort: 9080}
  - {name: grpc-api, port: 9090, targetPort: grpc, appProtocol: grpc}
---
apiVersion: v1
kind: Service
metadata: {name: mysql, namespace: default}
spec:
  clusterIP: 10.0.0.11
  ports: [{port: 3306}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: tcp, port: 5432}]
---
apiVersion: v1
kind: Service
metadata:
  name: secret
  namespace: private
  annotations: {networking.istio.io/exportTo: "."}
spec:
  clusterIP: 10.0.0.20
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: partner
  namespace: shared
  annotations: {networking.istio.io/exportTo: "shared, frontend"}
spec:
  clusterIP: 10.0.0.21
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: default}
spec:
  type: ExternalName
  externalName: legacy.example.org
  ports: [{name: http, port: 80}]
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: external-apis, namespace: egress}
spec:
  hosts: [api.example.com]
  addresses: [240.0.0.2]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  - {number: 8000, name: http1, protocol: http}
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: wildcard, namespace: egress}
spec:
  hosts: ["*.wild.example.com"]
  location: MESH_EXTERNAL
  resolution: NONE
  ports: [{number: 443, name: tls, protocol: TLS}]
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: hidden, namespace: egress}
spec:
  hosts: [hidden.example.com]
  exportTo: ["~"]
  resolution: NONE
  ports: [{number: 80, name: http, protocol: HTTP}]
`;

const model = modelFromYaml(yaml);

test("Kubernetes Service: FQDN hostname, ports, protocols, VIP, selector", (t) => {
  const s = model.serviceByHost("reviews.default.svc.cluster.local", "default");
  t.truthy(s);
  t.is(s?.hostname, "reviews.default.svc.cluster.local");
  t.is(s?.namespace, "default");
  t.is(s?.sourceKind, "Service");
  t.deepEqual(s?.addresses, ["10.0.0.10"]);
  t.deepEqual(s?.clusterVIPs, { Kubernetes: ["10.0.0.10"] });
  t.is(s?.resolution, "STATIC");
  t.is(s?.location, "MESH_INTERNAL");
  t.false(s?.headless);
  t.deepEqual(s?.selector, { app: "reviews" });
  t.deepEqual(
    s?.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]),
    [
      ["http", 9080, 9080, "HTTP"],
      ["grpc-api", 9090, "grpc", "GRPC"],
    ],
  );
  t.is(model.serviceByHost("mysql", "default")?.ports[0]?.protocol, "TCP");
});

test("domain suffix is configurable", (t) => {
  const m = modelFromYaml(yaml, { domainSuffix: "corp.internal" });
  t.truthy(m.serviceByHost("reviews.default.svc.corp.internal", "default"));
  t.is(m.serviceByHost("reviews", "default")?.hostname, "reviews.default.svc.corp.internal");
});

test("headless and ExternalName services", (t) => {
  const db = model.serviceByHost("db", "default");
  t.true(db?.headless);
  t.is(db?.resolution, "NONE");
  t.deepEqual(db?.addresses, []);
  const legacy = model.serviceByHost("legacy", "default");
  t.is(legacy?.resolution, "DNS");
  t.is(legacy?.location, "MESH_EXTERNAL");
  t.is(legacy?.externalName, "legacy.example.org");
  t.deepEqual(
    model.endpointsFor(legacy!.hostname, 80).map((e) => [e.address, e.port, e.origin]),
    [["legacy.example.org", 80, "ExternalName"]],
  );
});

test("short names resolve in the asking namespace; dotted names are left alone", (t) => {
  t.is(model.serviceByHost("reviews", "default")?.hostname, "reviews.default.svc.cluster.local");
  t.is(model.serviceByHost("reviews", "other"), undefined);
  t.is(model.serviceByHost("reviews.default", "default"), undefined);
});

test("ServiceEntry: one service per host, ports with their protocol field", (t) => {
  const api = model.serviceByHost("api.example.com", "default");
  t.is(api?.sourceKind, "ServiceEntry");
  t.is(api?.namespace, "egress");
  t.is(api?.resolution, "DNS");
  t.is(api?.location, "MESH_EXTERNAL");
  t.deepEqual(api?.addresses, ["240.0.0.2"]);
  t.deepEqual(
    api?.ports.map((p) => [p.name, p.port, p.protocol]),
    [
      ["https", 443, "HTTPS"],
      ["http1", 8000, "HTTP"],
    ],
  );
  const wild = model.serviceByHost("*.wild.example.com", "default");
  t.is(wild?.hostname, "*.wild.example.com");
  t.not(api?.id, wild?.id);
});

test("a host under a wildcard ServiceEntry host finds that service", (t) => {
  t.is(model.serviceByHost("x.wild.example.com", "default")?.hostname, "*.wild.example.com");
  t.is(model.serviceByHost("wild.example.com", "default"), undefined);
});

test("exportTo: `.` hides a service from other namespaces", (t) => {
  t.truthy(model.serviceByHost("secret.private.svc.cluster.local", "private"));
  t.is(model.serviceByHost("secret.private.svc.cluster.local", "default"), undefined);
  const visible = model.servicesVisibleTo("default").map((s) => s.hostname);
  t.false(visible.includes("secret.private.svc.cluster.local"));
  t.true(model.servicesVisibleTo("private").some((s) => s.name === "secret"));
});

test("exportTo: a namespace list, and `~` (nowhere)", (t) => {
  const host = "partner.shared.svc.cluster.local";
  t.truthy(model.serviceByHost(host, "frontend"));
  t.truthy(model.serviceByHost(host, "shared"));
  t.is(model.serviceByHost(host, "default"), undefined);
  t.is(model.serviceByHost("hidden.example.com", "egress"), undefined);
});

test("servicesVisibleTo is sorted by hostname", (t) => {
  const hosts = model.servicesVisibleTo("default").map((s) => s.hostname);
  t.deepEqual(hosts, [...hosts].sort());
  t.deepEqual(hosts, [
    "*.wild.example.com",
    "api.example.com",
    "db.default.svc.cluster.local",
    "legacy.default.svc.cluster.local",
    "mysql.default.svc.cluster.local",
    "reviews.default.svc.cluster.local",
  ]);
});

test("mesh defaultServiceExportTo applies to services that say nothing", (t) => {
  const m = modelFromYaml(
    `${yaml}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    defaultServiceExportTo: ["."]
`,
  );
  t.truthy(m.serviceByHost("reviews", "default"));
  t.is(m.serviceByHost("reviews.default.svc.cluster.local", "other"), undefined);
  // An explicit exportTo still wins.
  t.truthy(m.serviceByHost("partner.shared.svc.cluster.local", "frontend"));
});

test("the same Service from two clusters is one service with a VIP per cluster", (t) => {
  const text = (ip: string) => `
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: default}
spec:
  clusterIP: ${ip}
  ports: [{name: http, port: 9080}]
`;
  const fromCluster = (ip: string, apiServer: string) =>
    readYamlText(text(ip), "x.yaml").objects.map((o) => ({ ...o, source: { apiServer } }));
  const m = buildMeshModel([
    ...fromCluster("10.2.0.1", "cluster2"),
    ...fromCluster("10.1.0.1", "cluster1"),
  ]);
  const services = m.registry.services.filter((s) => s.name === "ratings");
  t.is(services.length, 1);
  t.deepEqual(services[0]?.clusterVIPs, { cluster2: ["10.2.0.1"], cluster1: ["10.1.0.1"] });
  t.deepEqual(services[0]?.addresses, ["10.1.0.1", "10.2.0.1"]);
  t.is(services[0]?.sources.length, 2);
});

test("a ServiceEntry without location is MESH_EXTERNAL (the enum's zero value)", (t) => {
  const m = modelFromYaml(`
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: plain, namespace: default}
spec:
  hosts: [plain.example.com]
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
`);
  t.is(m.serviceByHost("plain.example.com", "default")?.location, "MESH_EXTERNAL");
});

test("registryView is plain JSON, stable across builds", (t) => {
  const view = registryView(model);
  const json = JSON.stringify(view);
  t.is(json, JSON.stringify(registryView(modelFromYaml(yaml))));
  const secret = view.find((s) => s.name === "secret");
  t.deepEqual(secret?.exportTo, ["private"]);
  t.deepEqual(view.find((s) => s.name === "hidden")?.exportTo, ["~"]);
  t.deepEqual(view.find((s) => s.name === "reviews")?.exportTo, ["*"]);
});
