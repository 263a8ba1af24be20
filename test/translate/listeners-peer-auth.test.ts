// PeerAuthentication → inbound chains: precedence (workload > namespace > mesh), the oldest
// policy winning conflicts, portLevelMtls by target port, and the chains each mode yields.

import test from "ava";
import { modeForPort, mtlsPolicyFor } from "../../src/translate/listeners/peer-authentication.js";
import {
  inboundChainsFor,
  listenersOf,
  modelFromYaml,
  serviceWithPod,
  sidecar,
  terminal,
  transport,
} from "./listeners-helpers.js";

const pa = (name: string, ns: string, ts: string, spec: string) => `
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${ts}"}
spec: ${spec}
`;

const app = serviceWithPod(
  "example-app",
  "foo",
  "10.96.0.50",
  "[{name: http, port: 8000, targetPort: 80}, {name: tcp, port: 9000, targetPort: 9000}]",
  "10.1.0.5",
);
const proxy = sidecar("foo", { app: "example-app" }, ["10.1.0.5"]);

test("no policy at all: PERMISSIVE; a mesh-wide policy without mode: PERMISSIVE", (t) => {
  t.is(mtlsPolicyFor(modelFromYaml(app), proxy).mode, "PERMISSIVE");
  const m = modelFromYaml(app + pa("default", "istio-system", "2024-01-01T00:00:00Z", "{}"));
  t.is(mtlsPolicyFor(m, proxy).mode, "PERMISSIVE");
});

test("workload beats namespace beats mesh; UNSET inherits", (t) => {
  const mesh = pa("default", "istio-system", "2024-01-01T00:00:00Z", "{mtls: {mode: STRICT}}");
  const ns = pa("default", "foo", "2024-01-02T00:00:00Z", "{mtls: {mode: DISABLE}}");
  const wl = pa(
    "wl",
    "foo",
    "2024-01-03T00:00:00Z",
    "{selector: {matchLabels: {app: example-app}}, mtls: {mode: PERMISSIVE}}",
  );
  const unset = pa(
    "wl",
    "foo",
    "2024-01-03T00:00:00Z",
    "{selector: {matchLabels: {app: example-app}}, mtls: {mode: UNSET}}",
  );
  t.is(mtlsPolicyFor(modelFromYaml(app + mesh), proxy).mode, "STRICT");
  t.is(mtlsPolicyFor(modelFromYaml(app + mesh + ns), proxy).mode, "DISABLE");
  t.is(mtlsPolicyFor(modelFromYaml(app + mesh + ns + wl), proxy).mode, "PERMISSIVE");
  t.is(mtlsPolicyFor(modelFromYaml(app + mesh + ns + unset), proxy).mode, "DISABLE");
  // A policy in another namespace, or selecting other labels, does not apply.
  const other = pa("x", "bar", "2024-01-01T00:00:00Z", "{mtls: {mode: DISABLE}}");
  const otherWl = pa(
    "y",
    "foo",
    "2024-01-01T00:00:00Z",
    "{selector: {matchLabels: {app: nope}}, mtls: {mode: DISABLE}}",
  );
  t.is(mtlsPolicyFor(modelFromYaml(app + mesh + other + otherWl), proxy).mode, "STRICT");
});

test("conflicts: the oldest namespace-wide and the oldest workload policy win", (t) => {
  const older = pa("a-newer-name", "foo", "2024-01-01T00:00:00Z", "{mtls: {mode: STRICT}}");
  const newer = pa("b", "foo", "2024-02-01T00:00:00Z", "{mtls: {mode: DISABLE}}");
  t.is(mtlsPolicyFor(modelFromYaml(app + newer + older), proxy).mode, "STRICT");
  const w1 = pa(
    "w1",
    "foo",
    "2024-03-01T00:00:00Z",
    "{selector: {matchLabels: {app: example-app}}, mtls: {mode: DISABLE}}",
  );
  const w2 = pa(
    "w2",
    "foo",
    "2024-02-01T00:00:00Z",
    "{selector: {matchLabels: {app: example-app}}, mtls: {mode: PERMISSIVE}}",
  );
  t.is(mtlsPolicyFor(modelFromYaml(app + w1 + w2), proxy).mode, "PERMISSIVE");
});

