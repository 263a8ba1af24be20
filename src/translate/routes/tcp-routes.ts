// VirtualService `tcp` and `tls` routes resolved to weighted clusters, for the listeners generator
// (they end up in tcp_proxy filters and SNI filter chains, not in RDS). For a service port (or a
// gateway server host) the VirtualServices bound to the proxy's gateway (`mesh` for sidecars) that
// name the host are read in order; a route applies when one of its match blocks selects this
// proxy and port (port, sourceLabels, sourceNamespace, gateways), or when it has none. Each
// destination resolves as in HTTP routes (a cluster the proxy was not sent becomes
// BlackHoleCluster; weight-0 destinations are dropped when there are several).

import { hostsOverlap, resolveShortName } from "../../registry/mesh/hosts.js";
import { selectorMatches } from "../../registry/mesh/labels.js";
import type { MeshService } from "../../registry/mesh/types.js";
import {
  resolveGatewayName,
  type IndexedVirtualService,
} from "../../registry/mesh/virtual-services.js";
import type { TranslateContext } from "../context.js";
import { outboundClusterName, resolveDestination } from "./cluster-ref.js";
import type {
  L4MatchAttributes,
  RouteDestination,
  TLSMatchAttributes,
  VirtualServiceRoutes,
} from "./istio-types.js";

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
}

export interface L4Route {
  /** `namespace/name` of the VirtualService. */
  readonly virtualService: string;
  /** From the matching block (empty: any). */
  readonly destinationSubnets: readonly string[];
  /** TLS routes: the SNI names the matching block asks for. */
  readonly sniHosts: readonly string[];
  /** One entry means a plain `cluster`. */
  readonly clusters: readonly WeightedCluster[];
}

function l4Matches(
  ctx: TranslateContext,
  m: L4MatchAttributes,
  vsNamespace: string,
  port: number,
  gateway: string,
): boolean {
  if (m.port && m.port !== port) return false;
  if (m.gateways && m.gateways.length > 0)
    return m.gateways.some((g) => resolveGatewayName(g, vsNamespace) === gateway);
  if (!selectorMatches(m.sourceLabels ?? {}, ctx.proxy.labels)) return false;
  return !m.sourceNamespace || m.sourceNamespace === ctx.proxy.namespace;
}

function weighted(
  ctx: TranslateContext,
  routes: readonly RouteDestination[],
  vsNamespace: string,
  port: number,
): WeightedCluster[] {
  const resolve = (r: RouteDestination) =>
    resolveDestination(ctx, r.destination ?? {}, vsNamespace, port).cluster;
  if (routes.length === 1) return [{ name: resolve(routes[0]!), weight: 100 }];
  return routes.filter((r) => r.weight).map((r) => ({ name: resolve(r), weight: r.weight! }));
}

function virtualServicesFor(
  ctx: TranslateContext,
  host: string,
  gateway: string,
): IndexedVirtualService[] {
  return ctx.model.virtualServicesForHost(host, gateway, ctx.proxy.namespace);
}

function collect<M extends L4MatchAttributes>(
  ctx: TranslateContext,
  host: string,
  port: number,
  gateway: string,
  pick: (
    spec: VirtualServiceRoutes,
  ) => readonly { match?: readonly M[]; route?: readonly RouteDestination[] }[] | undefined,
  keep: (m: M | undefined, vsNamespace: string) => boolean,
): L4Route[] {
  const out: L4Route[] = [];
  for (const vs of virtualServicesFor(ctx, host, gateway))
    for (const r of pick(vs.spec as VirtualServiceRoutes) ?? []) {
      const blocks = r.match && r.match.length > 0 ? r.match : [undefined];
      for (const m of blocks) {
        if (m && !l4Matches(ctx, m, vs.namespace, port, gateway)) continue;
        if (!keep(m, vs.namespace)) continue;
        out.push({
          virtualService: `${vs.namespace}/${vs.name}`,
          destinationSubnets: m?.destinationSubnets ?? [],
          sniHosts: (m as TLSMatchAttributes | undefined)?.sniHosts ?? [],
          clusters: weighted(ctx, r.route ?? [], vs.namespace, port),
        });
      }
    }
  return out;
}

/** The TCP routes that apply to `host:port` for this proxy, in order (empty: none). */
export function tcpRoutes(
  ctx: TranslateContext,
  host: string,
  port: number,
  gateway = "mesh",
): L4Route[] {
  return collect(
    ctx,
    host,
    port,
    gateway,
    (s) => s.tcp,
    () => true,
  );
}

/** The TLS routes for `host:port` whose SNI hosts (short names completed) overlap `host`. */
export function tlsRoutes(
  ctx: TranslateContext,
  host: string,
  port: number,
  gateway = "mesh",
): L4Route[] {
  return collect(
    ctx,
    host,
    port,
    gateway,
    (s) => s.tls,
    (m, vsNamespace) => {
      const sni = (m as TLSMatchAttributes | undefined)?.sniHosts ?? [];
      return (
        sni.length === 0 ||
        sni.some((h) => hostsOverlap(l4DestinationHost(ctx, h, vsNamespace), host))
      );
    },
  );
}

/**
 * Clusters of a sidecar's TCP traffic to a service port: the first applicable TCP route's
 * destinations, else the service's own cluster `outbound|PORT||HOST`.
 */
export function tcpRouteClusters(
  ctx: TranslateContext,
  service: MeshService,
  port: number,
): WeightedCluster[] {
  const first = tcpRoutes(ctx, service.hostname, port).find(
    (r) => r.destinationSubnets.length === 0,
  );
  return (
    first?.clusters.slice() ?? [
      { name: outboundClusterName(port, "", service.hostname), weight: 100 },
    ]
  );
}

/** A destination host of a TCP/TLS route, completed in the VirtualService's namespace. */
export function l4DestinationHost(
  ctx: TranslateContext,
  host: string,
  vsNamespace: string,
): string {
  return resolveShortName(host, vsNamespace, ctx.model.domainSuffix);
}
