// DestinationRule traffic policies as the cluster generators read them, and Istio's rules for
// which policy applies to one cluster:
//   - a `portLevelSettings` entry for the port replaces the rule's top-level policy entirely
//     (fields it omits take their defaults, they are not inherited from the top level);
//   - a subset's policy (itself port-level first) overrides the destination's policy component
//     by component: connectionPool, loadBalancer, outlierDetection, tls, proxyProtocol.

export interface LocalityLbSetting {
  readonly enabled?: boolean;
  readonly distribute?: readonly { from?: string; to?: Readonly<Record<string, number>> }[];
  readonly failover?: readonly { from?: string; to?: string }[];
  readonly failoverPriority?: readonly string[];
}

export interface ConsistentHash {
  readonly httpHeaderName?: string;
  readonly httpCookie?: { name?: string; path?: string; ttl?: string };
  readonly useSourceIp?: boolean;
  readonly httpQueryParameterName?: string;
  readonly ringHash?: { minimumRingSize?: number };
  readonly maglev?: { tableSize?: number };
  readonly minimumRingSize?: number;
}

export interface LoadBalancerSettings {
  readonly simple?: string;
  readonly consistentHash?: ConsistentHash;
  readonly localityLbSetting?: LocalityLbSetting;
  readonly warmupDurationSecs?: string;
}

export interface TcpKeepalive {
  readonly probes?: number;
  readonly time?: string;
  readonly interval?: string;
}

export interface ConnectionPoolSettings {
  readonly tcp?: {
    maxConnections?: number;
    connectTimeout?: string;
    tcpKeepalive?: TcpKeepalive;
    maxConnectionDuration?: string;
    idleTimeout?: string;
  };
  readonly http?: {
    http1MaxPendingRequests?: number;
    http2MaxRequests?: number;
    maxRequestsPerConnection?: number;
    maxRetries?: number;
    idleTimeout?: string;
    h2UpgradePolicy?: string;
    useClientProtocol?: boolean;
    maxConcurrentStreams?: number;
  };
}

export interface OutlierDetection {
  readonly consecutiveErrors?: number;
  readonly consecutive5xxErrors?: number;
  readonly consecutiveGatewayErrors?: number;
  readonly splitExternalLocalOriginErrors?: boolean;
  readonly consecutiveLocalOriginFailures?: number;
  readonly interval?: string;
  readonly baseEjectionTime?: string;
  readonly maxEjectionPercent?: number;
  readonly minHealthPercent?: number;
}

export interface ClientTlsSettings {
  readonly mode?: string;
  readonly clientCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly credentialName?: string;
  readonly subjectAltNames?: readonly string[];
  readonly sni?: string;
  readonly insecureSkipVerify?: boolean;
}

export interface TrafficPolicy {
  readonly loadBalancer?: LoadBalancerSettings;
  readonly connectionPool?: ConnectionPoolSettings;
  readonly outlierDetection?: OutlierDetection;
  readonly tls?: ClientTlsSettings;
  readonly proxyProtocol?: { version?: string };
  readonly portLevelSettings?: readonly (Omit<TrafficPolicy, "portLevelSettings"> & {
    port?: { number?: number };
  })[];
}

export interface Subset {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly trafficPolicy?: TrafficPolicy;
}

const COMPONENTS = [
  "connectionPool",
  "loadBalancer",
  "outlierDetection",
  "tls",
  "proxyProtocol",
] as const;

function componentsOf(p: Omit<TrafficPolicy, "portLevelSettings">): TrafficPolicy {
  const out: Record<string, unknown> = {};
  for (const k of COMPONENTS) if (p[k] !== undefined) out[k] = p[k];
  return out as TrafficPolicy;
}

/** The policy for one port: its portLevelSettings entry if any (no inheritance), else the policy. */
export function portPolicy(
  policy: TrafficPolicy | undefined,
  port: number,
): TrafficPolicy | undefined {
  if (!policy) return undefined;
  const entry = (policy.portLevelSettings ?? []).find((p) => p.port?.number === port);
  return componentsOf(entry ?? policy);
}

/** The policy of a subset cluster: the destination's port policy overridden by the subset's. */
export function subsetPolicy(
  destination: TrafficPolicy | undefined,
  subset: TrafficPolicy | undefined,
  port: number,
): TrafficPolicy | undefined {
  const base = portPolicy(destination, port);
  const own = portPolicy(subset, port);
  if (!own) return base;
  if (!base) return own;
  const merged: Record<string, unknown> = { ...base };
  for (const k of COMPONENTS) if (own[k] !== undefined) merged[k] = own[k];
  return merged as TrafficPolicy;
}