test("portLevelMtls is keyed by target port and an UNSET port mode inherits", (t) => {
  const ns = pa("default", "foo", "2024-01-01T00:00:00Z", "{mtls: {mode: STRICT}}");
  const wl = pa(
    "wl",
    "foo",
    "2024-01-02T00:00:00Z",
    "{selector: {matchLabels: {app: example-app}}, portLevelMtls: {80: {mode: DISABLE}, 9000: {mode: UNSET}}}",
  );
  const policy = mtlsPolicyFor(modelFromYaml(app + ns + wl), proxy);
  t.is(modeForPort(policy, 80), "DISABLE");
  t.is(modeForPort(policy, 8000), "STRICT");
  t.is(modeForPort(policy, 9000), "STRICT");
});

test("STRICT: only a TLS chain requiring client certificates; DISABLE: plaintext only", (t) => {
  const ns = pa("default", "foo", "2024-01-01T00:00:00Z", "{mtls: {mode: STRICT}}");
  const wl = pa(
    "wl",
    "foo",
    "2024-01-02T00:00:00Z",
    "{selector: {matchLabels: {app: example-app}}, portLevelMtls: {80: {mode: DISABLE}}}",
  );
  const ls = listenersOf(modelFromYaml(app + ns + wl), proxy);
  const tcp = inboundChainsFor(ls, 9000);
  t.deepEqual(tcp.map(transport), ["tls"]);
  const tlsCtx = (tcp[0]!.transportSocket as { typedConfig: Record<string, unknown> }).typedConfig;
  t.deepEqual(tlsCtx.requireClientCertificate, { value: true });
  const common = tlsCtx.commonTlsContext as Record<string, unknown>;
  t.is((common.tlsCertificateSdsSecretConfigs as { name: string }[])[0]!.name, "default");
  t.is(
    (common.combinedValidationContext as { validationContextSdsSecretConfig: { name: string } })
      .validationContextSdsSecretConfig.name,
    "ROOTCA",
  );
  t.is(terminal(tcp[0]!).cluster, "inbound|9000||");
  const http = inboundChainsFor(ls, 80);
  t.deepEqual(http.map(transport), ["raw_buffer"]);
  t.is(http[0]!.transportSocket, undefined);
  t.is(http[0]!.name, "0.0.0.0_80");
  t.deepEqual(inboundChainsFor(ls, 8000), [], "chains match the target port, not the service port");
});

test("PERMISSIVE: mTLS chain by ALPN plus plaintext; TCP also passes plain TLS through", (t) => {
  const ls = listenersOf(modelFromYaml(app), proxy);
  const http = inboundChainsFor(ls, 80);
  t.deepEqual(http.map(transport), ["tls", "raw_buffer"]);
  t.truthy(http[0]!.transportSocket);
  t.deepEqual(
    (http[0]!.filterChainMatch as { applicationProtocols: string[] }).applicationProtocols,
    ["istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2"],
  );
  t.deepEqual(inboundChainsFor(ls, 9000).map(transport), ["tls", "raw_buffer", "tls"]);
  t.deepEqual(
    inboundChainsFor(ls, 9000).map((c) => c.transportSocket !== undefined),
    [true, false, false],
  );
});

test("port-level modes on ports no service declares get their own passthrough chains", (t) => {
  const wl = pa(
    "wl",
    "foo",
    "2024-01-02T00:00:00Z",
    "{selector: {matchLabels: {app: example-app}}, mtls: {mode: STRICT}, portLevelMtls: {7777: {mode: DISABLE}}}",
  );
  const ls = listenersOf(modelFromYaml(app + wl), proxy);
  const chains = inboundChainsFor(ls, 7777);
  t.deepEqual(
    chains.map((c) => c.name),
    ["virtualInbound-catchall-http", "virtualInbound"],
  );
  t.deepEqual(chains.map(transport), ["raw_buffer", "raw_buffer"]);
  t.is(terminal(chains[1]!).cluster, "InboundPassthroughCluster");
});
