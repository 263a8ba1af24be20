// The filter chains one service port contributes to a sidecar outbound listener: an HTTP chain
// (HCM with RDS), TCP chains from the VirtualService `tcp` routes (or a tcp_proxy to the service's
// cluster), or SNI chains from the `tls` routes for TLS and HTTPS ports.

import { hostsOverlap } from "../../registry/mesh/hosts.js";
import type { IndexedVirtualService } from "../../registry/mesh/virtual-services.js";
import { MESH_GATEWAY, resolveGatewayName } from "../../registry/mesh/virtual-services.js";
import type { MeshService, Protocol } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import type { FilterChainOpts } from "./chain-opts.js";
import { httpConnectionManager, tcpProxyFilter, withProtocolFilters } from "./filters.js";
import { l4MatchApplies, l4RouteFilters, type L4Route } from "./l4-routes.js";
import { listenerName, outboundClusterName, WILDCARD_IPV4 } from "./names.js";

export interface ListenPort {
  readonly port: number;
  readonly protocol: Protocol;
  readonly name: string;
}

/** The HTTP chain of an outbound listener; RDS `PORT`, or `HOST:PORT` for a sniffed VIP listener. */
export function outboundHttpChain(
  bind: string,
  port: number,
  rdsName: string,
  sniffed: boolean,
): FilterChainOpts {
  return {
    ...(sniffed
      ? { applicationProtocols: ["http/1.1", "h2c"], transportProtocol: "raw_buffer" }
      : {}),
    filters: [
      httpConnectionManager({
        statPrefix: `outbound_${listenerName(bind, port)}`,
        rds: rdsName,
        useRemoteAddress: false,
      }),
    ],
  };
}

/** The VirtualServices among `vss` with a host that covers the service's hostname. */
function configsForHost(hostname: string, vss: readonly IndexedVirtualService[]) {
  return vss.filter((vs) => vs.hosts.some((h) => hostsOverlap(h, hostname)));
}

function serviceAddress(ctx: TranslateContext, s: MeshService): string {
  const cluster = ctx.proxy.clusterId ?? ctx.model.clusterId;
  return s.clusterVIPs[cluster]?.[0] ?? s.addresses[0] ?? WILDCARD_IPV4;
}

/** Istio's default single destination: the service's only port, else the listener's port. */
function defaultCluster(service: MeshService, listenPort: number): string {
  const port = service.ports.length === 1 ? service.ports[0]!.port : listenPort;
  return outboundClusterName(port, "", service.hostname);
}

const MESH = new Set([MESH_GATEWAY]);

/** TLS / HTTPS ports: one SNI chain per distinct tls match, else a chain to the service. */
function tlsChains(
  ctx: TranslateContext,
  service: MeshService,
  listenPort: ListenPort,
  bind: string,
  cidrs: readonly string[],
  vss: readonly IndexedVirtualService[],
): FilterChainOpts[] {
  const out: FilterChainOpts[] = [];
  const handled = new Set<string>();
  for (const vs of vss)
    for (const r of (vs.spec.tls ?? []) as L4Route[])
      for (const m of r.match ?? []) {
        if (
          !l4MatchApplies(ctx, m, MESH, listenPort.port, (g) => resolveGatewayName(g, vs.namespace))
        )
          continue;
        const subnets = m.destinationSubnets?.length ? m.destinationSubnets : cidrs;
        const key = `${(m.sniHosts ?? []).join(",")}|${(m.destinationSubnets ?? []).join(",")}`;
        if (handled.has(key)) continue;
        handled.add(key);
        out.push({
          sniHosts: m.sniHosts ?? [],
          destinationCidrs: subnets,
          filters: l4RouteFilters(ctx, r.route ?? [], vs, listenPort.port),
        });
      }
  if (out.length > 0) return out;
  const address = serviceAddress(ctx, service);
  const useSni =
    cidrs.length > 0 || address === "" || (address === WILDCARD_IPV4 && bind === WILDCARD_IPV4);
  const cluster = defaultCluster(service, listenPort.port);
  return [
    {
      ...(useSni ? { sniHosts: [service.hostname] } : {}),
      destinationCidrs: cidrs,
      filters: [tcpProxyFilter(cluster, cluster)],
    },
  ];
}

/** Opaque TCP ports: chains from `tcp` routes (the first match-all one ends the list). */
function tcpChains(
  ctx: TranslateContext,
  service: MeshService,
  listenPort: ListenPort,
  cidrs: readonly string[],
  vss: readonly IndexedVirtualService[],
): FilterChainOpts[] {
  const out: FilterChainOpts[] = [];
  let defaultAdded = false;
  outer: for (const vs of vss)
    for (const r of (vs.spec.tcp ?? []) as L4Route[]) {
      const filters = () => l4RouteFilters(ctx, r.route ?? [], vs, listenPort.port);
      if ((r.match ?? []).length === 0) {
        out.push({ destinationCidrs: cidrs, filters: filters() });
        defaultAdded = true;
        break outer;
      }
      const subnets: string[] = [];
      for (const m of r.match ?? []) {
        if (
          !l4MatchApplies(ctx, m, MESH, listenPort.port, (g) => resolveGatewayName(g, vs.namespace))
        )
          continue;
        if (!m.destinationSubnets?.length) {
          out.push({ destinationCidrs: cidrs, filters: filters() });
          defaultAdded = true;
          break outer;
        }
        subnets.push(...m.destinationSubnets);
      }
      if (subnets.length > 0) {
        out.push({ destinationCidrs: subnets, filters: filters() });
        if ([...subnets].sort().join(",") === [...cidrs].sort().join(",")) defaultAdded = true;
      }
    }
  if (!defaultAdded) {
    const cluster = defaultCluster(service, listenPort.port);
    out.push({ destinationCidrs: cidrs, filters: [tcpProxyFilter(cluster, cluster)] });
  }
  return out;
}

/** The L4 chains of a service port: TLS chains for TLS/HTTPS ports, TCP chains otherwise. */
export function outboundTcpChains(
  ctx: TranslateContext,
  service: MeshService,
  listenPort: ListenPort,
  bind: string,
  cidr: string | undefined,
  vss: readonly IndexedVirtualService[],
): FilterChainOpts[] {
  const configs = configsForHost(service.hostname, vss);
  const cidrs = cidr ? [cidr] : [];
  const chains =
    listenPort.protocol === "TLS" || listenPort.protocol === "HTTPS"
      ? tlsChains(ctx, service, listenPort, bind, cidrs, configs)
      : tcpChains(ctx, service, listenPort, cidrs, configs);
  return chains.map((c) => ({
    ...c,
    filters: withProtocolFilters(listenPort.protocol, c.filters),
  }));
}

export { serviceAddress };
