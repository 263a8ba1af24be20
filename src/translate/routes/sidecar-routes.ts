// Sidecar outbound route configurations. An HTTP listener `0.0.0.0_PORT` asks for RDS `PORT`: the
// virtual hosts of every service (and VirtualService) the proxy sees on that port, then the
// catch-all: `allow_any` (domains `*`, to PassthroughCluster, or the Sidecar's egressProxy) under
// ALLOW_ANY, `block_all` (502) under REGISTRY_ONLY. A port whose protocol is sniffed listens on
// `VIP_PORT` and asks for `HOST:PORT`: only that service's virtual host, with domains `*` and no
// catch-all.

import { parseProtocol } from "../../registry/mesh/protocol.js";
import { isHttpProtocol } from "../../registry/mesh/protocol.js";
import type { EgressListenerScope } from "../../registry/mesh/sidecar-scope.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
import { PASSTHROUGH_CLUSTER, resolveDestination } from "./cluster-ref.js";
import { serviceAddressesFor } from "./domains.js";
import { NO_TIMEOUT } from "./route-action.js";
import { buildVirtualHosts } from "./virtual-hosts.js";

export const MAX_DIRECT_RESPONSE_BODY_BYTES = 1024 * 1024;

/** The egress listener that serves a port: the one declaring it, else the catch-all one. */
export function egressListenerForPort(
  ctx: TranslateContext,
  port: number,
): EgressListenerScope | undefined {
  return (
    ctx.scope.egress.find((e) => e.port?.number === port) ?? ctx.scope.egress.find((e) => !e.port)
  );
}

/** The catch-all virtual host of a sidecar's outbound route configurations. */
export function catchAllVirtualHost(ctx: TranslateContext): EnvoyMessage {
  const policy = ctx.scope.outboundTrafficPolicy;
  if (policy.mode === "REGISTRY_ONLY")
    return {
      name: "block_all",
      domains: ["*"],
      routes: [{ name: "block_all", match: { prefix: "/" }, directResponse: { status: 502 } }],
      includeRequestAttemptCount: true,
    };
  let cluster = PASSTHROUGH_CLUSTER;
  const egressProxy = policy.egressProxy as
    { host?: string; subset?: string; port?: { number?: number } } | undefined;
  if (egressProxy?.host)
    cluster = resolveDestination(ctx, egressProxy, ctx.scope.namespace, 0).cluster;
  return {
    name: "allow_any",
    domains: ["*"],
    routes: [
      {
        name: "allow_any",
        match: { prefix: "/" },
        route: { cluster, timeout: NO_TIMEOUT, maxGrpcTimeout: NO_TIMEOUT },
      },
    ],
    includeRequestAttemptCount: true,
  };
}

function routeConfiguration(name: string, virtualHosts: EnvoyMessage[]): EnvoyMessage {
  return {
    name,
    virtualHosts,
    validateClusters: { value: false },
    maxDirectResponseBodySizeBytes: { value: MAX_DIRECT_RESPONSE_BODY_BYTES },
    ignorePortInHostMatching: true,
  };
}

/** The route configuration a sidecar asks for by name (`PORT` or `HOST:PORT`). */
export function buildSidecarRouteConfig(
  ctx: TranslateContext,
  routeName: string,
): EnvoyMessage | undefined {
  const colon = routeName.lastIndexOf(":");
  const port = Number(routeName.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0) return undefined;
  const egress = egressListenerForPort(ctx, port);
  if (!egress) return routeConfiguration(routeName, []);
  const vhosts = buildVirtualHosts(ctx, port, egress.services, egress.virtualServices, {
    ignorePort: true,
  });
  if (colon < 0) return routeConfiguration(routeName, [...vhosts, catchAllVirtualHost(ctx)]);
  const host = routeName.slice(0, colon);
  const picked = vhosts.filter((v) =>
    (v.domains as string[]).some((d) => d === host || d === routeName),
  );
  if (picked.length === 1) picked[0] = { ...picked[0], domains: ["*"] };
  return routeConfiguration(routeName, picked);
}

/**
 * The RDS names a sidecar's outbound listeners use: `PORT` for each HTTP port (and each sniffed
 * port of a service without an address), `HOST:PORT` for each sniffed port of a service with one.
 */
export function sidecarOutboundRouteNames(ctx: TranslateContext): string[] {
  const names = new Set<string>();
  for (const e of ctx.scope.egress) {
    if (e.port?.number) {
      if (isHttpProtocol(parseProtocol(e.port.protocol))) names.add(String(e.port.number));
      continue;
    }
    for (const s of e.services) {
      const address = serviceAddressesFor(s, ctx.proxy, ctx.model.clusterId)[0] ?? "";
      // A sniffed port listens on the service's address (not a CIDR): RDS `HOST:PORT`.
      const hasVip = address !== "" && address !== "0.0.0.0" && !address.includes("/");
      for (const p of s.ports) {
        if (ctx.scope.egress.some((o) => o.port?.number === p.port)) continue;
        if (isHttpProtocol(p.protocol)) names.add(String(p.port));
        else if (p.protocol === "UNKNOWN")
          names.add(hasVip ? `${s.hostname}:${p.port}` : String(p.port));
      }
    }
  }
  return [...names].sort();
}

export function generateSidecarRoutes(ctx: TranslateContext): GeneratedResource[] {
  const out: GeneratedResource[] = [];
  for (const name of sidecarOutboundRouteNames(ctx)) {
    const message = buildSidecarRouteConfig(ctx, name);
    if (message) out.push({ name, message });
  }
  return out;
}
