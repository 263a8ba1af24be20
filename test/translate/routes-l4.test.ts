// VirtualService tcp/tls routes resolved for the listeners generator (T14's shape on a sidecar).

import test from "ava";
import { tcpRouteClusters, tcpRoutes, tlsRoutes } from "../../src/translate/routes/tcp-routes.js";
import { contextFor, service } from "./routes-fixture.js";

const ECHO =
  service("tcp-echo", "default", "10.0.0.90", "[{name: tcp, port: 9000}]") +
  `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: tcp-echo, namespace: default}
spec:
  host: tcp-echo
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
`;

test("tcp routes: weights, first applicable route, default cluster without a VirtualService", (t) => {
  const svcCtx = contextFor(ECHO);
  const echo = svcCtx.scope.services.find((s) => s.name === "tcp-echo")!;
  t.deepEqual(tcpRouteClusters(svcCtx, echo, 9000), [
    { name: "outbound|9000||tcp-echo.default.svc.cluster.local", weight: 100 },
  ]);
  const config =
    ECHO +
    `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: tcp-echo, namespace: default}
spec:
  hosts: [tcp-echo]
  tcp:
  - match: [{port: 9001}]
    route: [{destination: {host: tcp-echo, subset: v2}}]
  - match: [{port: 9000, sourceLabels: {app: tester}}]
    route:
    - {destination: {host: tcp-echo, port: {number: 9000}, subset: v1}, weight: 80}
    - {destination: {host: tcp-echo, port: {number: 9000}, subset: v2}, weight: 20}
  - route: [{destination: {host: tcp-echo, subset: v1}}]
---
`;
  const tester = contextFor(config, { labels: { app: "tester" } });
  t.deepEqual(tcpRouteClusters(tester, echo, 9000), [
    { name: "outbound|9000|v1|tcp-echo.default.svc.cluster.local", weight: 80 },
    { name: "outbound|9000|v2|tcp-echo.default.svc.cluster.local", weight: 20 },
  ]);
  const other = contextFor(config, { labels: { app: "other" } });
  t.deepEqual(
    tcpRoutes(other, echo.hostname, 9000).map((r) => r.clusters),
    [[{ name: "outbound|9000|v1|tcp-echo.default.svc.cluster.local", weight: 100 }]],
  );
});

test("tls routes keep the SNI hosts of the matching block", (t) => {
  const ctx = contextFor(
    service("web", "default", "10.0.0.91", "[{name: tls, port: 443}]") +
      `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: web, namespace: default}
spec:
  hosts: [web]
  tls:
  - match: [{port: 443, sniHosts: [web]}]
    route: [{destination: {host: web}}]
---
`,
  );
  const [route] = tlsRoutes(ctx, "web.default.svc.cluster.local", 443);
  t.deepEqual(route?.sniHosts, ["web"]);
  t.deepEqual(route?.clusters, [
    { name: "outbound|443||web.default.svc.cluster.local", weight: 100 },
  ]);
});
