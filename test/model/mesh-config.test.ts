import test from "ava";
import { buildMeshModel } from "../../src/registry/mesh/index.js";
import { modelFromYaml } from "./model-from-yaml.js";

const configMap = (mesh: string) => `
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
${mesh
  .split("\n")
  .map((l) => `    ${l}`)
  .join("\n")}
`;

test("defaults as Istio's when there is no mesh config", (t) => {
  const mc = modelFromYaml("").meshConfig;
  t.is(mc.rootNamespace, "istio-system");
  t.is(mc.trustDomain, "cluster.local");
  t.is(mc.outboundTrafficPolicy.mode, "ALLOW_ANY");
  t.true(mc.enableAutoMtls);
  t.is(mc.connectTimeout, "10s");
  t.is(mc.protocolDetectionTimeout, "0s");
  t.deepEqual(mc.defaultServiceExportTo, ["*"]);
  t.is(mc.defaultConfig.discoveryAddress, "istiod.istio-system.svc:15012");
  t.is(mc.defaultConfig.proxyAdminPort, 15000);
});

test("ConfigMap istio: REGISTRY_ONLY, root namespace, other fields kept", (t) => {
  const m = modelFromYaml(
    configMap(`outboundTrafficPolicy:
  mode: REGISTRY_ONLY
rootNamespace: mesh-root
enableAutoMtls: false
connectTimeout: 5s
accessLogFile: /dev/stdout
defaultConfig:
  discoveryAddress: pilot.mesh-root:15012`),
  );
  const mc = m.meshConfig;
  t.is(mc.outboundTrafficPolicy.mode, "REGISTRY_ONLY");
  t.is(mc.rootNamespace, "mesh-root");
  t.false(mc.enableAutoMtls);
  t.is(mc.connectTimeout, "5s");
  t.is(mc.accessLogFile, "/dev/stdout");
  // defaultConfig merges field by field.
  t.is(mc.defaultConfig.discoveryAddress, "pilot.mesh-root:15012");
  t.is(mc.defaultConfig.proxyAdminPort, 15000);
  t.deepEqual(m.problems, []);
});

test("ALLOW_ANY flips back when the ConfigMap is replaced", (t) => {
  t.is(
    modelFromYaml(configMap("outboundTrafficPolicy:\n  mode: ALLOW_ANY")).meshConfig
      .outboundTrafficPolicy.mode,
    "ALLOW_ANY",
  );
});

test("the mesh config's outboundTrafficPolicy is the Sidecar scope default", (t) => {
  const m = modelFromYaml(configMap("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY"));
  t.is(
    m.sidecarScope({ namespace: "default", labels: {} }).outboundTrafficPolicy.mode,
    "REGISTRY_ONLY",
  );
});

test("a ConfigMap named istio in another namespace is ignored", (t) => {
  const m = modelFromYaml(
    configMap("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY").replace("istio-system", "default"),
  );
  t.is(m.meshConfig.outboundTrafficPolicy.mode, "ALLOW_ANY");
});

test("a MeshConfig object overrides the ConfigMap", (t) => {
  const m = modelFromYaml(
    `${configMap("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\ntrustDomain: corp.example")}
---
apiVersion: meshpilot.io/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec:
  outboundTrafficPolicy: {mode: ALLOW_ANY}
`,
  );
  t.is(m.meshConfig.outboundTrafficPolicy.mode, "ALLOW_ANY");
  t.is(m.meshConfig.trustDomain, "corp.example");
});

test("bad mesh YAML (validation normally rejects it first) is reported; the defaults stay", (t) => {
  const m = buildMeshModel([
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "istio", namespace: "istio-system" },
      body: { data: { mesh: "outboundTrafficPolicy: [unclosed" } },
      source: { file: "mesh.yaml" },
    },
  ]);
  t.is(m.meshConfig.outboundTrafficPolicy.mode, "ALLOW_ANY");
  t.is(m.problems.length, 1);
  t.regex(m.problems[0] ?? "", /istio-system\/istio data\.mesh/);
});

test("the root namespace from mesh config drives DestinationRule and Sidecar defaults", (t) => {
  const m = modelFromYaml(`${configMap("rootNamespace: mesh-root")}
---
apiVersion: networking.istio.io/v1beta1
kind: Sidecar
metadata: {name: default, namespace: mesh-root}
spec:
  egress: [{hosts: ["./*"]}]
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: all, namespace: mesh-root}
spec:
  host: "*.local"
`);
  t.is(m.sidecarScope({ namespace: "apps", labels: {} }).sidecar?.namespace, "mesh-root");
  t.is(
    m.destinationRuleFor({ namespace: "apps", labels: {} }, "a.b.svc.cluster.local")?.from[0]?.name,
    "all",
  );
});
