// virtualOutbound: the listener iptables redirects every outbound connection to (0.0.0.0:15001).
// It hands each connection to the listener for its original destination (useOriginalDst); what
// no listener claims goes to PassthroughCluster (ALLOW_ANY), the Sidecar's egressProxy, or
// BlackHoleCluster (REGISTRY_ONLY). A connection addressed to 15001 itself is blackholed.

import type { EnvoyMessage } from "../envoy-message.js";
import type { TranslateContext } from "../context.js";
import { socketAddress, tcpProxyFilter } from "./filters.js";
import {
  BLACKHOLE_CLUSTER,
  DEFAULT_OUTBOUND_CAPTURE_PORT,
  outboundClusterName,
  PASSTHROUGH_CLUSTER,
  VIRTUAL_OUTBOUND,
  VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN,
  VIRTUAL_OUTBOUND_CATCHALL_CHAIN,
  WILDCARD_IPV4,
} from "./names.js";

export function outboundCapturePort(ctx: TranslateContext): number {
  const p = ctx.model.meshConfig.raw.proxyListenPort;
  return typeof p === "number" && p > 0 ? p : DEFAULT_OUTBOUND_CAPTURE_PORT;
}

/** The cluster unmatched outbound traffic goes to, from the Sidecar scope's outboundTrafficPolicy. */
export function catchAllCluster(ctx: TranslateContext): string {
  const policy = ctx.scope.outboundTrafficPolicy;
  if (policy.mode === "REGISTRY_ONLY") return BLACKHOLE_CLUSTER;
  const proxy = policy.egressProxy;
  if (proxy?.host)
    return outboundClusterName(proxy.port?.number ?? 0, proxy.subset ?? "", proxy.host);
  return PASSTHROUGH_CLUSTER;
}

/** The tcp_proxy for traffic no outbound listener or chain matched. */
export function catchAllFilters(ctx: TranslateContext): EnvoyMessage[] {
  const cluster = catchAllCluster(ctx);
  return [tcpProxyFilter(cluster, cluster)];
}

export function virtualOutboundListener(ctx: TranslateContext): EnvoyMessage {
  const port = outboundCapturePort(ctx);
  return {
    name: VIRTUAL_OUTBOUND,
    address: socketAddress(WILDCARD_IPV4, port),
    filterChains: [
      {
        filterChainMatch: { destinationPort: { value: port } },
        filters: [tcpProxyFilter(BLACKHOLE_CLUSTER, BLACKHOLE_CLUSTER)],
        name: VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN,
      },
      { filters: catchAllFilters(ctx), name: VIRTUAL_OUTBOUND_CATCHALL_CHAIN },
    ],
    useOriginalDst: { value: true },
    trafficDirection: "OUTBOUND",
  };
}
