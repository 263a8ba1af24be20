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
import { gatewayRouteName } from "../routes/gateway-routes.js";
import { WILDCARD_IPV4 } from "./names.js";
import type { ServerTls } from "./tls-context.js";

type GatewayServerSpec = NonNullable<IndexedGateway["spec"]["servers"]>[number];

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
  /** The address the listener binds: the server's `bind`, else 0.0.0.0. */
  readonly bind: string;
  /** The port the listener binds (the gateway Service's targetPort). */
  readonly listenerPort: number;
  readonly protocol: Protocol;
  readonly servers: MergedServer[];
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
  const ports = new Map<string, MergedPort>();
  const sniTaken = new Map<string, Set<string>>();
  for (const gw of ctx.model.gatewaysForProxy(ctx.proxy)) {
    for (const server of (gw.spec.servers ?? []) as GatewayServer[]) {
      const number = server.port?.number;
      if (!number) continue;
      const protocol = parseProtocol(server.port?.protocol);
      const listenerPort = listenerPortFor(ctx, number);
      const bind = server.bind || WILDCARD_IPV4;
      const key = `${bind}:${listenerPort}`;
      const sniHosts = sniHostsOf(server);
      // Shared with the routes generator, so LDS and RDS agree on the name.
      const routeName = gatewayRouteName(server as GatewayServerSpec, gw);
      const merged: MergedServer = {
        gateway: gw,
        server,
        protocol,
        sniHosts,
        ...(routeName ? { routeName } : {}),
      };
      const existing = ports.get(key);
      if (!existing) {
        ports.set(key, { bind, listenerPort, protocol, servers: [merged] });
        if (server.tls) sniTaken.set(key, new Set(sniHosts));
        continue;
      }
      if (isHttpProtocol(existing.protocol)) {
        if (isHttpProtocol(protocol)) existing.servers.push(merged);
        continue;
      }
      const tlsish = (p: Protocol) => p === "HTTPS" || p === "TLS";
      if (!tlsish(existing.protocol) || !tlsish(protocol) || !server.tls) continue;
      const taken = sniTaken.get(key) ?? new Set<string>();
      if (sniHosts.some((h) => taken.has(h))) continue;
      for (const h of sniHosts) taken.add(h);
      sniTaken.set(key, taken);
      existing.servers.push(merged);
    }
  }
  return [...ports.values()].sort(
    (a, b) => a.listenerPort - b.listenerPort || (a.bind < b.bind ? -1 : a.bind > b.bind ? 1 : 0),
  );
}
