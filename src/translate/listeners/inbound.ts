// virtualInbound (0.0.0.0:15006): iptables redirects every inbound connection here; the original
// destination port picks the filter chain. Chains: a blackhole for connections to 15006 itself,
// passthrough chains for ports no service declares (to InboundPassthroughCluster), then one set
// of chains per workload port of the services that select the workload — or, when the Sidecar
// has `ingress` listeners, per ingress port instead (captureMode NONE: a listener bound to the
// port). TLS and HTTP inspectors run only on the ports whose chains need them.

import { isHttpProtocol, isTcpProtocol, parseProtocol } from "../../registry/mesh/protocol.js";
import { compareStrings } from "../../registry/mesh/hosts.js";
import type { TranslateContext } from "../context.js";
import { duration, type EnvoyMessage } from "../envoy-message.js";
import {
  allButPortsPredicate,
  destinationPortsPredicate,
  httpInspector,
  originalDstListenerFilter,
  socketAddress,
  tcpProxyFilter,
  tlsInspector,
} from "./filters.js";
import { inboundChains, type InboundChainConfig, type InboundProtocol } from "./inbound-chains.js";
import {
  BLACKHOLE_CLUSTER,
  DEFAULT_INBOUND_CAPTURE_PORT,
  INBOUND_PASSTHROUGH_CLUSTER,
  inboundClusterName,
  listenerName,
  VIRTUAL_INBOUND,
  VIRTUAL_INBOUND_BLACKHOLE_CHAIN,
  VIRTUAL_INBOUND_CATCHALL_HTTP_CHAIN,
  WILDCARD_IPV4,
} from "./names.js";
import { modeForPort, mtlsPolicyFor } from "./peer-authentication.js";

interface PortChain extends InboundChainConfig {
  readonly bind: string;
  readonly bindToPort: boolean;
}

function inboundProtocol(p: InboundChainConfig["protocol"]): InboundProtocol | undefined {
  if (isHttpProtocol(p)) return "HTTP";
  if (isTcpProtocol(p)) return "TCP";
  return p === "UNKNOWN" ? "AUTO" : undefined;
}

function portChain(
  bind: string,
  targetPort: number,
  servicePort: number,
  protocol: InboundChainConfig["protocol"],
  hostname: string,
  bindToPort: boolean,
): PortChain {
  const name = listenerName(bind, targetPort);
  const cluster = inboundClusterName(targetPort);
  return {
    bind,
    bindToPort,
    targetPort,
    servicePort,
    protocol,
    cluster,
    hostname,
    httpName: name,
    tcpName: name,
    httpStatPrefix: `inbound_${name}`,
    tcpStatPrefix: cluster,
  };
}

/** One chain config per workload port, sorted by port (the oldest service wins a shared port). */
export function inboundPortChains(ctx: TranslateContext): PortChain[] {
  const byPort = new Map<number, PortChain>();
  if (ctx.scope.ingress.length === 0) {
    const instances = [...ctx.model.instancesForProxy(ctx.proxy)].sort(
      (a, b) =>
        compareStrings(a.service.creationTimestamp, b.service.creationTimestamp) ||
        compareStrings(a.service.hostname, b.service.hostname),
    );
    for (const i of instances)
      if (!byPort.has(i.targetPort))
        byPort.set(
          i.targetPort,
          portChain(
            WILDCARD_IPV4,
            i.targetPort,
            i.servicePort.port,
            i.servicePort.protocol,
            i.service.hostname,
            false,
          ),
        );
  } else {
    const sidecar = ctx.scope.sidecar;
    const host = sidecar ? `${sidecar.name}.${sidecar.namespace}` : "";
    for (const l of ctx.scope.ingress) {
      const port = l.port?.number;
      if (!port || byPort.has(port)) continue;
      const bindToPort = l.captureMode === "NONE";
      const bind = l.bind || WILDCARD_IPV4;
      byPort.set(
        port,
        portChain(bind, port, port, parseProtocol(l.port?.protocol), host, bindToPort),
      );
    }
  }
  return [...byPort.values()].sort((a, b) => a.targetPort - b.targetPort);
}

