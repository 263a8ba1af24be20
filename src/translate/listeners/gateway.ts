// Gateway (router) listeners: one `0.0.0.0_PORT` listener per merged server port. HTTP servers:
// one chain, an HCM with RDS `http.PORT` (unmatched hosts get 404 from RDS). HTTPS servers that
// terminate TLS: one chain per server, selected by SNI, with the server's DownstreamTlsContext and
// RDS `https.…`. TCP servers: a tcp_proxy from the first bound VirtualService `tcp` route that
// matches. PASSTHROUGH: one SNI chain per VirtualService `tls` match. AUTO_PASSTHROUGH: one SNI
// chain per service port, the SNI being the `outbound_.PORT_._.HOST` cluster it goes to.

import { hostsOverlap, hostSubsetOf } from "../../registry/mesh/hosts.js";
import type { IndexedVirtualService } from "../../registry/mesh/virtual-services.js";
import { resolveGatewayName } from "../../registry/mesh/virtual-services.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage } from "../envoy-message.js";
import { filterChain, needsTlsInspector, type FilterChainOpts } from "./chain-opts.js";
import {
  httpConnectionManager,
  socketAddress,
  tcpProxyFilter,
  tlsInspector,
  withProtocolFilters,
  ZERO_DURATION,
} from "./filters.js";
import {
  hostPart,
  isPassthrough,
  mergeGatewayServers,
  type MergedPort,
  type MergedServer,
} from "./gateway-merge.js";
import { l4RouteFilters, type L4Match, type L4Route } from "./l4-routes.js";
import { ALL_ISTIO_MTLS_ALPNS, listenerName, outboundSniName } from "./names.js";
import { gatewayServerContext } from "./tls-context.js";

function gatewayHcm(statPrefix: string, rds: string): EnvoyMessage {
  return httpConnectionManager({
    statPrefix,
    rds,
    useRemoteAddress: true,
    extra: {
      forwardClientCertDetails: "SANITIZE_SET",
      setCurrentClientCertDetails: { subject: { value: true }, cert: true, dns: true, uri: true },
      httpProtocolOptions: {},
    },
  });
}

/** VirtualServices bound to the server's Gateway with a host the server exposes. */
function boundVirtualServices(ctx: TranslateContext, s: MergedServer): IndexedVirtualService[] {
  const hosts = (s.server.hosts ?? []).map((h) => {
    const slash = h.indexOf("/");
    return { ns: slash < 0 ? "*" : h.slice(0, slash), host: hostPart(h) };
  });
  return ctx.model
    .virtualServicesForGateway(s.gateway.name, ctx.proxy.namespace)
    .filter((vs) =>
      vs.hosts.some((vh) =>
        hosts.some(
          (h) =>
            (h.ns === "*" || (h.ns === "." ? s.gateway.namespace : h.ns) === vs.namespace) &&
            hostsOverlap(vh, h.host),
        ),
      ),
    );
}

/** Istio's l4 match on a gateway: the server's port and this Gateway, when named. */
function gatewayMatch(m: L4Match, s: MergedServer, vs: IndexedVirtualService): boolean {
  const portOk = !m.port || m.port === s.server.port?.number;
  const gws = m.gateways ?? [];
  return (
    portOk &&
    (gws.length === 0 || gws.some((g) => resolveGatewayName(g, vs.namespace) === s.gateway.name))
  );
}

function tcpRouteFilters(ctx: TranslateContext, s: MergedServer): EnvoyMessage[] | undefined {
  for (const vs of boundVirtualServices(ctx, s))
    for (const r of (vs.spec.tcp ?? []) as L4Route[]) {
      const matches = r.match ?? [];
      if (matches.length > 0 && !matches.some((m) => gatewayMatch(m, s, vs))) continue;
      if ((r.route ?? []).length === 0) continue;
      return l4RouteFilters(ctx, r.route!, vs, s.server.port?.number ?? 0);
    }
  return undefined;
}

