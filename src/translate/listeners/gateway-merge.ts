// The Gateway servers that apply to a gateway proxy, merged by listener port as Istio merges them.
// A server's port maps to the port the gateway workload listens on: the targetPort of the gateway
// Service port with that number (e.g. 80 → 8080), else the server port itself. On one port: HTTP
// servers merge into one (hosts are told apart by RDS); HTTPS and TLS servers each keep their own
// SNI filter chain, and a server whose SNI hosts are already taken on the port is dropped; other
// mixes (HTTP with TLS, two plain TCP servers) keep the first server only. Gateways are taken
// oldest first, so the oldest wins a conflict.

import type { IndexedGateway } from "../../registry/mesh/gateways.js";
import { isHttpProtocol, parseProtocol } from "../../registry/mesh/protocol.js";
import type { Protocol } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import type { ServerTls } from "./tls-context.js";

export interface GatewayServer {
  readonly port?: { readonly number?: number; readonly name?: string; readonly protocol?: string };
  readonly hosts?: readonly string[];
  readonly tls?: ServerTls & { readonly httpsRedirect?: boolean };
  readonly bind?: string;
  readonly name?: string;
}

export interface MergedServer {
  readonly gateway: IndexedGateway;
  readonly server: GatewayServer;
  readonly protocol: Protocol;
  /** Hosts without their `namespace/` part; empty when the server does no TLS. */
  readonly sniHosts: readonly string[];
  /** RDS route of an HTTP or TLS-terminating HTTPS server. */
  readonly routeName?: string;
}

export interface MergedPort {
  /** The port the listener binds (the gateway Service's targetPort). */
  readonly listenerPort: number;
  readonly protocol: Protocol;
  readonly servers: MergedServer[];
}

/** The RDS route of the HTTP servers of a port, named by the Gateway server port (`http.80`). */
export function gatewayHttpRouteName(serverPort: number): string {
  return `http.${serverPort}`;
}

/** `https.PORT.PORTNAME.GATEWAY.NAMESPACE` for a TLS-terminating HTTPS server. */
export function gatewayHttpsRouteName(
  serverPort: number,
  portName: string,
  gw: IndexedGateway,
): string {
  return `https.${serverPort}.${portName}.${gw.name.split("/")[1]}.${gw.namespace}`;
}

export function isPassthrough(tls: ServerTls | undefined): boolean {
  return tls?.mode === "PASSTHROUGH" || tls?.mode === "AUTO_PASSTHROUGH";
}

/** The host part of `ns/host` (star-slash-star → star). */
export function hostPart(h: string): string {
  const slash = h.indexOf("/");
  return slash < 0 ? h : h.slice(slash + 1);
}

function sniHostsOf(s: GatewayServer): string[] {
  if (!s.tls) return [];
  return [...new Set((s.hosts ?? []).map(hostPart))];
}

function listenerPortFor(ctx: TranslateContext, serverPort: number): number {
  const instance = ctx.model
    .instancesForProxy(ctx.proxy)
    .find((i) => i.servicePort.port === serverPort && i.targetPort > 0);
  return instance?.targetPort ?? serverPort;
}

export function mergeGatewayServers(ctx: TranslateContext): MergedPort[] {
  const ports = new Map<number, MergedPort>();
  const sniTaken = new Map<number, Set<string>>();
  for (const gw of ctx.model.gatewaysForProxy(ctx.proxy)) {
    for (const server of (gw.spec.servers ?? []) as GatewayServer[]) {
      const number = server.port?.number;
      if (!number) continue;
      const protocol = parseProtocol(server.port?.protocol);
      const listenerPort = listenerPortFor(ctx, number);
      const sniHosts = sniHostsOf(server);
      const terminatesHttps = protocol === "HTTPS" && server.tls && !isPassthrough(server.tls);
      const routeName = isHttpProtocol(protocol)
        ? gatewayHttpRouteName(number)
        : terminatesHttps
          ? gatewayHttpsRouteName(number, server.port?.name ?? "", gw)
          : undefined;
      const merged: MergedServer = {
        gateway: gw,
        server,
        protocol,
        sniHosts,
        ...(routeName ? { routeName } : {}),
      };
      const existing = ports.get(listenerPort);
      if (!existing) {
        ports.set(listenerPort, { listenerPort, protocol, servers: [merged] });
        if (server.tls) sniTaken.set(listenerPort, new Set(sniHosts));
        continue;
      }
      if (isHttpProtocol(existing.protocol)) {
        if (isHttpProtocol(protocol)) existing.servers.push(merged);
        continue;
      }
      const tlsish = (p: Protocol) => p === "HTTPS" || p === "TLS";
      if (!tlsish(existing.protocol) || !tlsish(protocol) || !server.tls) continue;
      const taken = sniTaken.get(listenerPort) ?? new Set<string>();
      if (sniHosts.some((h) => taken.has(h))) continue;
      for (const h of sniHosts) taken.add(h);
      sniTaken.set(listenerPort, taken);
      existing.servers.push(merged);
    }
  }
  return [...ports.values()].sort((a, b) => a.listenerPort - b.listenerPort);
}
