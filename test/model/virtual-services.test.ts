import test from "ava";
import { resolveGatewayName } from "../../src/registry/mesh/index.js";
import { modelFromYaml } from "./model-from-yaml.js";

const m = modelFromYaml(`
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews-route, namespace: bookinfo, creationTimestamp: "2026-01-02T00:00:00Z"}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: front, namespace: web, creationTimestamp: "2026-01-01T00:00:00Z"}
spec:
  hosts: [tomcat.istio.com, front-tomcat]
  gateways: [front-gateway, istio-system/shared-gw, mesh]
  http:
  - route:
    - destination: {host: front-tomcat.web.svc.cluster.local}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: gw-only, namespace: web}
spec:
  hosts: ["*.example.com"]
  gateways: [front-gateway]
  http:
  - route:
    - destination: {host: front-tomcat}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: private, namespace: team-a}
spec:
  hosts: [internal]
  exportTo: ["."]
  http:
  - route:
    - destination: {host: internal}
`);

const names = (list: { namespace: string; name: string }[]) =>
  list.map((v) => `${v.namespace}/${v.name}`);

test("short hosts are completed in the VirtualService's namespace", (t) => {
  const vs = m.virtualServices.all.find((v) => v.name === "reviews-route");
  t.deepEqual(vs?.hosts, ["reviews.bookinfo.svc.cluster.local"]);
  const front = m.virtualServices.all.find((v) => v.name === "front");
  t.deepEqual(front?.hosts, ["tomcat.istio.com", "front-tomcat.web.svc.cluster.local"]);
});

test("gateway names resolve to namespace/name; no gateways means mesh", (t) => {
  const front = m.virtualServices.all.find((v) => v.name === "front");
  t.deepEqual(front?.gateways, ["web/front-gateway", "istio-system/shared-gw", "mesh"]);
  t.deepEqual(m.virtualServices.all.find((v) => v.name === "reviews-route")?.gateways, ["mesh"]);
  t.is(resolveGatewayName("gw.ns1.svc.cluster.local", "x"), "ns1/gw");
  t.is(resolveGatewayName("./gw", "x"), "x/gw");
  t.is(resolveGatewayName("mesh", "x"), "mesh");
});

test("VirtualServices for mesh, oldest first; gateway-only ones are not", (t) => {
  t.deepEqual(names(m.virtualServicesForGateway("mesh", "bookinfo")), [
    "web/front",
    "bookinfo/reviews-route",
  ]);
  // gw-only has no creationTimestamp: it counts as oldest, as in Istio.
  t.deepEqual(names(m.virtualServicesForGateway("web/front-gateway", "istio-system")), [
    "web/gw-only",
    "web/front",
  ]);
  t.deepEqual(names(m.virtualServicesForGateway("istio-system/shared-gw", "istio-system")), [
    "web/front",
  ]);
});

test("exportTo `.` keeps a VirtualService in its namespace", (t) => {
  t.true(names(m.virtualServicesForGateway("mesh", "team-a")).includes("team-a/private"));
  t.false(names(m.virtualServicesForGateway("mesh", "bookinfo")).includes("team-a/private"));
});

test("VirtualServices for a host, wildcards included", (t) => {
  t.deepEqual(names(m.virtualServicesForHost("a.example.com", "web/front-gateway", "web")), [
    "web/gw-only",
  ]);
  t.deepEqual(
    names(m.virtualServicesForHost("reviews.bookinfo.svc.cluster.local", "mesh", "default")),
    ["bookinfo/reviews-route"],
  );
});

test("a namespace's own private VirtualServices come before exported and public ones", (t) => {
  const vs = (name: string, ns: string, exportTo: string, ts: string) => `
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${ts}"}
spec:
  hosts: [shared.example.com]
  exportTo: ${exportTo}
  http: [{route: [{destination: {host: shared.example.com}}]}]
`;
  const m2 = modelFromYaml(
    [
      vs("public", "a", '["*"]', "2026-01-01T00:00:00Z"),
      vs("to-b", "a", "[b]", "2026-01-02T00:00:00Z"),
      vs("private", "b", '["."]', "2026-01-03T00:00:00Z"),
    ].join("\n---\n"),
  );
  t.deepEqual(names(m2.virtualServicesForGateway("mesh", "b")), [
    "b/private",
    "a/to-b",
    "a/public",
  ]);
  t.deepEqual(names(m2.virtualServicesForGateway("mesh", "a")), ["a/public"]);
});
