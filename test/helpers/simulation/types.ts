// What the simulation takes (one proxy's resources and one request) and what it answers (the
// path the request takes through those resources, or where and why it stops).

import type { Msg } from "./plain.js";

/** One proxy's resources as plain objects, e.g. from `proxyConfig(generateAll(ctx))`. */
export interface ProxyConfig {
  readonly listeners: readonly Msg[];
  readonly routes: readonly Msg[];
  readonly clusters: readonly Msg[];
  readonly endpoints: readonly Msg[];
}

export interface SimRequest {
  readonly protocol: "http" | "tcp" | "tls" | "grpc";
  /**
   * The original destination address. Without one, an address no listener binds to is used, so
   * only wildcard (0.0.0.0 / ::) listeners and chains without prefix ranges can match.
   */
  readonly destinationIp?: string;
  readonly port: number;
  readonly sourceIp?: string;
  readonly sourcePort?: number;
  /** Host / :authority (may carry a port). Defaults to the SNI, then the destination IP. */
  readonly host?: string;
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** TLS server name; implies a TLS connection (for http/grpc: TLS the listener terminates). */
  readonly sni?: string;
  /** ALPN offered in a TLS ClientHello. */
  readonly alpn?: readonly string[];
  /** HTTP over TLS without SNI. */
  readonly tls?: boolean;
  /**
   * How the connection reaches Envoy. "outbound" (default when the proxy has a listener with
   * useOriginalDst): captured to that listener, handed to the listener for the original
   * destination. "inbound": captured to the inbound listener (port 15006). "direct": to the
   * listener bound to the port (gateways). "proxyless" (default when every listener is an API
   * listener): a gRPC client dialing xds:///<host>, whose API listener is the one named `host`
   * (e.g. `echo:7070`); the host is also the authority virtual hosts are matched with.
   */
  readonly direction?: "outbound" | "inbound" | "direct" | "proxyless";
  /** Picks among weighted clusters: the n-th call lands where n falls in the cumulative weights. */
  readonly callNum?: number;
}

export interface SimCluster {
  readonly name: string;
  /** The weight in a weighted_clusters split; undefined for a single cluster. */
  readonly weight?: number;
  /** `ip:port` (or `pipe:path`) of every endpoint, in order. */
  readonly endpoints: readonly string[];
}

export interface SimResult {
  readonly listener?: string;
  readonly filterChain?: string;
  /** `http` (HttpConnectionManager) or `tcp` (tcp_proxy). */
  readonly filter?: "http" | "tcp";
  readonly routeConfig?: string;
  readonly virtualHost?: string;
  readonly route?: string;
  /** The matched Route itself, for its policies (timeout, retryPolicy, typedPerFilterConfig, …). */
  readonly routeEntry?: Msg;
  /** Clusters the route mirrors requests to (requestMirrorPolicies). */
  readonly mirrors?: readonly string[];
  readonly clusters?: readonly SimCluster[];
  /** The cluster this call (callNum) goes to. */
  readonly cluster?: string;
  /** Endpoints of `cluster`. */
  readonly endpoints?: readonly string[];
  readonly redirect?: Msg;
  readonly directResponse?: { readonly status: number; readonly body?: string };
  /** Where and why the request stopped: `no listener`, `no route → 404`, `cluster X not sent`, … */
  readonly failure?: string;
}
