// The mutual TLS mode a workload's inbound ports accept, from PeerAuthentication as Istio resolves
// it: mesh-wide (root namespace, no selector), namespace-wide (no selector) and workload (selector
// matches the proxy's labels), the narrowest setting wins and UNSET inherits; no mesh-wide mode
// means PERMISSIVE. Of several mesh-wide or namespace-wide policies only the oldest counts; of
// several matching workload policies, the oldest. portLevelMtls (workload policies only) is keyed
// by the workload's port (the Service's targetPort); an UNSET port mode inherits the workload's.

import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import type { ConfigObject } from "../../registry/config-object.js";
import { isEmptySelector, selectorMatches } from "../../registry/mesh/labels.js";
import type { MeshModel } from "../../registry/mesh/mesh-model.js";
import type { ProxyView } from "../../registry/mesh/types.js";

export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE";

type Spec = NonNullable<IPeerAuthentication["spec"]>;

export interface MtlsPolicy {
  /** The workload-level mode (ports without a port-level setting). */
  readonly mode: MtlsMode;
  /** Port-level modes by workload port. */
  readonly portLevel: ReadonlyMap<number, MtlsMode>;
}

function specOf(o: ConfigObject): Spec {
  return (o.body.spec ?? {}) as Spec;
}

function setMode(m: string | undefined): MtlsMode | undefined {
  return m === "STRICT" || m === "PERMISSIVE" || m === "DISABLE" ? m : undefined;
}

/** The policies that apply to a proxy: mesh-wide, namespace-wide and workload (oldest each). */
export function applicablePolicies(
  model: MeshModel,
  proxy: Pick<ProxyView, "namespace" | "labels">,
): { mesh?: ConfigObject; namespace?: ConfigObject; workload?: ConfigObject } {
  const root = model.meshConfig.rootNamespace;
  const all = model.objectsOf("PeerAuthentication"); // oldest first
  const selectorOf = (o: ConfigObject) => specOf(o).selector?.matchLabels;
  const ns = (o: ConfigObject) => o.metadata.namespace ?? "default";
  const mesh = all.find((o) => ns(o) === root && isEmptySelector(selectorOf(o)));
  const namespace =
    proxy.namespace === root
      ? undefined
      : all.find((o) => ns(o) === proxy.namespace && isEmptySelector(selectorOf(o)));
  const workload = all.find(
    (o) =>
      ns(o) === proxy.namespace &&
      !isEmptySelector(selectorOf(o)) &&
      selectorMatches(selectorOf(o), proxy.labels),
  );
  return {
    ...(mesh ? { mesh } : {}),
    ...(namespace ? { namespace } : {}),
    ...(workload ? { workload } : {}),
  };
}

export function mtlsPolicyFor(
  model: MeshModel,
  proxy: Pick<ProxyView, "namespace" | "labels">,
): MtlsPolicy {
  const p = applicablePolicies(model, proxy);
  let mode: MtlsMode = "PERMISSIVE";
  for (const o of [p.mesh, p.namespace, p.workload])
    if (o) mode = setMode(specOf(o).mtls?.mode) ?? mode;
  const portLevel = new Map<number, MtlsMode>();
  const ports = p.workload ? (specOf(p.workload).portLevelMtls ?? {}) : {};
  for (const [port, setting] of Object.entries(ports))
    portLevel.set(Number(port), setMode(setting?.mode) ?? mode);
  return { mode, portLevel };
}

export function modeForPort(policy: MtlsPolicy, port: number): MtlsMode {
  return policy.portLevel.get(port) ?? policy.mode;
}
