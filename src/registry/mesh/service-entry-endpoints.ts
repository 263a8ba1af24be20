// Endpoints of a ServiceEntry host: its inline `endpoints`; or the WorkloadEntries and Pods its
// `workloadSelector` picks in its namespace; or, for DNS resolution with neither, the host itself
// (the proxy resolves it).

import type { ConfigObject } from "../config-object.js";
import { isWildcardHost } from "./hosts.js";
import { makeEndpoint, type EndpointContext } from "./endpoint-factory.js";
import { workloadEndpoints } from "./kube-endpoints.js";
import { serviceEntrySpec } from "./services.js";
import type { MeshService, WorkloadEndpoint } from "./types.js";
import type { WorkloadIndex } from "./workloads.js";

export function serviceEntryEndpoints(
  ctx: EndpointContext,
  se: ConfigObject,
  svc: MeshService,
  workloads: WorkloadIndex,
  clusterId: string,
): WorkloadEndpoint[] {
  const spec = serviceEntrySpec(se);
  const out: WorkloadEndpoint[] = [];
  for (const e of spec.endpoints ?? []) {
    if (!e.address) continue;
    for (const sp of svc.ports) {
      const port =
        e.ports?.[sp.name] ?? (typeof sp.targetPort === "number" ? sp.targetPort : sp.port);
      out.push(
        makeEndpoint(ctx, {
          address: e.address,
          port: e.address.startsWith("unix://") ? 0 : port,
          servicePort: sp,
          origin: "ServiceEntry",
          health: "HEALTHY",
          clusterId,
          labels: { ...(e.labels ?? {}) },
          namespace: svc.namespace,
          ...(e.serviceAccount ? { serviceAccount: e.serviceAccount } : {}),
          ...(e.locality ? { locality: e.locality } : {}),
          ...(e.network ? { network: e.network } : {}),
          ...(e.weight !== undefined ? { weight: e.weight } : {}),
        }),
      );
    }
  }
  if (svc.selector) {
    out.push(
      ...workloadEndpoints(ctx, svc, workloads.workloadEntries.select(svc.namespace, svc.selector)),
    );
    out.push(...workloadEndpoints(ctx, svc, workloads.pods.select(svc.namespace, svc.selector)));
  } else if (
    (spec.endpoints ?? []).length === 0 &&
    (svc.resolution === "DNS" || svc.resolution === "DNS_ROUND_ROBIN") &&
    !isWildcardHost(svc.hostname)
  ) {
    for (const sp of svc.ports)
      out.push(
        makeEndpoint(ctx, {
          address: svc.hostname,
          port: sp.port,
          servicePort: sp,
          origin: "DNS",
          health: "HEALTHY",
          clusterId,
          namespace: svc.namespace,
        }),
      );
  }
  return out;
}
