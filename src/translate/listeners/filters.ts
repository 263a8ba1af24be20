// Network filters, listener filters and the HTTP connection manager, as Istio configures them.
// Istio's own extensions (metadata exchange, stats, ALPN, gRPC stats) are not emitted: meshpilot
// serves plain Envoy, so an HCM carries fault, CORS and router, the filters routes refer to.

import { durationMs, typed, type EnvoyMessage } from "../envoy-message.js";

const T = {
  tcpProxy: "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
  mongoProxy: "envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy",
  hcm: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  router: "envoy.extensions.filters.http.router.v3.Router",
  fault: "envoy.extensions.filters.http.fault.v3.HTTPFault",
  cors: "envoy.extensions.filters.http.cors.v3.Cors",
  originalDst: "envoy.extensions.filters.listener.original_dst.v3.OriginalDst",
  tlsInspector: "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector",
  httpInspector: "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector",
  downstreamTls: "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
} as const;

export const ZERO_DURATION = durationMs(0);

export function socketAddress(address: string, port: number): EnvoyMessage {
  return { socketAddress: { address, portValue: port } };
}

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
}

/** A tcp_proxy to one cluster, or to weighted clusters. */
export function tcpProxyFilter(
  statPrefix: string,
  target: string | readonly WeightedCluster[],
): EnvoyMessage {
  const specifier =
    typeof target === "string"
      ? { cluster: target }
      : { weightedClusters: { clusters: target.map((c) => ({ name: c.name, weight: c.weight })) } };
  return {
    name: "envoy.filters.network.tcp_proxy",
    typedConfig: typed(T.tcpProxy, { statPrefix, ...specifier }),
  };
}

/**
 * The protocol filters Istio puts before a tcp_proxy: mongo_proxy on Mongo ports (on by default in
 * Istio, PILOT_ENABLE_MONGO_FILTER), with the tcp_proxy's stat prefix. Redis and MySQL filters are
 * off by default in Istio and not emitted.
 */
export function withProtocolFilters(
  protocol: string,
  filters: readonly EnvoyMessage[],
): EnvoyMessage[] {
  if (protocol !== "Mongo" || filters.length === 0) return [...filters];
  const last = filters[filters.length - 1]!;
  const statPrefix = (last.typedConfig as { statPrefix?: string } | undefined)?.statPrefix ?? "";
  return [
    ...filters.slice(0, -1),
    { name: "envoy.filters.network.mongo_proxy", typedConfig: typed(T.mongoProxy, { statPrefix }) },
    last,
  ];
}

export function originalDstListenerFilter(): EnvoyMessage {
  return {
    name: "envoy.filters.listener.original_dst",
    typedConfig: typed(T.originalDst, {}),
  };
}

/** A listener filter disabled on some destination ports (`filterDisabled`), or everywhere enabled. */
function listenerFilter(name: string, type: string, filterDisabled?: EnvoyMessage): EnvoyMessage {
  return {
    name,
    typedConfig: typed(type, {}),
    ...(filterDisabled ? { filterDisabled } : {}),
  };
}

export function tlsInspector(filterDisabled?: EnvoyMessage): EnvoyMessage {
  return listenerFilter("envoy.filters.listener.tls_inspector", T.tlsInspector, filterDisabled);
}

export function httpInspector(filterDisabled?: EnvoyMessage): EnvoyMessage {
  return listenerFilter("envoy.filters.listener.http_inspector", T.httpInspector, filterDisabled);
}

/** A predicate matching any of the destination ports (sorted), for `filterDisabled`. */
export function destinationPortsPredicate(ports: readonly number[]): EnvoyMessage {
  const rules = [...ports]
    .sort((a, b) => a - b)
    .map((p) => ({ destinationPortRange: { start: p, end: p + 1 } }));
  return rules.length === 1 ? rules[0]! : { orMatch: { rules } };
}

/** The negation of destinationPortsPredicate: disabled everywhere except on these ports. */
export function allButPortsPredicate(ports: readonly number[]): EnvoyMessage {
  return { notMatch: destinationPortsPredicate(ports) };
}

export function tlsTransportSocket(downstreamTlsContext: EnvoyMessage): EnvoyMessage {
  return {
    name: "envoy.transport_sockets.tls",
    typedConfig: typed(T.downstreamTls, downstreamTlsContext),
  };
}

/** HTTP filters of every HCM: fault and CORS (routes configure them per route), then router. */
export function httpFilters(): EnvoyMessage[] {
  return [
    { name: "envoy.filters.http.fault", typedConfig: typed(T.fault, {}) },
    { name: "envoy.filters.http.cors", typedConfig: typed(T.cors, {}) },
    { name: "envoy.filters.http.router", typedConfig: typed(T.router, {}) },
  ];
}

/** RDS over ADS, as Istio subscribes every HCM's routes. */
export function adsRds(routeConfigName: string): EnvoyMessage {
  return {
    configSource: { ads: {}, initialFetchTimeout: ZERO_DURATION, resourceApiVersion: "V3" },
    routeConfigName,
  };
}

export interface HcmOptions {
  readonly statPrefix: string;
  /** RDS route name, or an inline route configuration. */
  readonly rds?: string;
  readonly routeConfig?: EnvoyMessage;
  readonly useRemoteAddress: boolean;
  /** Fields that differ between sidecar inbound, outbound and gateways. */
  readonly extra?: EnvoyMessage;
}

/** The HTTP connection manager network filter. */
export function httpConnectionManager(o: HcmOptions): EnvoyMessage {
  const route = o.rds !== undefined ? { rds: adsRds(o.rds) } : { routeConfig: o.routeConfig };
  return {
    name: "envoy.filters.network.http_connection_manager",
    typedConfig: typed(T.hcm, {
      statPrefix: o.statPrefix,
      codecType: "AUTO",
      ...route,
      httpFilters: httpFilters(),
      useRemoteAddress: { value: o.useRemoteAddress },
      normalizePath: { value: true },
      pathWithEscapedSlashesAction: "KEEP_UNCHANGED",
      streamIdleTimeout: ZERO_DURATION,
      upgradeConfigs: [{ upgradeType: "websocket" }],
      ...(o.extra ?? {}),
    }),
  };
}
