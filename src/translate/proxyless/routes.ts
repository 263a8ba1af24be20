// Proxyless gRPC route configurations: one per visible service port, named `FQDN:PORT` (what the
// API listeners name), each holding the virtual hosts of every visible service on that port — the
// sidecar's outbound virtual hosts, as Istio builds them for gRPC. A service's routes come from
// the first VirtualService in scope that names its host (else a wildcard host covering it), or a
// single default route to `outbound|PORT||FQDN`.

import { isWildcardHost, mostSpecificHostMatch } from "../../registry/mesh/hosts.js";
import type { MeshService } from "../../registry/mesh/types.js";
import type { IndexedVirtualService } from "../../registry/mesh/virtual-services.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
import type { HttpRuleSpec } from "./http-rule.js";
import { hostPort, proxyDnsDomain, virtualHostDomains, clusterName } from "./naming.js";
import { retryPolicy, timeoutFields } from "./route-policies.js";
import { routesOfRule, type RouteTarget } from "./virtual-service-routes.js";

/** The VirtualService that routes `service`: exact host first, else the most specific wildcard. */
export function virtualServiceFor(
  service: MeshService,
  virtualServices: readonly IndexedVirtualService[],
): IndexedVirtualService | undefined {
  let best: { vs: IndexedVirtualService; host: string } | undefined;
  for (const vs of virtualServices) {
    const host = mostSpecificHostMatch(service.hostname, vs.hosts);
    if (host === undefined) continue;
    if (!isWildcardHost(host)) return vs;
    if (!best || host.length > best.host.length) best = { vs, host };
  }
  return best?.vs;
}

function defaultRoute(service: MeshService, port: number): EnvoyMessage {
  const retry = retryPolicy({});
  return {
    name: "default",
    match: { prefix: "/" },
    route: {
      cluster: clusterName(port, "", service.hostname),
      ...timeoutFields({}),
      ...(retry ? { retryPolicy: retry } : {}),
    },
  };
}

export function virtualHost(
  ctx: TranslateContext,
  service: MeshService,
  port: number,
): EnvoyMessage {
  const dnsDomain = proxyDnsDomain(ctx.proxy.namespace, ctx.model.domainSuffix);
  const vs = virtualServiceFor(service, ctx.scope.virtualServices);
  let routes: EnvoyMessage[] = [];
  if (vs) {
    const target: RouteTarget = {
      port,
      vsNamespace: vs.namespace,
      domainSuffix: ctx.model.domainSuffix,
      proxyLabels: ctx.proxy.labels,
      proxyNamespace: ctx.proxy.namespace,
      serviceOf: (host) => ctx.model.serviceByHost(host, ctx.proxy.namespace),
      hashPolicyFor: (host) => hashPolicy(ctx, host),
    };
    for (const rule of (vs.spec.http ?? []) as HttpRuleSpec[])
      routes.push(...routesOfRule(rule, target));
  } else {
    routes = [defaultRoute(service, port)];
  }
  return {
    name: hostPort(service.hostname, port),
    domains: virtualHostDomains(service, port, dnsDomain),
    routes,
  };
}

/** Route hash policy for a DestinationRule's consistentHash on an HTTP header (ring hash). */
function hashPolicy(ctx: TranslateContext, host: string): EnvoyMessage[] | undefined {
  const rule = ctx.model.destinationRuleFor(ctx.proxy, host);
  const header = rule?.spec.trafficPolicy?.loadBalancer?.consistentHash?.httpHeaderName;
  return header ? [{ header: { headerName: header } }] : undefined;
}

export function proxylessRouteConfigs(ctx: TranslateContext): GeneratedResource[] {
  const byPort = new Map<number, MeshService[]>();
  for (const s of ctx.scope.services)
    for (const p of s.ports) byPort.set(p.port, [...(byPort.get(p.port) ?? []), s]);
  const out: GeneratedResource[] = [];
  for (const [port, services] of byPort) {
    const virtualHosts = services.map((svc) => virtualHost(ctx, svc, port));
    for (const s of services) {
      const name = hostPort(s.hostname, port);
      out.push({ name, message: { name, virtualHosts } });
    }
  }
  return out;
}
