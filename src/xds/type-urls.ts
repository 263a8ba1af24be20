// xDS type URLs, the make-before-break push order, and which proxy kinds may use which types.

export const TypeUrl = {
  Listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  Route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  Cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  Endpoint: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
  Secret: "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
  /** Istio's debug types, served over the same ADS stream (istioctl proxy-status). */
  DebugSyncz: "istio.io/debug/syncz",
  DebugConfigDump: "istio.io/debug/config_dump",
} as const;

/** CDS, EDS, LDS, RDS, then SDS: a route never names a cluster the proxy has not been sent. */
export const PUSH_ORDER: readonly string[] = [
  TypeUrl.Cluster,
  TypeUrl.Endpoint,
  TypeUrl.Listener,
  TypeUrl.Route,
  TypeUrl.Secret,
];

export const ENVOY_TYPES: ReadonlySet<string> = new Set(PUSH_ORDER);
export const DEBUG_TYPES: ReadonlySet<string> = new Set([
  TypeUrl.DebugSyncz,
  TypeUrl.DebugConfigDump,
]);

/** Short names used in logs, metrics and /debug/syncz. */
export const SHORT_NAME: Readonly<Record<string, string>> = {
  [TypeUrl.Listener]: "lds",
  [TypeUrl.Route]: "rds",
  [TypeUrl.Cluster]: "cds",
  [TypeUrl.Endpoint]: "eds",
  [TypeUrl.Secret]: "sds",
  [TypeUrl.DebugSyncz]: "syncz",
  [TypeUrl.DebugConfigDump]: "config_dump",
};

export function shortName(typeUrl: string): string {
  return SHORT_NAME[typeUrl] ?? typeUrl;
}

/** Position in the push order; types outside it (debug types) go last. */
export function pushRank(typeUrl: string): number {
  const i = PUSH_ORDER.indexOf(typeUrl);
  return i < 0 ? PUSH_ORDER.length : i;
}

export function byPushOrder(a: string, b: string): number {
  return pushRank(a) - pushRank(b);
}

/** LDS and CDS support wildcard subscriptions and are sent as complete sets in SotW. */
export function isWildcardType(typeUrl: string): boolean {
  return typeUrl === TypeUrl.Listener || typeUrl === TypeUrl.Cluster || DEBUG_TYPES.has(typeUrl);
}

export type ProxyKind = "sidecar" | "router" | "proxyless";

/** Proxyless gRPC clients get LDS, RDS, CDS and EDS (no SDS: their certificates are files). */
const ALLOWED: Record<ProxyKind, ReadonlySet<string>> = {
  sidecar: new Set([...PUSH_ORDER, ...DEBUG_TYPES]),
  router: new Set([...PUSH_ORDER, ...DEBUG_TYPES]),
  proxyless: new Set([
    TypeUrl.Listener,
    TypeUrl.Route,
    TypeUrl.Cluster,
    TypeUrl.Endpoint,
    ...DEBUG_TYPES,
  ]),
};

export function isKnownType(typeUrl: string): boolean {
  return ENVOY_TYPES.has(typeUrl) || DEBUG_TYPES.has(typeUrl);
}

export function isAllowedFor(kind: ProxyKind, typeUrl: string): boolean {
  return ALLOWED[kind].has(typeUrl);
}

/** The type each per-type (non-ADS) service serves: service name → type URL. */
export const PER_TYPE_SERVICES: ReadonlyArray<{
  service: string;
  sotw: string;
  delta: string;
  typeUrl: string;
}> = [
  {
    service: "envoy.service.listener.v3.ListenerDiscoveryService",
    sotw: "StreamListeners",
    delta: "DeltaListeners",
    typeUrl: TypeUrl.Listener,
  },
  {
    service: "envoy.service.route.v3.RouteDiscoveryService",
    sotw: "StreamRoutes",
    delta: "DeltaRoutes",
    typeUrl: TypeUrl.Route,
  },
  {
    service: "envoy.service.cluster.v3.ClusterDiscoveryService",
    sotw: "StreamClusters",
    delta: "DeltaClusters",
    typeUrl: TypeUrl.Cluster,
  },
  {
    service: "envoy.service.endpoint.v3.EndpointDiscoveryService",
    sotw: "StreamEndpoints",
    delta: "DeltaEndpoints",
    typeUrl: TypeUrl.Endpoint,
  },
  {
    service: "envoy.service.secret.v3.SecretDiscoveryService",
    sotw: "StreamSecrets",
    delta: "DeltaSecrets",
    typeUrl: TypeUrl.Secret,
  },
];

export const ADS_SERVICE = "envoy.service.discovery.v3.AggregatedDiscoveryService";