/** TLS / HTTP inspectors, enabled only on the destination ports whose chains need them. */
function inspectors(chains: readonly EnvoyMessage[]): EnvoyMessage[] {
  const need = new Map<number, { tls: boolean; http: boolean }>();
  for (const c of chains) {
    const m = (c.filterChainMatch ?? {}) as {
      destinationPort?: { value: number };
      transportProtocol?: string;
      applicationProtocols?: string[];
    };
    const port = m.destinationPort?.value ?? 0;
    const cur = need.get(port) ?? { tls: false, http: false };
    cur.tls ||= m.transportProtocol === "tls";
    cur.http ||= (m.applicationProtocols ?? []).some((a) => a === "http/1.1" || a === "h2c");
    need.set(port, cur);
  }
  const out: EnvoyMessage[] = [];
  const entries = [...need.entries()];
  if (entries.some(([, n]) => n.tls)) {
    const defaultOn = need.get(0)?.tls ?? false;
    const ports = entries.filter(([p, n]) => p !== 0 && n.tls !== defaultOn).map(([p]) => p);
    out.push(
      ports.length === 0
        ? tlsInspector()
        : tlsInspector(defaultOn ? destinationPortsPredicate(ports) : allButPortsPredicate(ports)),
    );
  }
  if (entries.some(([, n]) => n.http)) {
    const off = entries.filter(([, n]) => !n.http).map(([p]) => p);
    out.push(off.length === 0 ? httpInspector() : httpInspector(destinationPortsPredicate(off)));
  }
  return out;
}

function inboundListener(
  ctx: TranslateContext,
  name: string,
  bind: string,
  port: number,
  bindToPort: boolean,
  chains: EnvoyMessage[],
): EnvoyMessage {
  return {
    name,
    address: socketAddress(bind, port),
    filterChains: chains,
    listenerFilters: [...(bindToPort ? [] : [originalDstListenerFilter()]), ...inspectors(chains)],
    listenerFiltersTimeout: duration(ctx.model.meshConfig.protocolDetectionTimeout),
    continueOnListenerFiltersTimeout: true,
    trafficDirection: "INBOUND",
  };
}

export function inboundCapturePort(ctx: TranslateContext): number {
  const p = ctx.model.meshConfig.raw.proxyInboundListenPort;
  return typeof p === "number" && p > 0 ? p : DEFAULT_INBOUND_CAPTURE_PORT;
}

/** virtualInbound plus any Sidecar ingress listener that binds its own port. */
export function sidecarInboundListeners(ctx: TranslateContext): EnvoyMessage[] {
  const mesh = ctx.model.meshConfig;
  const policy = mtlsPolicyFor(ctx.model, ctx.proxy);
  const capture = inboundCapturePort(ctx);
  const ports = inboundPortChains(ctx);
  const chains: EnvoyMessage[] = [
    {
      filterChainMatch: { destinationPort: { value: capture } },
      filters: [tcpProxyFilter(BLACKHOLE_CLUSTER, BLACKHOLE_CLUSTER)],
      name: VIRTUAL_INBOUND_BLACKHOLE_CHAIN,
    },
  ];
  // Passthrough: the workload mode for any port, plus port-level modes of ports no service declares.
  const declared = new Set(ports.map((p) => p.targetPort));
  const passthroughPorts = [
    0,
    ...[...policy.portLevel.keys()].filter((p) => !declared.has(p)).sort((a, b) => a - b),
  ];
  for (const port of passthroughPorts)
    chains.push(
      ...inboundChains(
        {
          targetPort: port,
          servicePort: 0,
          protocol: "UNKNOWN",
          cluster: INBOUND_PASSTHROUGH_CLUSTER,
          hostname: "",
          httpName: VIRTUAL_INBOUND_CATCHALL_HTTP_CHAIN,
          tcpName: VIRTUAL_INBOUND,
          httpStatPrefix: INBOUND_PASSTHROUGH_CLUSTER,
          tcpStatPrefix: INBOUND_PASSTHROUGH_CLUSTER,
        },
        "AUTO",
        modeForPort(policy, port),
        mesh,
      ),
    );
  const out: EnvoyMessage[] = [];
  for (const p of ports) {
    const protocol = inboundProtocol(p.protocol);
    if (!protocol) continue;
    const own = inboundChains(p, protocol, modeForPort(policy, p.targetPort), mesh);
    if (p.bindToPort)
      out.push(
        inboundListener(ctx, listenerName(p.bind, p.targetPort), p.bind, p.targetPort, true, own),
      );
    else chains.push(...own);
  }
  return [inboundListener(ctx, VIRTUAL_INBOUND, WILDCARD_IPV4, capture, false, chains), ...out];
}
