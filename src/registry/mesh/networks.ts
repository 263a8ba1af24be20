// Which network an endpoint is on: the network it names itself (pod label
// topology.istio.io/network, WorkloadEntry or ServiceEntry endpoint `network`), else the first
// meshNetworks network (by name) whose `fromCidr` contains its IP or whose `fromRegistry` is its
// cluster, else the cluster's default network.

import type { MeshNetworks } from "./mesh-config.js";

interface Cidr {
  readonly base: number;
  readonly mask: number;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function parseCidr(cidr: string): Cidr | undefined {
  const [ip, bits] = cidr.split("/");
  const base = ipv4ToInt(ip ?? "");
  const len = bits === undefined ? 32 : Number(bits);
  if (base === undefined || !Number.isInteger(len) || len < 0 || len > 32) return undefined;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return { base: (base & mask) >>> 0, mask };
}

export class NetworkResolver {
  private readonly cidrs: { network: string; cidr: Cidr }[] = [];
  private readonly registries = new Map<string, string>();

  constructor(
    networks: MeshNetworks,
    private readonly defaultNetwork: string,
  ) {
    for (const name of Object.keys(networks.networks).sort()) {
      for (const rule of networks.networks[name]?.endpoints ?? []) {
        if (rule.fromRegistry !== undefined && !this.registries.has(rule.fromRegistry))
          this.registries.set(rule.fromRegistry, name);
        const cidr = rule.fromCidr !== undefined ? parseCidr(rule.fromCidr) : undefined;
        if (cidr) this.cidrs.push({ network: name, cidr });
      }
    }
  }

  networkOf(address: string, clusterId: string, explicit: string | undefined): string {
    if (explicit) return explicit;
    const ip = this.cidrs.length > 0 ? ipv4ToInt(address) : undefined;
    if (ip !== undefined)
      for (const { network, cidr } of this.cidrs)
        if ((ip & cidr.mask) >>> 0 === cidr.base) return network;
    return this.registries.get(clusterId) ?? this.defaultNetwork;
  }
}
