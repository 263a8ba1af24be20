import test from "ava";
import { modelFromYaml } from "./model-from-yaml.js";

const services = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  clusterIP: 10.0.0.10
  selector: {app: reviews}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: default}
spec:
  clusterIP: 10.0.0.11
  selector: {app: ratings}
  ports: [{name: http, port: 9080, targetPort: 9080}]
`;

const pods = `
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v1-abc
  namespace: default
  labels: {app: reviews, version: v1, security.istio.io/tlsMode: istio, topology.kubernetes.io/region: us-east1, topology.kubernetes.io/zone: us-east1-b}
spec:
  serviceAccountName: bookinfo-reviews
  containers: [{name: app, image: reviews, ports: [{name: http-app, containerPort: 9080}]}]
status:
  podIP: 10.1.0.1
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v2-def
  namespace: default
  labels: {app: reviews, version: v2}
spec:
  containers: [{name: app, image: reviews}]
status:
  podIP: 10.1.0.2
  conditions: [{type: Ready, status: "False"}]
`;

const slices = `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-x1
  namespace: default
  labels: {kubernetes.io/service-name: reviews}
addressType: IPv4
ports: [{name: http, port: 9080, protocol: TCP}]
endpoints:
- addresses: [10.1.0.1]
  conditions: {ready: true}
  targetRef: {kind: Pod, name: reviews-v1-abc, namespace: default}
- addresses: [10.1.0.2]
  conditions: {ready: false}
  targetRef: {kind: Pod, name: reviews-v2-def, namespace: default}
- addresses: [10.1.0.3]
  conditions: {ready: false, serving: true, terminating: true}
- addresses: [10.1.0.4]
  zone: us-east1-c
`;

const endpointsObject = `
apiVersion: v1
kind: Endpoints
metadata: {name: reviews, namespace: default}
subsets:
- addresses: [{ip: 10.9.0.1}]
  notReadyAddresses: [{ip: 10.9.0.2}]
  ports: [{name: http, port: 9080}]
`;

const host = "reviews.default.svc.cluster.local";

test("EndpointSlice: addresses, readiness, pod metadata via targetRef", (t) => {
  const m = modelFromYaml([services, pods, slices].join("\n---\n"));
  const healthy = m.endpointsFor(host, 9080);
  t.deepEqual(
    healthy.map((e) => e.address),
    ["10.1.0.1", "10.1.0.4"],
  );
  const v1 = healthy[0]!;
  t.is(v1.port, 9080);
  t.is(v1.servicePortName, "http");
  t.is(v1.origin, "EndpointSlice");
  t.is(v1.serviceAccount, "bookinfo-reviews");
  t.is(v1.namespace, "default");
  t.is(v1.labels.version, "v1");
  t.is(v1.locality, "us-east1/us-east1-b");
  t.is(v1.tlsMode, "istio");
  t.is(v1.clusterId, "Kubernetes");
  t.deepEqual(v1.workload, { kind: "Pod", namespace: "default", name: "reviews-v1-abc" });
  // Endpoint without a pod: zone from the slice, no labels.
  t.is(healthy[1]!.locality, "/us-east1-c");
  t.deepEqual(healthy[1]!.labels, {});
  t.is(healthy[1]!.tlsMode, "disabled");

  const all = m.endpointsFor(host, 9080, { includeUnhealthy: true });
  t.deepEqual(
    all.map((e) => [e.address, e.health]),
    [
      ["10.1.0.1", "HEALTHY"],
      ["10.1.0.2", "UNHEALTHY"],
      ["10.1.0.3", "DRAINING"],
      ["10.1.0.4", "HEALTHY"],
    ],
  );
});

test("subset labels filter endpoints", (t) => {
  const m = modelFromYaml([services, pods, slices].join("\n---\n"));
  t.deepEqual(
    m.endpointsFor(host, 9080, { subsetLabels: { version: "v1" } }).map((e) => e.address),
    ["10.1.0.1"],
  );
  t.deepEqual(m.endpointsFor(host, 9080, { subsetLabels: { version: "v3" } }), []);
  t.deepEqual(m.endpointsFor(host, 1234), []);
});

test("Endpoints are used only when the service has no EndpointSlice", (t) => {
  const withBoth = modelFromYaml([services, pods, slices, endpointsObject].join("\n---\n"));
  t.false(withBoth.endpointsFor(host, 9080).some((e) => e.address.startsWith("10.9.")));

  const onlyEndpoints = modelFromYaml([services, endpointsObject].join("\n---\n"));
  t.deepEqual(
    onlyEndpoints
      .endpointsFor(host, 9080, { includeUnhealthy: true })
      .map((e) => [e.address, e.health, e.origin]),
    [
      ["10.9.0.1", "HEALTHY", "Endpoints"],
      ["10.9.0.2", "UNHEALTHY", "Endpoints"],
    ],
  );
});

test("with neither, the Pods the selector picks are the endpoints", (t) => {
  const m = modelFromYaml([services, pods].join("\n---\n"));
  t.deepEqual(
    m
      .endpointsFor(host, 9080, { includeUnhealthy: true })
      .map((e) => [e.address, e.health, e.origin]),
    [
      ["10.1.0.1", "HEALTHY", "Pod"],
      ["10.1.0.2", "UNHEALTHY", "Pod"],
    ],
  );
  t.deepEqual(m.endpointsFor("ratings.default.svc.cluster.local", 9080), []);
});

test("publishNotReadyAddresses serves not-ready endpoints as healthy", (t) => {
  const m = modelFromYaml(
    [
      services.replace(
        "selector: {app: reviews}",
        "selector: {app: reviews}\n  publishNotReadyAddresses: true",
      ),
      slices,
    ].join("\n---\n"),
  );
  t.is(m.endpointsFor(host, 9080).length, 4);
});

test("named targetPort resolves through the pod's container ports", (t) => {
  const m = modelFromYaml(
    [services.replace("targetPort: 9080}]\n---", "targetPort: http-app}]\n---"), pods].join(
      "\n---\n",
    ),
  );
  t.deepEqual(
    m.endpointsFor(host, 9080).map((e) => [e.address, e.port]),
    [["10.1.0.1", 9080]],
  );
});

test("WorkloadEntries selected by a Service's selector join its endpoints", (t) => {
  const m = modelFromYaml(
    [
      services,
      slices,
      `
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: {name: reviews-vm, namespace: default}
spec:
  address: 192.168.1.10
  labels: {app: reviews, version: vm}
  serviceAccount: reviews-vm
  network: vm-net
  locality: us-west1/us-west1-a
  weight: 3
  ports: {http: 19080}
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: {name: other-ns-vm, namespace: other}
spec:
  address: 192.168.1.11
  labels: {app: reviews}
