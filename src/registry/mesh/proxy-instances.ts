// The services a proxy's workload serves (the basis of its inbound listeners), found as istiod
// does: the Pod (or WorkloadEntry) at one of the proxy's IPs and the Services / ServiceEntries
// whose selector picks it; else the services with an endpoint at one of its IPs; else the services
// of its namespace whose selector matches the labels the proxy reports.

import { targetPortFor } from "./endpoint-factory.js";
import { compareStrings } from "./hosts.js";
import { push, selectorMatches, type Labels } from "./labels.js";
import type { ServiceRegistry } from "./service-registry.js";
import type { MeshService, ServiceInstance, WorkloadEndpoint } from "./types.js";
import type { Workload, WorkloadIndex } from "./workloads.js";

export class ProxyInstanceIndex {
  private readonly selectingByNamespace = new Map<string, MeshService[]>();
  /** Built on first use: an endpoint-only model update (mesh-model-update.ts) makes a new index. */
  private byAddress?: Map<string, { service: MeshService; endpoint: WorkloadEndpoint }[]>;

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly workloads: WorkloadIndex,
  ) {
    for (const s of registry.services)
      if (s.selector) push(this.selectingByNamespace, s.namespace, s);
  }

  private get endpointsByAddress(): Map<
    string,
    { service: MeshService; endpoint: WorkloadEndpoint }[]
  > {
    if (!this.byAddress) {
      this.byAddress = new Map();
      for (const s of this.registry.services)
        for (const endpoint of this.registry.endpointsOf(s))
          push(this.byAddress, endpoint.address, { service: s, endpoint });
    }
    return this.byAddress;
  }

  instancesForProxy(proxy: {
    namespace: string;
    labels: Labels;
    ips: readonly string[];
  }): ServiceInstance[] {
    for (const ip of proxy.ips) {
      const at = this.workloads.atAddress(ip);
      const w = at.find((x) => x.namespace === proxy.namespace) ?? at[0];
      if (w) return sortInstances(this.forWorkload(w, ip));
    }
    const byEndpoint: ServiceInstance[] = [];
    for (const ip of proxy.ips)
      for (const { service, endpoint } of this.endpointsByAddress.get(ip) ?? []) {
        const servicePort = service.ports.find((p) => p.port === endpoint.servicePort);
        if (servicePort)
          byEndpoint.push({ service, servicePort, targetPort: endpoint.port, endpoint });
      }
    if (byEndpoint.length > 0) return sortInstances(byEndpoint);
    const byLabels: ServiceInstance[] = [];
    for (const service of this.selectingByNamespace.get(proxy.namespace) ?? []) {
      if (!selectorMatches(service.selector, proxy.labels)) continue;
      for (const servicePort of service.ports) {
        const t = servicePort.targetPort;
        const targetPort =
          t === undefined ? servicePort.port : typeof t === "number" ? t : undefined;
        if (targetPort !== undefined) byLabels.push({ service, servicePort, targetPort });
      }
    }
    return sortInstances(byLabels);
  }

  private forWorkload(w: Workload, ip: string): ServiceInstance[] {
    const out: ServiceInstance[] = [];
    for (const service of this.selectingByNamespace.get(w.namespace) ?? []) {
      if (!selectorMatches(service.selector, w.labels)) continue;
      const endpoints = this.registry.endpointsOf(service).filter((e) => e.address === ip);
      for (const servicePort of service.ports) {
        const endpoint = endpoints.find((e) => e.servicePort === servicePort.port);
        const targetPort =
          endpoint?.port ??
          (w.kind === "WorkloadEntry" ? w.portMap[servicePort.name] : undefined) ??
          targetPortFor(servicePort, w);
        if (targetPort === undefined) continue;
        out.push({ service, servicePort, targetPort, ...(endpoint ? { endpoint } : {}) });
      }
    }
    return out;
  }
}

function sortInstances(list: ServiceInstance[]): ServiceInstance[] {
  return list.sort(
    (a, b) =>
      compareStrings(a.service.hostname, b.service.hostname) ||
      compareStrings(a.service.namespace, b.service.namespace) ||
      a.servicePort.port - b.servicePort.port,
  );
}
