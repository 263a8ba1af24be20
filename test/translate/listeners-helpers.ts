// Shared helpers of the LDS unit tests: a proxy's listeners from inline YAML, and lookups into
// the generated messages.

import { buildMeshModel, type MeshModel } from "../../src/registry/mesh/index.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import { translateContext } from "../../src/translate/context.js";
import type { EnvoyMessage } from "../../src/translate/envoy-message.js";
import { generateListeners } from "../../src/translate/listeners/index.js";
import { modelFromYaml } from "../model/model-from-yaml.js";

export { buildMeshModel, modelFromYaml };

/** Listeners of a proxy, by name. */
export function listenersOf(model: MeshModel, proxy: ProxyView): Map<string, EnvoyMessage> {
  return new Map(generateListeners(translateContext(model, proxy)).map((r) => [r.name, r.message]));
}

export const sidecar = (
  namespace: string,
  labels: Record<string, string>,
  ips: string[] = [],
): ProxyView => ({
  kind: "sidecar",
  namespace,
  labels,
  ips,
});

export const router = (labels: Record<string, string>, ips: string[] = []): ProxyView => ({
  kind: "router",
  namespace: "istio-system",
  labels,
  ips,
});

type Msg = Record<string, unknown>;

export function chains(l: EnvoyMessage | undefined): Msg[] {
  return ((l?.filterChains ?? []) as Msg[]).slice();
}

/** The typedConfig of a chain's last (terminal) filter. */
export function terminal(chain: Msg): Msg {
  const filters = chain.filters as Msg[];
  return filters[filters.length - 1]!.typedConfig as Msg;
}

/** The chains of virtualInbound that match a destination port. */
export function inboundChainsFor(listeners: Map<string, EnvoyMessage>, port: number): Msg[] {
  return chains(listeners.get("virtualInbound")).filter(
    (c) =>
      ((c.filterChainMatch as Msg | undefined)?.destinationPort as Msg | undefined)?.value === port,
  );
}

export function transport(c: Msg): string | undefined {
  return (c.filterChainMatch as Msg | undefined)?.transportProtocol as string | undefined;
}

export const configMap = (mesh: string) => `
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

/** A Service with a selector `app: <name>` and one pod at `ip`. */
export function serviceWithPod(
  name: string,
  ns: string,
  vip: string,
  ports: string,
  ip: string,
  labels = `{app: ${name}}`,
): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  clusterIP: ${vip}
  selector: {app: ${name}}
  ports: ${ports}
---
apiVersion: v1
kind: Pod
metadata: {name: ${name}-0, namespace: ${ns}, labels: ${labels}}
spec:
  containers: [{name: app, image: x}]
status:
  phase: Running
  podIP: ${ip}
  podIPs: [{ip: ${ip}}]
  conditions: [{type: Ready, status: "True"}]
`;
}
