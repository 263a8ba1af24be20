// Traffic simulation over one proxy's generated resources, in the spirit of Istio's
// pilot/pkg/simulation: "from proxy P, a request to host H, port N, path X, headers Y" →
// listener → filter chain → HCM → route configuration → virtual host → route → clusters →
// endpoints (or tcp_proxy → clusters → endpoints), following Envoy's matching rules. It reads only
// the resources (what the proxy would be sent), so a dangling name is a failure, not a guess.

import { resolveCluster, pick, splitOf, type Split } from "./clusters.js";
import { chainName, matchFilterChain } from "./filter-chains.js";
import { detect, listenerAddress, NO_LISTENER_IP, selectListener } from "./listeners.js";
import { anyType, list, num, obj, str, type Msg } from "./plain.js";
import { headerValue, selectRoute, type HttpRequest } from "./routes.js";
import type { ProxyConfig, SimCluster, SimRequest, SimResult } from "./types.js";
import { hostForMatching, selectVirtualHost } from "./virtual-hosts.js";

export type { ProxyConfig, SimCluster, SimRequest, SimResult } from "./types.js";

type Result = { -readonly [K in keyof SimResult]: SimResult[K] };

/** ProxyResources (generateAll's lists of {name, message}) → ProxyConfig. */
export function proxyConfig(resources: {
  readonly [kind in keyof ProxyConfig]: readonly { readonly message: Msg }[];
}): ProxyConfig {
  const m = (rs: readonly { readonly message: Msg }[]) => rs.map((r) => r.message);
  return {
    listeners: m(resources.listeners),
    routes: m(resources.routes),
    clusters: m(resources.clusters),
    endpoints: m(resources.endpoints),
  };
}

const HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const TCP_PROXY = "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";

export function simulate(cfg: ProxyConfig, req: SimRequest): SimResult {
  const ip = req.destinationIp ?? NO_LISTENER_IP;
  const apiOnly = cfg.listeners.length > 0 && cfg.listeners.every((l) => obj(l["apiListener"]));
  if (req.direction === "proxyless" || (req.direction === undefined && apiOnly))
    return proxyless(cfg, req, ip);
  const listener = selectListener(cfg, req);
  if (!listener) return { failure: `no listener for ${ip}:${req.port}` };
  const r: Result = { listener: str(listener["name"]) ?? listenerAddress(listener) };
  const detected = detect(listener, req);
  const chain = matchFilterChain(listener, {
    ...detected,
    destinationIp: ip,
    destinationPort: req.port,
    sourceIp: req.sourceIp ?? "10.255.0.1",
    sourcePort: req.sourcePort ?? 40000,
  });
  if (!chain) return { ...r, failure: `no matching filter chain in listener ${r.listener}` };
  r.filterChain = chainName(listener, chain);
  // A chain with a transport socket terminates TLS: a plaintext client fails its handshake.
  const isTls = req.protocol === "tls" || req.sni !== undefined || req.tls === true;
  const terminatesTls = obj(chain["transportSocket"]) !== undefined;
  if (terminatesTls && !isTls)
    return {
      ...r,
      failure: `a plaintext connection reached filter chain ${r.filterChain}, which terminates TLS`,
    };
  const terminal = list(chain["filters"]).find((f) => {
    const t = anyType(f["typedConfig"]);
    return t === HCM || t === TCP_PROXY;
  });
  const config = obj(terminal?.["typedConfig"]) ?? {};
  if (!terminal)
    return {
      ...r,
      failure: `filter chain ${r.filterChain} has no http_connection_manager or tcp_proxy`,
    };
  if (anyType(config) === TCP_PROXY) {
    r.filter = "tcp";
    return toClusters(
      cfg,
      r,
      splitOf(config, () => undefined),
      req,
      ip,
    );
  }
  r.filter = "http";
  if (isTls && !terminatesTls)
    return { ...r, failure: `TLS reached the plaintext HTTP filter chain ${r.filterChain}` };
  if (req.protocol === "tcp" || req.protocol === "tls")
    return {
      ...r,
      failure: `a ${req.protocol} connection reached an HTTP connection manager (it would be reset)`,
    };
  return http(cfg, r, config, req, ip);
}

