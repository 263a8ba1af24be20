// The virtual hosts of one outbound port, as Istio's BuildSidecarOutboundVirtualHosts: one per
// VirtualService host that is no service (`bookinfo.com`, port 80 only unless the VirtualService
// also names a service on the port), one per service on the port (with every domain a client may
// use), in that order, a domain already taken by an earlier virtual host dropped from later ones,
// sorted by name at the end. A VirtualService whose routes all filter out for this proxy
// (sourceLabels, gateways) contributes nothing, so its services fall back to their default route.

import { hostSubsetOf, isWildcardHost, moreSpecificHost } from "../../registry/mesh/hosts.js";
import { isHttpProtocol } from "../../registry/mesh/protocol.js";
import type { MeshService, ServicePort } from "../../registry/mesh/types.js";
import type { IndexedVirtualService } from "../../registry/mesh/virtual-services.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage } from "../envoy-message.js";
import { outboundClusterName } from "./cluster-ref.js";
import { mergedHttpRoutes } from "./delegate.js";
import { virtualHostDomains } from "./domains.js";
import { hashPolicyForService } from "./hash-policy.js";
import { buildRoutesForVirtualService, meshDefaultRetries } from "./http-route.js";
import { convertRetryPolicy } from "./retry.js";
import { NO_TIMEOUT } from "./route-action.js";

const MESH = new Set(["mesh"]);

export const isHttpOrSniffed = (p: ServicePort) =>
  isHttpProtocol(p.protocol) || p.protocol === "UNKNOWN";

/** Istio's default route of a service port with no VirtualService. */
export function defaultRoute(
  ctx: TranslateContext,
  service: MeshService,
  port: number,
): EnvoyMessage {
  const retryPolicy = convertRetryPolicy(meshDefaultRetries(ctx.model.meshConfig));
  const hash = hashPolicyForService(ctx, service, port);
  return {
    name: "default",
    match: { prefix: "/" },
    route: {
      cluster: outboundClusterName(port, "", service.hostname),
      timeout: NO_TIMEOUT,
      ...(retryPolicy ? { retryPolicy } : {}),
      ...(hash ? { hashPolicy: [hash] } : {}),
      maxGrpcTimeout: NO_TIMEOUT,
    },
    decorator: { operation: `${service.hostname}:${port}/*` },
  };
}

interface Wrapper {
  readonly vsHosts: readonly string[];
  readonly services: readonly MeshService[];
  readonly routes: EnvoyMessage[];
}

/**
 * For each service host, the VirtualService that owns it when wildcards are involved: the first
 * with the exact host, else the one with the most specific wildcard host covering it (the first
 * of equals). A wildcard VirtualService only takes the services this index gives it.
 */
function wildcardIndex(vss: readonly IndexedVirtualService[], services: readonly MeshService[]) {
  const index = new Map<string, { vs: IndexedVirtualService; host: string }>();
  for (const s of services)
    for (const vs of vss)
      for (const h of vs.hosts) {
        if (!hostSubsetOf(s.hostname, h)) continue;
        const cur = index.get(s.hostname);
        if (
          !cur ||
          (cur.host !== s.hostname && (h === s.hostname || moreSpecificHost(h, cur.host)))
        )
          index.set(s.hostname, { vs, host: h });
      }
  return index;
}

/** Istio's selectVirtualServices: a host names a service, or one covers the other by wildcard. */
function vsMatchesAService(vs: IndexedVirtualService, byName: ReadonlyMap<string, MeshService>) {
  const wildcardServices = [...byName.keys()].filter(isWildcardHost);
  return vs.hosts.some((h) => {
    if (byName.has(h)) return true;
    if (isWildcardHost(h)) return [...byName.keys()].some((s) => hostSubsetOf(s, h));
    return wildcardServices.some((s) => hostSubsetOf(h, s));
  });
}

export interface VirtualHostOptions {
  /** Ignore ports in host matching (sidecars, gateways); false for proxyless gRPC. */
  readonly ignorePort: boolean;
}

export function buildVirtualHosts(
  ctx: TranslateContext,
  listenerPort: number,
  services: readonly MeshService[],
  virtualServices: readonly IndexedVirtualService[],
  opts: VirtualHostOptions,
): EnvoyMessage[] {
  const byName = new Map<string, MeshService>();
  for (const s of services)
    if (s.ports.some((p) => p.port === listenerPort && isHttpOrSniffed(p)))
      byName.set(s.hostname, s);
  const vss =
    listenerPort === 80
      ? virtualServices
      : virtualServices.filter((v) => vsMatchesAService(v, byName));
  const wildcards = wildcardIndex(vss, [...byName.values()]);
  const wrappers: Wrapper[] = [];
  const claimed = new Set<string>();
  for (const vs of vss) {
    const routes = buildRoutesForVirtualService(
      ctx,
      { name: vs.name, namespace: vs.namespace, http: mergedHttpRoutes(ctx.model, vs) },
      { listenerPort, gatewayNames: MESH },
    );
    if (routes.length === 0) continue;
    const vsHosts: string[] = [];
    const matched: MeshService[] = [];
    for (const h of vs.hosts) {
      if (!isWildcardHost(h)) {
        const s = byName.get(h);
        if (s) matched.push(s);
        else vsHosts.push(h);
        continue;
      }
      let any = false;
      for (const s of byName.values()) {
        if (!hostSubsetOf(s.hostname, h)) continue;
        any = true;
        if (wildcards.get(s.hostname)?.vs === vs) matched.push(s);
      }
      if (!any) vsHosts.push(h);
    }
    if (matched.length === 0 && listenerPort !== 80) continue;
    for (const s of matched) claimed.add(s.hostname);
    wrappers.push({ vsHosts, services: matched, routes });
  }
  const rest = [...byName.values()].filter((s) => !claimed.has(s.hostname));
  rest.sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
  for (const s of rest)
    wrappers.push({ vsHosts: [], services: [s], routes: [defaultRoute(ctx, s, listenerPort)] });
  return assemble(ctx, listenerPort, wrappers, opts);
}

function assemble(
  ctx: TranslateContext,
  port: number,
  wrappers: readonly Wrapper[],
  opts: VirtualHostOptions,
) {
  const names = new Set<string>();
  const taken = new Set<string>();
  const knownFqdn = new Set<string>();
  for (const w of wrappers)
    for (const s of w.services) knownFqdn.add(s.hostname).add(`${s.hostname}:${port}`);
  const out: EnvoyMessage[] = [];
  const add = (
    name: string,
    domains: string[],
    altHosts: readonly string[],
    routes: EnvoyMessage[],
  ) => {
    if (names.has(name)) return;
    names.add(name);
    const kept = domains.filter((d) => {
      const key = d.toLowerCase();
      if (taken.has(key) || (altHosts.includes(d) && knownFqdn.has(d))) return false;
      taken.add(key);
      return true;
    });
    if (kept.length > 0)
      out.push({ name, domains: kept, routes, includeRequestAttemptCount: true });
  };
  const portArg = opts.ignorePort ? undefined : port;
  for (const w of wrappers) {
    for (const h of w.vsHosts)
      add(`${h}:${port}`, opts.ignorePort ? [h] : [h, `${h}:${port}`], [], w.routes);
    for (const s of w.services) {
      const d = virtualHostDomains(
        s,
        portArg,
        ctx.proxy,
        ctx.model.domainSuffix,
        ctx.model.clusterId,
      );
      add(`${s.hostname}:${port}`, d.domains, d.altHosts, w.routes);
    }
  }
  return out.sort((a, b) =>
    String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0,
  );
}
