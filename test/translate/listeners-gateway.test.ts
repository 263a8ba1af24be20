// Gateway listeners: server ports mapped to the gateway Service's target ports, servers of several
// Gateways merged on one port, SNI conflicts, and TCP / TLS servers.

import test from "ava";
import { chains, listenersOf, modelFromYaml, router, terminal } from "./listeners-helpers.js";

const gatewayWorkload = `
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  clusterIP: 10.96.0.100
  selector: {istio: ingressgateway}
  ports:
    - {name: http2, port: 80, targetPort: 8080}
    - {name: https, port: 443, targetPort: 8443}
---
apiVersion: v1
kind: Pod
metadata: {name: gw-0, namespace: istio-system, labels: {istio: ingressgateway}}
spec:
  containers: [{name: istio-proxy, image: x}]
status:
  phase: Running
  podIP: 10.0.0.10
  podIPs: [{ip: 10.0.0.10}]
  conditions: [{type: Ready, status: "True"}]
`;
const gw = router({ istio: "ingressgateway" }, ["10.0.0.10"]);

const gateway = (name: string, ts: string, servers: string) => `
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: ${name}, namespace: default, creationTimestamp: "${ts}"}
spec:
  selector: {istio: ingressgateway}
  servers: ${servers}
`;

test("server port 80 listens on the Service's target port 8080 with RDS http.80", (t) => {
  const ls = listenersOf(
    modelFromYaml(
      gatewayWorkload +
        gateway(
          "a",
          "2024-01-01T00:00:00Z",
          "[{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example.com]}]",
        ),
    ),
    gw,
  );
  t.deepEqual([...ls.keys()], ["0.0.0.0_8080"]);
  const hcm = terminal(chains(ls.get("0.0.0.0_8080"))[0]!);
  t.is((hcm.rds as { routeConfigName: string }).routeConfigName, "http.80");
  t.deepEqual(hcm.useRemoteAddress, { value: true });
});

test("without a gateway Service the server port is used", (t) => {
  const ls = listenersOf(
    modelFromYaml(
      gateway(
        "a",
        "2024-01-01T00:00:00Z",
        "[{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*']}]",
      ),
    ),
    router({ istio: "ingressgateway" }),
  );
  t.deepEqual([...ls.keys()], ["0.0.0.0_80"]);
});

test("HTTP servers of two Gateways on one port merge into one chain", (t) => {
  const ls = listenersOf(
    modelFromYaml(
      gatewayWorkload +
        gateway(
          "a",
          "2024-01-01T00:00:00Z",
          "[{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example.com]}]",
        ) +
        gateway(
          "b",
          "2024-01-02T00:00:00Z",
          "[{port: {number: 80, name: http-b, protocol: HTTP}, hosts: [b.example.com]}]",
        ),
    ),
    gw,
  );
  t.is(chains(ls.get("0.0.0.0_8080")).length, 1);
});

const https = (host: string, extra = "") =>
  `{port: {number: 443, name: https, protocol: HTTPS}, hosts: [${host}], tls: {mode: SIMPLE, credentialName: ${host.split(".")[0]}-cred${extra}}}`;

test("HTTPS servers of several Gateways: one SNI chain each; a taken SNI host drops the newer server", (t) => {
  const ls = listenersOf(
    modelFromYaml(
      gatewayWorkload +
        gateway("a", "2024-01-01T00:00:00Z", `[${https("a.example.com")}]`) +
        gateway("b", "2024-01-02T00:00:00Z", `[${https("b.example.com")}]`) +
        gateway("c", "2024-01-03T00:00:00Z", `[${https("a.example.com")}]`),
    ),
    gw,
  );
  const l = ls.get("0.0.0.0_8443")!;
  const cs = chains(l);
  t.deepEqual(
    cs.map((c) => (c.filterChainMatch as { serverNames: string[] }).serverNames),
    [["a.example.com"], ["b.example.com"]],
  );
  t.deepEqual(
    cs.map((c) => (terminal(c).rds as { routeConfigName: string }).routeConfigName),
    ["https.443.https.a.default", "https.443.https.b.default"],
  );
  const ctx = (
    cs[0]!.transportSocket as { typedConfig: { commonTlsContext: Record<string, unknown> } }
  ).typedConfig.commonTlsContext;
  t.deepEqual(ctx.tlsCertificateSdsSecretConfigs, [
    { name: "kubernetes://a-cred", sdsConfig: { ads: {}, resourceApiVersion: "V3" } },
  ]);
  t.is((l.listenerFilters as { name: string }[])[0]!.name, "envoy.filters.listener.tls_inspector");
});

