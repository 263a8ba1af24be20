// The filter chains of one inbound port on virtualInbound. Which chains a port gets depends on its
// mTLS mode and protocol (Istio's match options): STRICT accepts only TLS; PERMISSIVE accepts
// Istio mTLS (told apart by ALPN) and plaintext (raw_buffer), and for TCP also plain TLS passed
// through; DISABLE only plaintext. Ports of unknown protocol get HTTP and TCP chains side by side,
// the HTTP ones selected by the ALPN the HTTP inspector (or the client's sidecar) sets.

import type { MeshConfig } from "../../registry/mesh/mesh-config.js";
import { isHttp2Protocol } from "../../registry/mesh/protocol.js";
import type { Protocol } from "../../registry/mesh/types.js";
import type { EnvoyMessage } from "../envoy-message.js";
import {
  withProtocolFilters,
  httpConnectionManager,
  tcpProxyFilter,
  tlsTransportSocket,
  ZERO_DURATION,
} from "./filters.js";
import {
  ALL_ISTIO_MTLS_ALPNS,
  MTLS_HTTP_ALPNS,
  MTLS_TCP_ALPNS,
  PLAINTEXT_HTTP_ALPNS,
  RAW_BUFFER_TRANSPORT,
  TLS_TRANSPORT,
} from "./names.js";
import type { MtlsMode } from "./peer-authentication.js";
import { istioMutualServerContext } from "./tls-context.js";

export type InboundProtocol = "HTTP" | "TCP" | "AUTO";

interface MatchOption {
  readonly alpn?: readonly string[];
  readonly transport: string;
  readonly protocol: "HTTP" | "TCP";
  /** Terminates Istio mTLS. */
  readonly tls?: boolean;
}

const O = (
  protocol: "HTTP" | "TCP",
  transport: string,
  alpn?: readonly string[],
  tls?: boolean,
): MatchOption => ({ protocol, transport, ...(alpn ? { alpn } : {}), ...(tls ? { tls } : {}) });

const OPTIONS: Readonly<
  Record<InboundProtocol, Readonly<Record<MtlsMode, readonly MatchOption[]>>>
> = {
  HTTP: {
    STRICT: [O("HTTP", TLS_TRANSPORT, undefined, true)],
    PERMISSIVE: [
      O("HTTP", TLS_TRANSPORT, ALL_ISTIO_MTLS_ALPNS, true),
      O("HTTP", RAW_BUFFER_TRANSPORT),
    ],
    DISABLE: [O("HTTP", RAW_BUFFER_TRANSPORT)],
  },
  TCP: {
    STRICT: [O("TCP", TLS_TRANSPORT, undefined, true)],
    PERMISSIVE: [
      O("TCP", TLS_TRANSPORT, ALL_ISTIO_MTLS_ALPNS, true),
      O("TCP", RAW_BUFFER_TRANSPORT),
      O("TCP", TLS_TRANSPORT),
    ],
    DISABLE: [O("TCP", RAW_BUFFER_TRANSPORT)],
  },
  AUTO: {
    STRICT: [
      O("HTTP", TLS_TRANSPORT, MTLS_HTTP_ALPNS, true),
      O("TCP", TLS_TRANSPORT, undefined, true),
    ],
    PERMISSIVE: [
      O("HTTP", TLS_TRANSPORT, MTLS_HTTP_ALPNS, true),
      O("HTTP", RAW_BUFFER_TRANSPORT, PLAINTEXT_HTTP_ALPNS),
      O("TCP", TLS_TRANSPORT, MTLS_TCP_ALPNS, true),
      O("TCP", RAW_BUFFER_TRANSPORT),
      O("TCP", TLS_TRANSPORT),
    ],
    DISABLE: [
      O("HTTP", RAW_BUFFER_TRANSPORT, PLAINTEXT_HTTP_ALPNS),
      O("TCP", RAW_BUFFER_TRANSPORT),
    ],
  },
};

/** One inbound port (or a passthrough catch-all) to build chains for. */
export interface InboundChainConfig {
  /** The workload port chains match on (0 = any: passthrough). */
  readonly targetPort: number;
  /** The service port (naming and tracing only). */
  readonly servicePort: number;
  readonly protocol: Protocol;
  readonly cluster: string;
  /** Host shown in the route decorator (`host:port/*`); "" for passthrough. */
  readonly hostname: string;
  /** Chain name for HTTP and TCP chains. */
  readonly httpName: string;
  readonly tcpName: string;
  /** HCM and tcp_proxy stat prefixes. */
  readonly httpStatPrefix: string;
  readonly tcpStatPrefix: string;
}

/** The inline route of an inbound HCM: everything to the inbound cluster, no timeout. */
function inboundRouteConfig(cc: InboundChainConfig): EnvoyMessage {
  return {
    name: cc.cluster,
    virtualHosts: [
      {
        name: `inbound|http|${cc.servicePort}`,
        domains: ["*"],
        routes: [
          {
            name: "default",
            match: { prefix: "/" },
            route: {
              cluster: cc.cluster,
              timeout: ZERO_DURATION,
              maxStreamDuration: {
                maxStreamDuration: ZERO_DURATION,
                grpcTimeoutHeaderMax: ZERO_DURATION,
              },
            },
            decorator: { operation: `${cc.hostname}:${cc.servicePort}/*` },
          },
        ],
      },
    ],
    validateClusters: { value: false },
  };
}

function inboundHcm(cc: InboundChainConfig): EnvoyMessage {
  return httpConnectionManager({
    statPrefix: cc.httpStatPrefix,
    routeConfig: inboundRouteConfig(cc),
    useRemoteAddress: false,
    extra: {
      forwardClientCertDetails: "APPEND_FORWARD",
      setCurrentClientCertDetails: { subject: { value: true }, dns: true, uri: true },
      ...(isHttp2Protocol(cc.protocol) ? { http2ProtocolOptions: {} } : {}),
    },
  });
}

export function inboundChains(
  cc: InboundChainConfig,
  protocol: InboundProtocol,
  mode: MtlsMode,
  mesh: MeshConfig,
): EnvoyMessage[] {
  return OPTIONS[protocol][mode].map((opt) => {
    const match: Record<string, unknown> = {};
    if (cc.targetPort > 0) match.destinationPort = { value: cc.targetPort };
    match.transportProtocol = opt.transport;
    if (opt.alpn) match.applicationProtocols = [...opt.alpn];
    const http = opt.protocol === "HTTP";
    return {
      filterChainMatch: match,
      filters: http
        ? [inboundHcm(cc)]
        : withProtocolFilters(cc.protocol, [tcpProxyFilter(cc.tcpStatPrefix, cc.cluster)]),
      ...(opt.tls
        ? { transportSocket: tlsTransportSocket(istioMutualServerContext(opt.protocol, mesh)) }
        : {}),
      name: http ? cc.httpName : cc.tcpName,
    };
  });
}