`,
    ].join("\n---\n"),
  );
  const vm = m.endpointsFor(host, 9080).find((e) => e.origin === "WorkloadEntry");
  t.truthy(vm);
  t.is(vm?.address, "192.168.1.10");
  t.is(vm?.port, 19080);
  t.is(vm?.serviceAccount, "reviews-vm");
  t.is(vm?.network, "vm-net");
  t.is(vm?.locality, "us-west1/us-west1-a");
  t.is(vm?.weight, 3);
  t.is(vm?.labels.version, "vm");
  t.false(m.endpointsFor(host, 9080).some((e) => e.address === "192.168.1.11"));
});

test("ServiceEntry STATIC with inline endpoints, DNS without", (t) => {
  const m = modelFromYaml(`
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: static-db, namespace: data}
spec:
  hosts: [db.internal.example]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 5432, name: tcp-pg, protocol: TCP}]
  endpoints:
  - {address: 10.20.0.2, labels: {role: replica}, network: net2, locality: eu/eu-1}
  - {address: 10.20.0.1, ports: {tcp-pg: 6432}, labels: {role: primary}, weight: 5}
---
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: dns-api, namespace: egress}
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: https, protocol: HTTPS}]
`);
  t.deepEqual(
    m
      .endpointsFor("db.internal.example", 5432)
      .map((e) => [e.address, e.port, e.labels.role, e.weight]),
    [
      ["10.20.0.1", 6432, "primary", 5],
      ["10.20.0.2", 5432, "replica", 1],
    ],
  );
  const replica = m.endpointsFor("db.internal.example", 5432, {
    subsetLabels: { role: "replica" },
  });
  t.is(replica[0]?.network, "net2");
  t.is(replica[0]?.locality, "eu/eu-1");
  t.deepEqual(
    m.endpointsFor("api.example.com", 443).map((e) => [e.address, e.port, e.origin]),
    [["api.example.com", 443, "DNS"]],
  );
});

test("ServiceEntry workloadSelector picks WorkloadEntries in its namespace", (t) => {
  const m = modelFromYaml(`
apiVersion: networking.istio.io/v1beta1
kind: ServiceEntry
metadata: {name: vm-svc, namespace: vms}
spec:
  hosts: [legacy.vms.svc.cluster.local]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{number: 8080, name: http, protocol: HTTP, targetPort: 18080}]
  workloadSelector: {labels: {app: legacy}}
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: {name: legacy-1, namespace: vms}
spec: {address: 172.16.0.5, labels: {app: legacy}}
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: {name: legacy-2, namespace: vms}
spec: {address: 172.16.0.6, labels: {app: legacy}, ports: {http: 9999}}
`);
  t.deepEqual(
    m.endpointsFor("legacy.vms.svc.cluster.local", 8080).map((e) => [e.address, e.port]),
    [
      ["172.16.0.5", 18080],
      ["172.16.0.6", 9999],
    ],
  );
});

test("meshNetworks assigns networks by CIDR and by registry", (t) => {
  const m = modelFromYaml(
    [
      services,
      slices,
      `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  meshNetworks: |
    networks:
      net-a:
        endpoints: [{fromCidr: 10.1.0.0/30}]
        gateways: [{address: 1.2.3.4, port: 15443}]
      net-b:
        endpoints: [{fromRegistry: cluster1}]
        gateways: [{registryServiceName: eastwest.istio-system.svc.cluster.local, port: 15443}]
`,
    ].join("\n---\n"),
    { clusterId: "cluster1" },
  );
  const nets = m
    .endpointsFor(host, 9080, { includeUnhealthy: true })
    .map((e) => [e.address, e.network]);
  t.deepEqual(nets, [
    ["10.1.0.1", "net-a"],
    ["10.1.0.2", "net-a"],
    ["10.1.0.3", "net-a"],
    ["10.1.0.4", "net-b"],
  ]);
  t.deepEqual(m.meshNetworks.networks["net-a"]?.gateways, [{ address: "1.2.3.4", port: 15443 }]);
});
