// Proxyless gRPC endpoints: one ClusterLoadAssignment per cluster (see clusters.ts), the healthy
// endpoints of the service port (a subset's: those with the subset's labels), grouped by locality.
// gRPC ignores a locality without a weight, so each locality carries the sum of its endpoints'.

import { selectorMatches } from "../../registry/mesh/labels.js";
import type { MeshService, WorkloadEndpoint } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
import { clusterName } from "./naming.js";

function locality(l: string): EnvoyMessage {
  const [region = "", zone = "", subZone = ""] = l.split("/");
  return {
    ...(region ? { region } : {}),
    ...(zone ? { zone } : {}),
    ...(subZone ? { subZone } : {}),
  };
}

export function loadAssignment(name: string, endpoints: readonly WorkloadEndpoint[]): EnvoyMessage {
  const byLocality = new Map<string, WorkloadEndpoint[]>();
  for (const e of endpoints) byLocality.set(e.locality, [...(byLocality.get(e.locality) ?? []), e]);
  return {
    clusterName: name,
    endpoints: [...byLocality.keys()].sort().map((l) => {
      const list = byLocality.get(l)!;
      const weight = list.reduce((sum, e) => sum + Math.max(1, e.weight), 0);
      return {
        locality: locality(l),
        lbEndpoints: list.map((e) => ({
          endpoint: { address: { socketAddress: { address: e.address, portValue: e.port } } },
          healthStatus: "HEALTHY",
          loadBalancingWeight: { value: Math.max(1, e.weight) },
        })),
        loadBalancingWeight: { value: weight },
      };
    }),
  };
}

function sorted(endpoints: WorkloadEndpoint[]): WorkloadEndpoint[] {
  return endpoints.sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port,
  );
}

export function proxylessEndpoints(ctx: TranslateContext): GeneratedResource[] {
  const out: GeneratedResource[] = [];
  const add = (service: MeshService, port: number, subset: string, eps: WorkloadEndpoint[]) => {
    const name = clusterName(port, subset, service.hostname);
    out.push({ name, message: loadAssignment(name, sorted(eps)) });
  };
  for (const service of ctx.scope.services) {
    const rule = ctx.model.destinationRuleFor(ctx.proxy, service.hostname);
    for (const { port } of service.ports) {
      const all = ctx.model.endpointsFor(service.hostname, port, {
        fromNamespace: ctx.proxy.namespace,
      });
      add(service, port, "", [...all]);
      for (const subset of rule?.spec.subsets ?? [])
        if (subset.name)
          add(
            service,
            port,
            subset.name,
            all.filter((e) => selectorMatches(subset.labels, e.labels)),
          );
    }
  }
  return out;
}
