// Small meshes for the route generator tests: YAML text → model → TranslateContext, and lookups
// into the generated route configurations.

import { buildMeshModel } from "../../src/registry/mesh/mesh-model.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { translateContext, type TranslateContext } from "../../src/translate/context.js";
import type { EnvoyMessage } from "../../src/translate/envoy-message.js";
import { generateRoutes } from "../../src/translate/routes/index.js";

export function contextFor(yaml: string, proxy: Partial<ProxyView> = {}): TranslateContext {
  const r = readYamlText(yaml, "test.yaml");
  const errors = r.issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join("\n"));
  const model = buildMeshModel(r.objects);
  return translateContext(model, {
    kind: "sidecar",
    namespace: "default",
    labels: {},
    ips: [],
    ...proxy,
  });
}

export function routeConfig(ctx: TranslateContext, name: string): EnvoyMessage {
  const rc = generateRoutes(ctx).find((r) => r.name === name);
  if (!rc) throw new Error(`no route configuration ${name}`);
  return rc.message;
}

export function virtualHost(rc: EnvoyMessage, name: string): EnvoyMessage {
  const vh = (rc.virtualHosts as EnvoyMessage[]).find((v) => v.name === name);
  if (!vh) throw new Error(`no virtual host ${name} in ${String(rc.name)}`);
  return vh;
}

export function routesOf(vh: EnvoyMessage): EnvoyMessage[] {
  return vh.routes as EnvoyMessage[];
}

export function service(name: string, ns: string, ip: string, ports: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  clusterIP: ${ip}
  selector: {app: ${name}}
  ports: ${ports}
---
`;
}

export const REVIEWS =
  service("reviews", "default", "10.0.0.13", "[{name: http, port: 9080}]") +
  `apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
`;