function passthroughChains(
  ctx: TranslateContext,
  s: MergedServer,
  taken: Set<string>,
): FilterChainOpts[] {
  const out: FilterChainOpts[] = [];
  for (const vs of boundVirtualServices(ctx, s))
    for (const r of (vs.spec.tls ?? []) as L4Route[]) {
      if ((r.route ?? []).length === 0) continue;
      for (const m of r.match ?? []) {
        if (!gatewayMatch(m, s, vs)) continue;
        const sni = m.sniHosts ?? [];
        if (sni.some((h) => taken.has(h))) continue;
        for (const h of sni) taken.add(h);
        out.push({
          sniHosts: sni,
          filters: l4RouteFilters(ctx, r.route!, vs, s.server.port?.number ?? 0),
        });
      }
    }
  return out;
}

function autoPassthroughChains(ctx: TranslateContext, s: MergedServer): FilterChainOpts[] {
  const out: FilterChainOpts[] = [];
  for (const svc of ctx.scope.services) {
    if (svc.location === "MESH_EXTERNAL") continue;
    if (!s.sniHosts.some((h) => hostSubsetOf(svc.hostname, h))) continue;
    const subsets = (ctx.model.destinationRuleFor(ctx.proxy, svc.hostname)?.spec.subsets ?? [])
      .map((x) => x.name ?? "")
      .filter((n) => n !== "");
    for (const p of svc.ports) {
      if (p.protocol === "UDP") continue;
      for (const subset of ["", ...subsets]) {
        const name = outboundSniName(p.port, subset, svc.hostname);
        // Only Istio mTLS (by ALPN) may pass: the gateway cannot check the client certificate.
        out.push({
          sniHosts: [name],
          applicationProtocols: ALL_ISTIO_MTLS_ALPNS,
          filters: [tcpProxyFilter(name, name)],
        });
      }
    }
  }
  return out;
}

function serverChains(
  ctx: TranslateContext,
  port: MergedPort,
  s: MergedServer,
  taken: Set<string>,
): FilterChainOpts[] {
  const tls = s.server.tls;
  if (s.protocol === "HTTPS" && tls && !isPassthrough(tls)) {
    const statPrefix = s.server.name || `outbound_${listenerName(port.bind, port.listenerPort)}`;
    return [
      {
        sniHosts: s.sniHosts,
        tlsContext: gatewayServerContext(tls),
        filters: [gatewayHcm(statPrefix, s.routeName!)],
      },
    ];
  }
  if (tls?.mode === "PASSTHROUGH") return passthroughChains(ctx, s, taken);
  if (tls?.mode === "AUTO_PASSTHROUGH") return autoPassthroughChains(ctx, s);
  const routed = tcpRouteFilters(ctx, s);
  if (!routed) return [];
  const filters = withProtocolFilters(s.protocol, routed);
  return [
    { ...(tls ? { sniHosts: s.sniHosts, tlsContext: gatewayServerContext(tls) } : {}), filters },
  ];
}

function portChains(ctx: TranslateContext, port: MergedPort): FilterChainOpts[] {
  const first = port.servers[0]!;
  if (first.routeName?.startsWith("http.")) {
    const statPrefix = `outbound_${listenerName(port.bind, port.listenerPort)}`;
    return [{ filters: [gatewayHcm(statPrefix, first.routeName)] }];
  }
  const taken = new Set<string>();
  return port.servers.flatMap((s) => serverChains(ctx, port, s, taken));
}

export function gatewayListeners(ctx: TranslateContext): EnvoyMessage[] {
  const out: EnvoyMessage[] = [];
  for (const port of mergeGatewayServers(ctx)) {
    const chains = portChains(ctx, port);
    if (chains.length === 0) continue;
    out.push({
      name: listenerName(port.bind, port.listenerPort),
      address: socketAddress(port.bind, port.listenerPort),
      filterChains: chains.map((c) => filterChain(c, true)),
      ...(needsTlsInspector(chains) ? { listenerFilters: [tlsInspector()] } : {}),
      listenerFiltersTimeout: ZERO_DURATION,
      trafficDirection: "OUTBOUND",
    });
  }
  return out;
}
