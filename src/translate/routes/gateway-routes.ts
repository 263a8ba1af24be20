// Gateway (router) route configurations, as Istio's buildGatewayHTTPRouteConfig. Plain-HTTP
// servers on a port share RDS `http.PORT`; each TLS-terminating HTTPS server has its own
// `https.PORT.PORTNAME.GATEWAY.NAMESPACE`. For every server, every VirtualService bound to its
// Gateway contributes its routes to one virtual host per host the server and the VirtualService
// share (the more specific name of each overlapping pair), named `HOST:PORT` with that one domain;
// routes of several VirtualServices for a host are concatenated, catch-all routes last. A request
// whose Host matches no virtual host gets Envoy's 404; with no virtual host at all the route
// configuration holds `blackhole:PORT` with no routes (also 404). `tls.httpsRedirect` makes the
// server's virtual hosts require TLS (301 to https). Virtual hosts with the same routes from the
// same VirtualServices are collapsed into one (domains merged), as Istio does.
//
// Decision: the name uses the Gateway server's port (`http.80`), not the port the gateway Service
// translates it to (Istio >= 1.7 listens on the target port, 8080); the listeners generator must
// use gatewayRouteName() for its RDS names.

import { hostSubsetOf } from "../../registry/mesh/hosts.js";
import { isHttpProtocol, parseProtocol } from "../../registry/mesh/protocol.js";
import type { IndexedGateway } from "../../registry/mesh/gateways.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
import { mergedHttpRoutes } from "./delegate.js";
import { buildRoutesForVirtualService, isCatchAllRoute } from "./http-route.js";
import { MAX_DIRECT_RESPONSE_BODY_BYTES } from "./sidecar-routes.js";

type Server = NonNullable<IndexedGateway["spec"]["servers"]>[number];

/** The RDS name of a Gateway server, or undefined when it is not served over HTTP. */
export function gatewayRouteName(server: Server, gateway: IndexedGateway): string | undefined {
  const protocol = parseProtocol(server.port?.protocol);
  const bind = server.bind ? `.${server.bind}` : "";
  const port = server.port?.number ?? 0;
  if (isHttpProtocol(protocol)) return `http.${port}${bind}`;
  const mode = server.tls?.mode;
  if (protocol === "HTTPS" && mode !== "PASSTHROUGH" && mode !== "AUTO_PASSTHROUGH") {
    const name = gateway.name.slice(gateway.namespace.length + 1);
    return `https.${port}.${server.port?.name ?? ""}.${name}.${gateway.namespace}${bind}`;
  }
  return undefined;
}

/** Route name → the servers (with their Gateway) behind it, for a gateway proxy. */
export function gatewayServersByRouteName(ctx: TranslateContext) {
  const out = new Map<string, { server: Server; gateway: IndexedGateway }[]>();
  for (const gateway of ctx.model.gatewaysForProxy(ctx.proxy))
    for (const server of gateway.spec.servers ?? []) {
      const name = gatewayRouteName(server, gateway);
      if (!name) continue;
      const list = out.get(name) ?? [];
      list.push({ server, gateway });
      out.set(name, list);
    }
  return out;
}

/** Server hosts that apply to a VirtualService namespace (`ns/host`, `./host`, `*\/host`, host). */
function serverHostsFor(server: Server, gateway: IndexedGateway, vsNamespace: string): string[] {
  const out: string[] = [];
  for (const h of server.hosts ?? []) {
    const slash = h.indexOf("/");
    if (slash < 0) out.push(h);
    else {
      const ns = h.slice(0, slash) === "." ? gateway.namespace : h.slice(0, slash);
      if (ns === "*" || ns === vsNamespace) out.push(h.slice(slash + 1));
    }
  }
  return out;
}

function intersect(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of a)
    for (const y of b) {
      const pick = hostSubsetOf(x, y) ? x : hostSubsetOf(y, x) ? y : undefined;
      if (pick !== undefined && !out.includes(pick)) out.push(pick);
    }
  return out;
}

