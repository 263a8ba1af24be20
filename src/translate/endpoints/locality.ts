// Endpoints grouped by locality, the unit Envoy balances and fails over between: one group per
// `region/zone/subzone`, sorted by locality then by endpoint, each weighted by the sum of its
// endpoints' weights.

import type { WorkloadEndpoint } from "../../registry/mesh/types.js";
import { metadata } from "../clusters/struct.js";
import type { EnvoyMessage } from "../envoy-message.js";

export const TRANSPORT_SOCKET_MATCH = "envoy.transport_socket_match";

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subzone: string;
}

export interface LocalityGroup {
  readonly locality: Locality;
  /** The endpoints, and their Envoy form at the same index. */
  readonly endpoints: WorkloadEndpoint[];
  readonly lbEndpoints: EnvoyMessage[];
  /** Sum of the endpoints' weights; locality LB settings may change it. */
  weight: number;
  priority: number;
  /** Endpoints removed by a `distribute` rule that sends this locality nothing. */
  dropped: boolean;
}

export function parseLocality(text: string | undefined): Locality {
  const [region = "", zone = "", subzone = ""] = (text ?? "").split("/");
  return { region, zone, subzone };
}

export function localityMessage(l: Locality): EnvoyMessage {
  return {
    ...(l.region ? { region: l.region } : {}),
    ...(l.zone ? { zone: l.zone } : {}),
    ...(l.subzone ? { subZone: l.subzone } : {}),
  };
}

function address(e: WorkloadEndpoint): EnvoyMessage {
  if (e.address.startsWith("unix://")) return { pipe: { path: e.address.slice("unix://".length) } };
  return { socketAddress: { address: e.address, portValue: e.port } };
}

/** One Envoy LbEndpoint; `tlsMode: istio` endpoint metadata drives auto mTLS. */
export function lbEndpoint(e: WorkloadEndpoint): EnvoyMessage {
  return {
    endpoint: { address: address(e) },
    healthStatus: e.health === "HEALTHY" ? "HEALTHY" : e.health,
    ...(e.tlsMode === "istio"
      ? { metadata: metadata({ [TRANSPORT_SOCKET_MATCH]: { tlsMode: "istio" } }) }
      : {}),
    loadBalancingWeight: { value: e.weight > 0 ? e.weight : 1 },
  };
}

function key(l: Locality): string {
  return `${l.region}\u0000${l.zone}\u0000${l.subzone}`;
}

/** Endpoints (already filtered and sorted) grouped by locality, localities sorted. */
export function groupByLocality(endpoints: readonly WorkloadEndpoint[]): LocalityGroup[] {
  const groups = new Map<string, LocalityGroup>();
  for (const e of endpoints) {
    const locality = parseLocality(e.locality);
    const k = key(locality);
    let g = groups.get(k);
    if (!g)
      groups.set(
        k,
        (g = { locality, endpoints: [], lbEndpoints: [], weight: 0, priority: 0, dropped: false }),
      );
    g.endpoints.push(e);
    g.lbEndpoints.push(lbEndpoint(e));
    g.weight += e.weight > 0 ? e.weight : 1;
  }
  return [...groups.keys()].sort().map((k) => groups.get(k)!);
}

export function localityLbEndpointsMessage(g: LocalityGroup): EnvoyMessage {
  return {
    locality: localityMessage(g.locality),
    ...(g.dropped ? {} : { lbEndpoints: g.lbEndpoints }),
    loadBalancingWeight: { value: g.weight },
    ...(g.priority > 0 ? { priority: g.priority } : {}),
  };
}
