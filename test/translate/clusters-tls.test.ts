// CDS: upstream TLS — auto mTLS, ISTIO_MUTUAL, SIMPLE / MUTUAL with files or credentialName.

import test from "ava";
import { clustersOf, ctxFor, pod, proxy, service, type Msg } from "./clusters-helpers.js";

const REVIEWS = "outbound|9080||reviews.prod.svc.cluster.local";

function withRule(tls: string, extra = ""): string {
  return (
    service("reviews", "prod") +
    pod(
      "reviews-v1",
      "reviews",
      "10.1.0.1",
      { "security.istio.io/tlsMode": "istio" },
      true,
      "prod",
    ) +
    `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: reviews, namespace: prod }
spec:
  host: reviews
${extra}  trafficPolicy:
    tls: ${tls}
---
`
  );
}

function tlsContext(c: Msg): Msg {
  return c.transportSocket.typedConfig;
}

test("no tls in the rule: auto mTLS by transport socket match, with the service's identities", (t) => {
  const yaml =
    service("reviews", "prod") + pod("reviews-v1", "reviews", "10.1.0.1", {}, true, "prod");
  const c = clustersOf(ctxFor(yaml, proxy("client"))).get(REVIEWS)!;
  t.is(c.transportSocket, undefined);
  t.deepEqual(
    c.transportSocketMatches.map((m: Msg) => [m.name, m.match]),
    [
      ["tlsMode-istio", { fields: { tlsMode: { stringValue: "istio" } } }],
      ["tlsMode-disabled", {}],
    ],
  );
  const ctx = c.transportSocketMatches[0].transportSocket.typedConfig;
  t.is(ctx.sni, "outbound_.9080_._.reviews.prod.svc.cluster.local");
  t.deepEqual(ctx.commonTlsContext.combinedValidationContext.defaultValidationContext, {
    matchSubjectAltNames: [{ exact: "spiffe://cluster.local/ns/prod/sa/reviews" }],
  });
  t.deepEqual(ctx.commonTlsContext.alpnProtocols, ["istio-peer-exchange", "istio"]);
});

test("auto mTLS is off for DISABLE servers, when the mesh turns it off, and for headless services", (t) => {
  const base =
    service("reviews", "prod") + pod("reviews-v1", "reviews", "10.1.0.1", {}, true, "prod");
  const disabled =
    base +
    `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: { name: default, namespace: prod }
spec: { mtls: { mode: DISABLE } }
---
`;
  t.is(
    clustersOf(ctxFor(disabled, proxy("client"))).get(REVIEWS)!.transportSocketMatches,
    undefined,
  );
  const meshOff =
    base +
    `apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: "enableAutoMtls: false"
---
`;
  t.is(
    clustersOf(ctxFor(meshOff, proxy("client"))).get(REVIEWS)!.transportSocketMatches,
    undefined,
  );
  const headless = service("db", "prod").replace(/clusterIP: [^\n]+/, "clusterIP: None");
  const db = clustersOf(ctxFor(headless, proxy("client"))).get(
    "outbound|9080||db.prod.svc.cluster.local",
  )!;
  t.is(db.type, "ORIGINAL_DST");
  t.is(db.lbPolicy, "CLUSTER_PROVIDED");
  t.is(db.transportSocketMatches, undefined);
});

test("tls DISABLE turns auto mTLS off; ISTIO_MUTUAL uses the rule's SNI and SANs", (t) => {
  const off = clustersOf(ctxFor(withRule("{ mode: DISABLE }"), proxy("client"))).get(REVIEWS)!;
  t.is(off.transportSocket, undefined);
  t.is(off.transportSocketMatches, undefined);
  const mutual = clustersOf(
    ctxFor(
      withRule("{ mode: ISTIO_MUTUAL, sni: reviews.example, subjectAltNames: [spiffe://x/y] }"),
      proxy("client"),
    ),
  ).get(REVIEWS)!;
  const ctx = tlsContext(mutual);
  t.is(ctx.sni, "reviews.example");
  t.deepEqual(ctx.commonTlsContext.combinedValidationContext.defaultValidationContext, {
    matchSubjectAltNames: [{ exact: "spiffe://x/y" }],
  });
  t.deepEqual(
    ctx.commonTlsContext.tlsCertificateSdsSecretConfigs.map((s: Msg) => s.name),
    ["default"],
  );
  t.is(
    ctx.commonTlsContext.combinedValidationContext.validationContextSdsSecretConfig.name,
    "ROOTCA",
  );
});

test("ISTIO_MUTUAL on an HTTP/2 port advertises h2 too", (t) => {
  const yaml =
    service("grpc", "prod", "[{ name: grpc, port: 7070 }]") +
    `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: grpc, namespace: prod }
spec: { host: grpc, trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }
---
`;
  const c = clustersOf(ctxFor(yaml, proxy("client"))).get(
    "outbound|7070||grpc.prod.svc.cluster.local",
  )!;
  t.deepEqual(tlsContext(c).commonTlsContext.alpnProtocols, ["istio-peer-exchange", "istio", "h2"]);
  t.truthy(
    c.typedExtensionProtocolOptions["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
      .explicitHttpConfig.http2ProtocolOptions,
  );
});

test("credentialName: SDS over ADS for gateways and selected sidecars, ignored for other sidecars", (t) => {
  const rule = withRule("{ mode: MUTUAL, credentialName: reviews-client, sni: reviews.example }");
  t.is(clustersOf(ctxFor(rule, proxy("client"))).get(REVIEWS)!.transportSocket, undefined);
  const gw = clustersOf(
    ctxFor(rule, proxy("istio-system", { istio: "egressgateway" }, "router")),
  ).get(REVIEWS)!;
  const common = tlsContext(gw).commonTlsContext;
  t.deepEqual(common.tlsCertificateSdsSecretConfigs, [
    { name: "kubernetes://reviews-client", sdsConfig: { ads: {}, resourceApiVersion: "V3" } },
  ]);
  t.is(
    common.combinedValidationContext.validationContextSdsSecretConfig.name,
    "kubernetes://reviews-client-cacert",
  );
  const selected = withRule(
    "{ mode: SIMPLE, credentialName: reviews-ca }",
    "  workloadSelector: { matchLabels: { app: client } }\n",
  ).replace(
    "namespace: prod }\nspec:\n  host: reviews",
    "namespace: client }\nspec:\n  host: reviews.prod.svc.cluster.local",
  );
  const sc = clustersOf(ctxFor(selected, proxy("client", { app: "client" }))).get(REVIEWS)!;
  t.is(tlsContext(sc).commonTlsContext.tlsCertificateSdsSecretConfigs, undefined);
  t.is(
    tlsContext(sc).commonTlsContext.combinedValidationContext.validationContextSdsSecretConfig.name,
    "kubernetes://reviews-ca-cacert",
  );
});

test("SIMPLE with a CA file and no SNI: auto SNI and SAN validation from the request", (t) => {
  const c = clustersOf(
    ctxFor(withRule("{ mode: SIMPLE, caCertificates: /etc/ca.pem }"), proxy("client")),
  ).get(REVIEWS)!;
  t.deepEqual(tlsContext(c).commonTlsContext.validationContext, {
    trustedCa: { filename: "/etc/ca.pem" },
  });
  t.deepEqual(
    c.typedExtensionProtocolOptions["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]
      .upstreamHttpProtocolOptions,
    { autoSni: true, autoSanValidation: true },
  );
  t.is(c.transportSocketMatches, undefined);
});