interface VHost {
  name: string;
  domains: string[];
  routes: EnvoyMessage[];
  sources: string[];
  requireTls: boolean;
}

export function buildGatewayRouteConfig(ctx: TranslateContext, routeName: string): EnvoyMessage {
  const servers = gatewayServersByRouteName(ctx).get(routeName) ?? [];
  const cache = new Map<string, EnvoyMessage[]>();
  const vhosts = new Map<string, VHost>();
  for (const { server, gateway } of servers) {
    const port = server.port?.number ?? 0;
    const redirect = server.tls?.httpsRedirect === true;
    for (const vs of ctx.model.virtualServicesForGateway(gateway.name, ctx.proxy.namespace)) {
      const hosts = intersect(serverHostsFor(server, gateway, vs.namespace), vs.hosts);
      if (hosts.length === 0) continue;
      const key = `${gateway.name}|${vs.namespace}/${vs.name}`;
      let routes = cache.get(key);
      if (!routes) {
        routes = buildRoutesForVirtualService(
          ctx,
          { name: vs.name, namespace: vs.namespace, http: mergedHttpRoutes(ctx.model, vs) },
          {
            listenerPort: port,
            gatewayNames: new Set([gateway.name]),
            isTls: server.tls !== undefined,
          },
        );
        cache.set(key, routes);
      }
      if (routes.length === 0) continue;
      for (const raw of hosts) {
        const host = raw.toLowerCase();
        const v = vhosts.get(host);
        if (v) {
          v.routes.push(...routes);
          v.sources.push(key);
          v.requireTls ||= redirect;
        } else
          vhosts.set(host, {
            name: `${host}:${port}`,
            domains: [host],
            routes: [...routes],
            sources: [key],
            requireTls: redirect,
          });
      }
    }
    if (redirect)
      for (const raw of server.hosts ?? []) {
        const host = raw.slice(raw.indexOf("/") + 1).toLowerCase();
        const v = vhosts.get(host);
        if (v) v.requireTls = true;
        else
          vhosts.set(host, {
            name: `${host}:${port}`,
            domains: [host],
            routes: [],
            sources: [],
            requireTls: true,
          });
      }
  }
  let virtualHosts: EnvoyMessage[];
  if (vhosts.size === 0) {
    const port = servers[0]?.server.port?.number ?? 0;
    virtualHosts = [{ name: `blackhole:${port}`, domains: ["*"], routes: [] }];
  } else virtualHosts = collapse(vhosts).map(toMessage);
  virtualHosts.sort((a, b) =>
    String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0,
  );
  return {
    name: routeName,
    virtualHosts,
    validateClusters: { value: false },
    maxDirectResponseBodySizeBytes: { value: MAX_DIRECT_RESPONSE_BODY_BYTES },
    ignorePortInHostMatching: ctx.proxy.kind !== "proxyless",
  };
}

/** Hosts with the same routes (same VirtualServices, same TLS requirement) share a virtual host. */
function collapse(vhosts: Map<string, VHost>): VHost[] {
  const byKey = new Map<string, VHost>();
  const out: VHost[] = [];
  for (const host of [...vhosts.keys()].sort()) {
    const v = vhosts.get(host)!;
    const key = `${v.requireTls}|${v.sources.join(",")}`;
    const first = byKey.get(key);
    if (first) first.domains.push(...v.domains);
    else {
      byKey.set(key, v);
      out.push(v);
    }
  }
  return out;
}

function toMessage(v: VHost): EnvoyMessage {
  const routes = [
    ...v.routes.filter((r) => !isCatchAllRoute(r)),
    ...v.routes.filter(isCatchAllRoute),
  ];
  return {
    name: v.name,
    domains: v.domains,
    routes,
    includeRequestAttemptCount: true,
    ...(v.requireTls ? { requireTls: "ALL" } : {}),
  };
}

export function generateGatewayRoutes(ctx: TranslateContext): GeneratedResource[] {
  return [...gatewayServersByRouteName(ctx).keys()].sort().map((name) => ({
    name,
    message: buildGatewayRouteConfig(ctx, name),
  }));
}
