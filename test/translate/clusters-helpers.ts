// Shared by the CDS / EDS tests: clusters and assignments of one proxy from inline YAML, by name.

import type { MeshModel } from "../../src/registry/mesh/index.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import { generateClusters } from "../../src/translate/clusters/index.js";
import { translateContext, type TranslateContext } from "../../src/translate/context.js";
import { generateEndpoints } from "../../src/translate/endpoints/index.js";
import { modelFromYaml } from "../model/model-from-yaml.js";

export type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function proxy(
  namespace: string,
  labels: Record<string, string> = {},
  kind: ProxyView["kind"] = "sidecar",
  extra: Partial<ProxyView> = {},
): ProxyView {
  return { kind, namespace, labels, ips: [], ...extra };
}

export function ctxFor(model: MeshModel | string, p: ProxyView): TranslateContext {
  return translateContext(typeof model === "string" ? modelFromYaml(model) : model, p);
}

export function clustersOf(ctx: TranslateContext): Map<string, Msg> {
  return new Map(generateClusters(ctx).map((r) => [r.name, r.message as Msg]));
}

export function assignmentsOf(ctx: TranslateContext): Map<string, Msg> {
  return new Map(generateEndpoints(ctx).map((r) => [r.name, r.message as Msg]));
}

/** A ClusterIP Service `name` in `ns` on port 9080 (http) selecting app=name. */
export function service(
  name: string,
  ns = "default",
  ports = "[{ name: http, port: 9080 }]",
): string {
  return `apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec:
  clusterIP: 10.0.${name.length}.${ns.length}
  selector: { app: ${name} }
  ports: ${ports}
---
`;
}

/** A ready (or not) Pod of app `app` with extra labels at `ip`. */
export function pod(
  name: string,
  app: string,
  ip: string,
  labels: Record<string, string> = {},
  ready = true,
  ns = "default",
): string {
  const extra = Object.entries(labels)
    .map(([k, v]) => `    ${k}: "${v}"\n`)
    .join("");
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${app}
${extra}spec:
  serviceAccountName: ${app}
  containers: [{ name: app, image: x, ports: [{ name: http, containerPort: 9080 }] }]
status:
  phase: Running
  podIP: ${ip}
  conditions: [{ type: Ready, status: "${ready ? "True" : "False"}" }]
---
`;
}
