// The domains of a service's virtual host, as Istio generates them for a proxy: the FQDN, the
// shorter names a client in the proxy's namespace can use (Kubernetes services only: `name`,
// `name.ns.svc` and `name.ns` in the same namespace; `name.ns` and `name.ns.svc` from another),
// `*.`-prefixed copies for headless Kubernetes services, then the service's addresses. Route
// configurations set ignorePortInHostMatching, so sidecars and gateways get no `:PORT` variants;
// proxyless gRPC clients (which do not ignore the port) get each domain with and without it.

import { isIpAddress } from "../../registry/mesh/hosts.js";
import type { MeshService, ProxyView } from "../../registry/mesh/types.js";

/** `[v6]` for IPv6 addresses, as Envoy expects them in domains. */
export function ipv6Compliant(host: string): string {
  return host.includes(":") && isIpAddress(host) ? `[${host}]` : host;
}

function withPort(out: string[], domain: string, port: number | undefined): void {
  out.push(ipv6Compliant(domain));
  if (port !== undefined) out.push(`${ipv6Compliant(domain)}:${port}`);
}

/**
 * Alternative names of a Kubernetes service FQDN for a proxy whose DNS domain is
 * `<proxyNamespace>.svc.<domainSuffix>`; none for other hosts.
 */
export function altVirtualHosts(
  hostname: string,
  port: number | undefined,
  proxyNamespace: string,
  domainSuffix: string,
): string[] {
  const suffix = `.svc.${domainSuffix}`;
  if (!hostname.endsWith(suffix)) return [];
  const base = hostname.slice(0, -suffix.length); // name.ns
  const dot = base.indexOf(".");
  if (dot <= 0 || dot === base.length - 1) return [];
  const name = base.slice(0, dot);
  const ns = base.slice(dot + 1);
  const out: string[] = [];
  const names = ns === proxyNamespace ? [name, `${base}.svc`, base] : [base, `${base}.svc`];
  for (const n of names) withPort(out, n, port);
  return out;
}

/** Addresses of a service for a proxy: its cluster's VIPs, else the service's addresses. */
export function serviceAddressesFor(
  service: MeshService,
  proxy: ProxyView,
  defaultClusterId: string,
): readonly string[] {
  const vips = service.clusterVIPs[proxy.clusterId ?? defaultClusterId];
  return vips && vips.length > 0 ? vips : service.addresses;
}

export interface VirtualHostDomains {
  readonly domains: string[];
  /** The alternative (shortened) names among them. */
  readonly altHosts: string[];
}

export function virtualHostDomains(
  service: MeshService,
  port: number | undefined,
  proxy: ProxyView,
  domainSuffix: string,
  defaultClusterId: string,
): VirtualHostDomains {
  const domains: string[] = [];
  const altHosts = altVirtualHosts(service.hostname, port, proxy.namespace, domainSuffix);
  withPort(domains, service.hostname, port);
  domains.push(...altHosts);
  if (service.headless && service.sourceKind === "Service")
    for (const d of [...domains]) domains.push(`*.${d}`);
  for (const a of serviceAddressesFor(service, proxy, defaultClusterId))
    if (a !== "" && a !== "0.0.0.0" && !a.includes("/")) withPort(domains, a, port);
  return { domains, altHosts };
}