/** A proxyless gRPC client: the API listener named by the dial target, then its HCM. */
function proxyless(cfg: ProxyConfig, req: SimRequest, ip: string): SimResult {
  const target = req.host ?? `${ip}:${req.port}`;
  const listener = cfg.listeners.find((l) => l["name"] === target);
  if (!listener) return { failure: `no listener named ${target} (xds:///${target})` };
  const hcm = obj(obj(listener["apiListener"])?.["apiListener"]);
  if (!hcm || anyType(hcm) !== HCM)
    return { listener: target, failure: `listener ${target} has no API listener HCM` };
  return http(cfg, { listener: target, filter: "http" }, hcm, { ...req, host: target }, ip);
}

function http(cfg: ProxyConfig, r: Result, hcm: Msg, req: SimRequest, ip: string): SimResult {
  const rdsName = str(obj(hcm["rds"])?.["routeConfigName"]);
  const rc =
    rdsName !== undefined ? cfg.routes.find((x) => x["name"] === rdsName) : obj(hcm["routeConfig"]);
  if (!rc)
    return {
      ...r,
      failure:
        rdsName !== undefined
          ? `route configuration ${rdsName} not sent`
          : "HCM has neither rds nor routeConfig",
    };
  r.routeConfig = str(rc["name"]) ?? "(inline)";
  const authority = req.host ?? req.sni ?? ip;
  const vh = selectVirtualHost(rc, hostForMatching(hcm, rc, authority, req.port));
  if (!vh) return { ...r, failure: `no virtual host for ${authority} → 404` };
  r.virtualHost = str(vh["name"]) ?? "";
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  if (req.protocol === "grpc") headers["content-type"] ??= "application/grpc";
  const httpReq: HttpRequest = {
    authority,
    path: req.path ?? "/",
    method: req.method ?? (req.protocol === "grpc" ? "POST" : "GET"),
    scheme: req.sni !== undefined || req.tls === true ? "https" : "http",
    headers,
  };
  const m = selectRoute(vh, httpReq);
  if (!m)
    return { ...r, failure: `no route for ${httpReq.path} in virtual host ${r.virtualHost} → 404` };
  if ("unsupported" in m) return { ...r, failure: m.unsupported };
  r.route = str(m.route["name"]) ?? `routes[${m.index}]`;
  r.routeEntry = m.route;
  const mirrors = list(obj(m.route["route"])?.["requestMirrorPolicies"])
    .map((p) => str(p["cluster"]))
    .filter((c): c is string => c !== undefined);
  if (mirrors.length > 0) r.mirrors = mirrors;
  const redirect = obj(m.route["redirect"]);
  if (redirect) return { ...r, redirect };
  const direct = obj(m.route["directResponse"]);
  if (direct) {
    const body = str(obj(direct["body"])?.["inlineString"]);
    return {
      ...r,
      directResponse: {
        status: num(direct["status"]) ?? 0,
        ...(body !== undefined ? { body } : {}),
      },
    };
  }
  const action = obj(m.route["route"]);
  if (!action)
    return { ...r, failure: `route ${r.route} has no route, redirect or directResponse action` };
  return toClusters(
    cfg,
    r,
    splitOf(action, (n) => headerValue(httpReq, n)),
    req,
    ip,
  );
}

function toClusters(
  cfg: ProxyConfig,
  r: Result,
  split: Split[] | string,
  req: SimRequest,
  ip: string,
): SimResult {
  if (typeof split === "string") return { ...r, failure: split };
  const clusters: SimCluster[] = [];
  for (const s of split) {
    const c = resolveCluster(cfg, s, `${ip}:${req.port}`);
    if (typeof c === "string") return { ...r, clusters, failure: c };
    clusters.push(c);
  }
  r.clusters = clusters;
  const picked = pick(split, req.callNum ?? 0);
  if (!picked) return { ...r, failure: "weighted clusters with a total weight of 0 → 503" };
  const c = clusters[split.indexOf(picked)]!;
  r.cluster = c.name;
  r.endpoints = c.endpoints;
  const outcome = r.filter === "tcp" ? "connection closed" : "503";
  if (c.endpoints.length === 0)
    return { ...r, failure: `cluster ${c.name} has no endpoints → ${outcome}` };
  return r;
}
