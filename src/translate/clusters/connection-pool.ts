// DestinationRule connectionPool → circuit breakers, connect timeout, TCP keepalive and the
// upstream HTTP options; and the upstream HTTP protocol of a port (HTTP/2 for http2/grpc ports,
// the downstream's for ports whose protocol is sniffed, on sidecars).
//
// As in Istio, every threshold Istio does not get from the rule is 4294967295 (Envoy's own
// defaults — 1024 connections, 3 retries — are far too low for a mesh of many proxies), and a zero
// in the rule means "not set".

import type { MeshConfig } from "../../registry/mesh/mesh-config.js";
import { isHttpProtocol, isHttp2Protocol } from "../../registry/mesh/protocol.js";
import type { Protocol } from "../../registry/mesh/types.js";
import { duration } from "../envoy-message.js";
import { httpOptions, type ClusterDraft } from "./draft.js";
import type { ConnectionPoolSettings, TcpKeepalive } from "./policy.js";

export const MAX_UINT32 = 4294967295;

export function defaultThresholds(): Record<string, unknown> {
  return {
    maxConnections: { value: MAX_UINT32 },
    maxPendingRequests: { value: MAX_UINT32 },
    maxRequests: { value: MAX_UINT32 },
    maxRetries: { value: MAX_UINT32 },
    trackRemaining: true,
  };
}

function positive(n: number | undefined): n is number {
  return typeof n === "number" && n > 0;
}

function applyKeepalive(d: ClusterDraft, k: TcpKeepalive | undefined): void {
  if (!k) return;
  const options = (d.fields.upstreamConnectionOptions ??= { tcpKeepalive: {} }) as {
    tcpKeepalive: Record<string, unknown>;
  };
  if (positive(k.probes)) options.tcpKeepalive.keepaliveProbes = { value: k.probes };
  if (k.time) options.tcpKeepalive.keepaliveTime = { value: duration(k.time).seconds };
  if (k.interval) options.tcpKeepalive.keepaliveInterval = { value: duration(k.interval).seconds };
}

/** Connection pool settings (an empty object gives the defaults); mesh keepalive first. */
export function applyConnectionPool(
  d: ClusterDraft,
  mesh: MeshConfig,
  settings: ConnectionPoolSettings,
): void {
  const thresholds = defaultThresholds();
  const http = settings.http;
  let idleTimeout = http?.idleTimeout;
  if (http) {
    if (positive(http.http2MaxRequests)) thresholds.maxRequests = { value: http.http2MaxRequests };
    if (positive(http.http1MaxPendingRequests))
      thresholds.maxPendingRequests = { value: http.http1MaxPendingRequests };
    if (positive(http.maxRetries)) thresholds.maxRetries = { value: http.maxRetries };
  }
  d.fields.connectTimeout = duration(mesh.connectTimeout);
  const tcp = settings.tcp;
  if (tcp) {
    if (tcp.connectTimeout) d.fields.connectTimeout = duration(tcp.connectTimeout);
    if (positive(tcp.maxConnections)) thresholds.maxConnections = { value: tcp.maxConnections };
    idleTimeout ??= tcp.idleTimeout;
  }
  applyKeepalive(d, mesh.raw.tcpKeepalive as TcpKeepalive | undefined);
  applyKeepalive(d, tcp?.tcpKeepalive);
  d.fields.circuitBreakers = { thresholds: [thresholds] };

  const maxRequestsPerConnection = http?.maxRequestsPerConnection;
  const maxConnectionDuration = tcp?.maxConnectionDuration;
  if (idleTimeout || positive(maxRequestsPerConnection) || maxConnectionDuration) {
    const common = (httpOptions(d).common ??= {});
    if (idleTimeout) common.idleTimeout = duration(idleTimeout);
    if (positive(maxRequestsPerConnection))
      common.maxRequestsPerConnection = { value: maxRequestsPerConnection };
    if (maxConnectionDuration) common.maxConnectionDuration = duration(maxConnectionDuration);
  }
  if (http?.useClientProtocol) httpOptions(d).protocol = "downstream";
}

/** The port's own upstream protocol, before any DestinationRule. */
export function setUpstreamProtocol(d: ClusterDraft, protocol: Protocol, sidecar: boolean): void {
  if (isHttp2Protocol(protocol)) httpOptions(d).protocol = "h2";
  else if (sidecar && protocol === "UNKNOWN") httpOptions(d).protocol = "downstream";
}

/** HTTP/2 upgrade: the rule's h2UpgradePolicy, else the mesh's `h2UpgradePolicy` for HTTP ports. */
export function applyH2Upgrade(
  d: ClusterDraft,
  protocol: Protocol,
  mesh: MeshConfig,
  settings: ConnectionPoolSettings | undefined,
): void {
  const override = settings?.http?.h2UpgradePolicy;
  const upgrade =
    override === "UPGRADE"
      ? true
      : override === "DO_NOT_UPGRADE"
        ? false
        : isHttpProtocol(protocol) && mesh.raw.h2UpgradePolicy === "UPGRADE";
  if (upgrade) {
    // As Istio's setH2Options: HTTP/2 replaces the protocol unless upstream options exist already.
    const h = httpOptions(d);
    if (h.upstream === undefined) h.protocol = "h2";
  }
}