test("an HTTPS server cannot join a port that carries plaintext HTTP", (t) => {
  const ls = listenersOf(
    modelFromYaml(
      gateway(
        "a",
        "2024-01-01T00:00:00Z",
        "[{port: {number: 8000, name: http, protocol: HTTP}, hosts: ['*']}]",
      ) +
        gateway(
          "b",
          "2024-01-02T00:00:00Z",
          `[{port: {number: 8000, name: https, protocol: HTTPS}, hosts: [b.example.com], tls: {mode: SIMPLE, credentialName: b}}]`,
        ),
    ),
    router({ istio: "ingressgateway" }),
  );
  const cs = chains(ls.get("0.0.0.0_8000"));
  t.is(cs.length, 1);
  t.is(cs[0]!.transportSocket, undefined);
});

test("MUTUAL with files: client certificate required, CA file as validation context", (t) => {
  const ls = listenersOf(
    modelFromYaml(
      gateway(
        "a",
        "2024-01-01T00:00:00Z",
        "[{port: {number: 443, name: https, protocol: HTTPS}, hosts: [h.example.com], tls: {mode: MUTUAL, serverCertificate: /c.crt, privateKey: /c.key, caCertificates: /ca.crt}}]",
      ),
    ),
    router({ istio: "ingressgateway" }),
  );
  const tls = (
    chains(ls.get("0.0.0.0_443"))[0]!.transportSocket as { typedConfig: Record<string, unknown> }
  ).typedConfig;
  t.deepEqual(tls.requireClientCertificate, { value: true });
  t.deepEqual((tls.commonTlsContext as Record<string, unknown>).validationContext, {
    trustedCa: { filename: "/ca.crt" },
  });
});

test("a TCP server without a bound VirtualService gets no listener", (t) => {
  const ls = listenersOf(
    modelFromYaml(
      gateway(
        "a",
        "2024-01-01T00:00:00Z",
        "[{port: {number: 31400, name: tcp, protocol: TCP}, hosts: ['*']}]",
      ),
    ),
    router({ istio: "ingressgateway" }),
  );
  t.deepEqual([...ls.keys()], []);
});

test("AUTO_PASSTHROUGH: one SNI chain per service port and subset, to the SNI-DNAT cluster", (t) => {
  const yaml = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  clusterIP: 10.96.9.1
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}]
${gateway("cross-network", "2024-01-01T00:00:00Z", "[{port: {number: 15443, name: tls, protocol: TLS}, hosts: ['*.local'], tls: {mode: AUTO_PASSTHROUGH}}]")}`;
  const l = listenersOf(modelFromYaml(yaml), router({ istio: "ingressgateway" })).get(
    "0.0.0.0_15443",
  )!;
  const cs = chains(l);
  t.deepEqual(
    cs.map((c) => (c.filterChainMatch as { serverNames: string[] }).serverNames[0]),
    [
      "outbound_.9080_._.reviews.default.svc.cluster.local",
      "outbound_.9080_.v1_.reviews.default.svc.cluster.local",
    ],
  );
  t.is(terminal(cs[0]!).cluster, "outbound_.9080_._.reviews.default.svc.cluster.local");
  t.deepEqual(
    (cs[0]!.filterChainMatch as { applicationProtocols: string[] }).applicationProtocols,
    ["istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2"],
  );
  t.is(cs[0]!.transportSocket, undefined, "passthrough: the gateway does not terminate TLS");
});
