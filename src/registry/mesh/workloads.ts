// Pods and WorkloadEntries as workloads: the labels, addresses, identity, locality and readiness
// that endpoints and proxies are described by. Indexed by namespace + labels (for selectors),
// by Pod name (for EndpointSlice targetRefs) and by IP (for proxies and Endpoints addresses).

import type { IWorkloadEntry } from "@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadEntry";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IPodStatus } from "kubernetes-models/v1/PodStatus";
import { keyOf, type ConfigKey, type ConfigObject } from "../config-object.js";
import { LabelIndex, push, type Labels } from "./labels.js";

export type WorkloadEntrySpec = NonNullable<IWorkloadEntry["spec"]>;

export const LOCALITY_LABEL = "istio-locality";
export const NETWORK_LABEL = "topology.istio.io/network";
export const TLS_MODE_LABEL = "security.istio.io/tlsMode";
const REGION_LABEL = "topology.kubernetes.io/region";
const ZONE_LABEL = "topology.kubernetes.io/zone";
const SUBZONE_LABEL = "topology.istio.io/subzone";

export interface Workload {
  readonly key: ConfigKey;
  readonly kind: "Pod" | "WorkloadEntry";
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** Pod IPs, or the WorkloadEntry address (an IP or a hostname). */
  readonly addresses: readonly string[];
  readonly serviceAccount: string;
  readonly locality: string;
  /** Network named by the workload itself ("" when it names none). */
  readonly network: string;
  readonly clusterId: string;
  readonly weight: number;
  readonly ready: boolean;
  readonly tlsMode: "istio" | "disabled";
  /** Pod container ports by name, for named targetPorts. */
  readonly namedPorts: Readonly<Record<string, number>>;
  /** WorkloadEntry `ports`: service port name → workload port. */
  readonly portMap: Readonly<Record<string, number>>;
}

function localityFromLabels(labels: Labels): string {
  const explicit = labels[LOCALITY_LABEL];
  if (explicit) return explicit.split(".").join("/");
  const region = labels[REGION_LABEL] ?? "";
  const zone = labels[ZONE_LABEL] ?? "";
  const subzone = labels[SUBZONE_LABEL] ?? "";
  if (!region && !zone && !subzone) return "";
  return [region, zone, subzone].join("/").replace(/\/+$/, "");
}

function podIsReady(status: IPodStatus | undefined): boolean {
  const ready = status?.conditions?.find((c) => c.type === "Ready");
  if (ready) return ready.status === "True";
  // A hand-written Pod (YAML directory) often has no conditions: count it when running.
  return status?.phase === undefined || status.phase === "Running";
}

/**
 * `istio` when the pod accepts Istio mTLS: its `security.istio.io/tlsMode` label says so, or, with
 * no label, it has a sidecar (an `istio-proxy` container not running as a gateway, or the
 * injector's status annotation).
 */
function podTlsMode(o: ConfigObject, spec: IPodSpec, labels: Labels): "istio" | "disabled" {
  const label = labels[TLS_MODE_LABEL];
  if (label !== undefined) return label === "istio" ? "istio" : "disabled";
  // A gateway (`proxy router`) runs istio-proxy too, but is not a sidecar.
  const injected =
    (spec.containers ?? []).some(
      (c) => c.name === "istio-proxy" && !(c.args ?? []).includes("router"),
    ) || o.metadata.annotations?.["sidecar.istio.io/status"] !== undefined;
  return injected ? "istio" : "disabled";
}

export function workloadFromPod(o: ConfigObject, clusterId: string): Workload {
  const spec = (o.body.spec ?? {}) as IPodSpec;
  const status = o.body.status as IPodStatus | undefined;
  const labels = { ...(o.metadata.labels ?? {}) };
  const ips = (status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (status?.podIP && !ips.includes(status.podIP)) ips.unshift(status.podIP);
  const namedPorts: Record<string, number> = {};
  for (const c of spec.containers ?? [])
    for (const p of c.ports ?? []) if (p.name) namedPorts[p.name] ??= p.containerPort;
  return {
    key: keyOf(o),
    kind: "Pod",
    namespace: o.metadata.namespace ?? "default",
    name: o.metadata.name,
    labels,
    addresses: ips,
    serviceAccount: spec.serviceAccountName ?? spec.serviceAccount ?? "default",
    locality: localityFromLabels(labels),
    network: labels[NETWORK_LABEL] ?? "",
    clusterId,
    weight: 1,
    ready: podIsReady(status),
    tlsMode: podTlsMode(o, spec, labels),
    namedPorts,
    portMap: {},
  };
}

export function workloadFromWorkloadEntry(o: ConfigObject, clusterId: string): Workload {
  const spec = (o.body.spec ?? {}) as WorkloadEntrySpec;
  const labels = { ...(o.metadata.labels ?? {}), ...(spec.labels ?? {}) };
  return {
    key: keyOf(o),
    kind: "WorkloadEntry",
    namespace: o.metadata.namespace ?? "default",
    name: o.metadata.name,
    labels,
    addresses: spec.address ? [spec.address] : [],
    serviceAccount: spec.serviceAccount ?? "",
    locality: spec.locality ?? localityFromLabels(labels),
    network: spec.network ?? labels[NETWORK_LABEL] ?? "",
    clusterId,
    weight: spec.weight ?? 1,
    ready: true,
    tlsMode: labels[TLS_MODE_LABEL] === "istio" ? "istio" : "disabled",
    namedPorts: {},
    portMap: { ...(spec.ports ?? {}) },
  };
}

/** All workloads of a model, with the indexes the endpoint and proxy lookups use. */
export class WorkloadIndex {
  readonly pods = new LabelIndex<Workload>((w) => w.labels);
  readonly workloadEntries = new LabelIndex<Workload>((w) => w.labels);
  private readonly podsByName = new Map<string, Workload>();
  private readonly byAddress = new Map<string, Workload[]>();

  add(w: Workload): void {
    if (w.kind === "Pod") {
      this.pods.add(w.namespace, w);
      this.podsByName.set(`${w.namespace}/${w.name}`, w);
    } else {
      this.workloadEntries.add(w.namespace, w);
    }
    for (const a of w.addresses) push(this.byAddress, a, w);
  }

  pod(namespace: string, name: string): Workload | undefined {
    return this.podsByName.get(`${namespace}/${name}`);
  }

  /** Workloads at an address (Pods before WorkloadEntries, then by namespace/name). */
  atAddress(address: string): readonly Workload[] {
    return this.byAddress.get(address) ?? [];
  }

  /** Sort the address index once everything is added, so lookups are deterministic. */
  seal(): void {
    for (const list of this.byAddress.values())
      list.sort(
        (a, b) =>
          (a.kind === b.kind ? 0 : a.kind === "Pod" ? -1 : 1) ||
          (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0) ||
          (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
      );
  }
}
