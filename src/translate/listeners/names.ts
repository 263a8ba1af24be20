// Names Istio gives listeners, filter chains and the clusters listeners point at. Envoy config is
// read by people with `istioctl proxy-config`, so the names must be Istio's.

// Cluster names are the clusters generator's (one naming for every generator).
export {
  BLACKHOLE_CLUSTER,
  INBOUND_PASSTHROUGH_CLUSTER,
  inboundClusterName,
  outboundClusterName,
  outboundSni as outboundSniName,
  PASSTHROUGH_CLUSTER,
} from "../clusters/names.js";

export const VIRTUAL_OUTBOUND = "virtualOutbound";
export const VIRTUAL_INBOUND = "virtualInbound";
export const VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN = "virtualOutbound-blackhole";
export const VIRTUAL_OUTBOUND_CATCHALL_CHAIN = "virtualOutbound-catchall-tcp";
export const VIRTUAL_INBOUND_BLACKHOLE_CHAIN = "virtualInbound-blackhole";
export const VIRTUAL_INBOUND_CATCHALL_HTTP_CHAIN = "virtualInbound-catchall-http";
export const PASSTHROUGH_FILTER_CHAIN = "PassthroughFilterChain";

export const WILDCARD_IPV4 = "0.0.0.0";
export const LOCALHOST_IPV4 = "127.0.0.1";

/** Default mesh config ports (MeshConfig proxyListenPort / proxyInboundListenPort). */
export const DEFAULT_OUTBOUND_CAPTURE_PORT = 15001;
export const DEFAULT_INBOUND_CAPTURE_PORT = 15006;

/** `0.0.0.0_8080`, `10.96.2.10_3306`: a listener (or inbound chain) named by bind and port. */
export function listenerName(bind: string, port: number): string {
  return `${bind}_${port}`;
}

/** ALPN values the outbound HTTP inspector sets for plaintext HTTP (HTTP/1.0 is not accepted). */
export const PLAINTEXT_HTTP_ALPNS: readonly string[] = ["http/1.1", "h2c"];
/** ALPN values an Istio client sends over mTLS once it has detected HTTP. */
export const MTLS_HTTP_ALPNS: readonly string[] = ["istio-http/1.0", "istio-http/1.1", "istio-h2"];
/** Every ALPN an Istio client may send over mTLS. */
export const ALL_ISTIO_MTLS_ALPNS: readonly string[] = [
  "istio",
  "istio-peer-exchange",
  "istio-http/1.0",
  "istio-http/1.1",
  "istio-h2",
];
/** ALPN values of Istio mTLS for TCP (with metadata exchange). */
export const MTLS_TCP_ALPNS: readonly string[] = ["istio-peer-exchange", "istio"];
/** ALPN a TLS-terminating server offers for HTTP. */
export const ALPN_HTTP: readonly string[] = ["h2", "http/1.1"];
/** ALPN a sidecar's mTLS server offers for TCP (metadata exchange first). */
export const ALPN_DOWNSTREAM_WITH_MXC: readonly string[] = [
  "istio-peer-exchange",
  "h2",
  "http/1.1",
];

export const TLS_TRANSPORT = "tls";
export const RAW_BUFFER_TRANSPORT = "raw_buffer";
