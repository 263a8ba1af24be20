// Builds WorkloadEndpoints with the fields every registry fills the same way: identity, locality,
// network and TLS mode from the workload when there is one, from the registry's own data otherwise.

import type { NetworkResolver } from "./networks.js";
import { TLS_MODE_LABEL, type Workload } from "./workloads.js";
import type { EndpointHealth, EndpointOrigin, ServicePort, WorkloadEndpoint } from "./types.js";

export interface EndpointContext {
  readonly networks: NetworkResolver;
}

export interface EndpointFields {
  readonly address: string;
  readonly port: number;
  readonly servicePort: ServicePort;
  readonly origin: EndpointOrigin;
  readonly health: EndpointHealth;
  readonly clusterId: string;
  readonly workload?: Workload;
  /** Used when there is no workload (ServiceEntry endpoints, unknown pods). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  readonly namespace?: string;
  readonly locality?: string;
  readonly network?: string;
  readonly weight?: number;
}

export function makeEndpoint(ctx: EndpointContext, f: EndpointFields): WorkloadEndpoint {
  const w = f.workload;
  const labels = w?.labels ?? f.labels ?? {};
  return {
    address: f.address,
    port: f.port,
    servicePort: f.servicePort.port,
    servicePortName: f.servicePort.name,
    labels,
    serviceAccount: w?.serviceAccount || f.serviceAccount || "",
    namespace: w?.namespace ?? f.namespace ?? "",
    locality: w?.locality || f.locality || "",
    network: ctx.networks.networkOf(f.address, f.clusterId, w?.network || f.network),
    clusterId: f.clusterId,
    weight: w?.weight ?? f.weight ?? 1,
    health: f.health,
    tlsMode: tlsModeOf(w, labels),
    origin: f.origin,
    ...(w ? { workload: w.key } : {}),
  };
}

/** A workload's own TLS mode, else the `security.istio.io/tlsMode` label of the endpoint. */
export function tlsModeOf(
  w: Workload | undefined,
  labels: Readonly<Record<string, string>>,
): "istio" | "disabled" {
  if (w) return w.tlsMode;
  return labels[TLS_MODE_LABEL] === "istio" ? "istio" : "disabled";
}

/** The port a workload listens on for a service port (Kubernetes targetPort semantics). */
export function targetPortFor(
  servicePort: ServicePort,
  w: Workload | undefined,
): number | undefined {
  const t = servicePort.targetPort;
  if (t === undefined) return servicePort.port;
  if (typeof t === "number") return t;
  if (/^\d+$/.test(t)) return Number(t);
  return w?.namedPorts[t];
}

export function compareEndpoints(a: WorkloadEndpoint, b: WorkloadEndpoint): number {
  return (
    a.servicePort - b.servicePort ||
    (a.address < b.address ? -1 : a.address > b.address ? 1 : 0) ||
    a.port - b.port ||
    (a.clusterId < b.clusterId ? -1 : a.clusterId > b.clusterId ? 1 : 0)
  );
}
