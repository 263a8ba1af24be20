import test from "ava";
import { modelFromYaml, sidecar } from "./model-from-yaml.js";

const m = modelFromYaml(`
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: bookinfo, creationTimestamp: "2026-01-02T00:00:00Z"}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: shared, namespace: istio-system, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*.example.com"], tls: {mode: SIMPLE, credentialName: cert}}]
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: egress, namespace: istio-system}
spec:
  selector: {istio: egressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  clusterIP: 10.0.0.10
  selector: {app: reviews}
  ports:
  - {name: http, port: 9080, targetPort: 9080}
  - {name: grpc, port: 9090, targetPort: grpc}
---
apiVersion: v1
kind: Service
metadata: {name: all-apps, namespace: default}
spec:
  clusterIP: 10.0.0.11
  selector: {tier: backend}
  ports: [{name: http, port: 80, targetPort: 9080}]
---
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: default, labels: {app: reviews, tier: backend}}
spec:
  containers: [{name: app, image: x, ports: [{name: grpc, containerPort: 19090}]}]
status: {podIP: 10.1.0.1}
---
apiVersion: v1
kind: Service
metadata: {name: external-lb, namespace: default}
spec:
  clusterIP: 10.0.0.12
  ports: [{name: tcp, port: 5000}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: external-lb, namespace: default}
subsets: [{addresses: [{ip: 10.7.0.1}], ports: [{name: tcp, port: 5001}]}]
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: {name: vm, namespace: default}
spec: {address: 192.168.0.9, labels: {app: reviews}, ports: {grpc: 7070}}
`);

test("gateways select proxies by labels, across namespaces, oldest first", (t) => {
  const ingress = {
    kind: "router" as const,
    namespace: "istio-ingress",
    labels: { istio: "ingressgateway", app: "x" },
    ips: [],
  };
  t.deepEqual(
    m.gatewaysForProxy(ingress).map((g) => g.name),
    ["istio-system/shared", "bookinfo/bookinfo-gateway"],
  );
  t.deepEqual(
    m.gatewaysForProxy({ labels: { istio: "egressgateway" } }).map((g) => g.name),
    ["istio-system/egress"],
  );
  t.deepEqual(m.gatewaysForProxy({ labels: { app: "reviews" } }), []);
  t.is(
    m.gateways.byQualifiedName("bookinfo/bookinfo-gateway")?.spec.servers?.[0]?.port?.number,
    80,
  );
});

test("a Gateway without a selector applies to every proxy", (t) => {
  const m2 = modelFromYaml(`
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: any, namespace: default}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
`);
  t.deepEqual(
    m2.gatewaysForProxy({ labels: { whatever: "1" } }).map((g) => g.name),
    ["default/any"],
  );
});

test("instancesForProxy: the pod at the proxy's IP and the services selecting it", (t) => {
  const list = m.instancesForProxy(sidecar("default", { app: "reviews" }, ["10.1.0.1"]));
  t.deepEqual(
    list.map((i) => [i.service.hostname, i.servicePort.port, i.targetPort]),
    [
      ["all-apps.default.svc.cluster.local", 80, 9080],
      ["reviews.default.svc.cluster.local", 9080, 9080],
      ["reviews.default.svc.cluster.local", 9090, 19090],
    ],
  );
  t.is(list[1]?.endpoint?.address, "10.1.0.1");
});

test("instancesForProxy: a WorkloadEntry VM uses its port map", (t) => {
  const list = m.instancesForProxy(sidecar("default", { app: "reviews" }, ["192.168.0.9"]));
  t.deepEqual(
    list.map((i) => [i.service.name, i.servicePort.port, i.targetPort]),
    [
      ["reviews", 9080, 9080],
      ["reviews", 9090, 7070],
    ],
  );
});

test("instancesForProxy: by endpoint address when no workload is known", (t) => {
  const list = m.instancesForProxy(sidecar("default", {}, ["10.7.0.1"]));
  t.deepEqual(
    list.map((i) => [i.service.name, i.servicePort.port, i.targetPort]),
    [["external-lb", 5000, 5001]],
  );
});

test("instancesForProxy: by labels in the proxy's namespace as a last resort", (t) => {
  const list = m.instancesForProxy(sidecar("default", { tier: "backend" }, ["10.99.0.1"]));
  t.deepEqual(
    list.map((i) => [i.service.name, i.servicePort.port, i.targetPort]),
    [["all-apps", 80, 9080]],
  );
  t.deepEqual(m.instancesForProxy(sidecar("other", { tier: "backend" }, [])), []);
});
