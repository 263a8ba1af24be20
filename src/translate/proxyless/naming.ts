// Names of proxyless gRPC resources, as Istio's grpcgen spells them: listeners `HOST:PORT` (the
// target of `xds:///HOST:PORT`), route configs `FQDN:PORT`, clusters `outbound|PORT|SUBSET|FQDN`.

import type { MeshService } from "../../registry/mesh/types.js";

export function clusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

export function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The proxy's DNS domain: `<namespace>.svc.<domainSuffix>`, as in its node id. */
export function proxyDnsDomain(proxyNamespace: string, domainSuffix: string): string {
  return `${proxyNamespace}.svc.${domainSuffix}`;
}

/**
 * The host forms a gRPC client may dial a service by. Istio expands a requested short name only
 * relative to the client's own DNS domain: `foo`, `foo.<ns>` and `foo.<ns>.svc` reach
 * `foo.<ns>.svc.<suffix>` only from a client in `<ns>`; from elsewhere only the FQDN works.
 */
export function listenerHosts(service: MeshService, dnsDomain: string): string[] {
  const host = service.hostname;
  const hosts = [host];
  if (!host.endsWith(`.${dnsDomain}`)) return hosts;
  const short = host.slice(0, host.length - dnsDomain.length - 1);
  if (short.includes(".")) return hosts;
  const [ns] = dnsDomain.split(".");
  hosts.push(short, `${short}.${ns}`, `${short}.${ns}.svc`);
  return hosts.sort();
}

/**
 * Domains of a service's virtual host for a client in `dnsDomain`: the FQDN, the shorter names
 * that share the client's DNS domain, and the service addresses, each with and without the port.
 */
export function virtualHostDomains(
  service: MeshService,
  port: number,
  dnsDomain: string,
): string[] {
  const names = [service.hostname, ...alternateNames(service.hostname, dnsDomain)];
  for (const a of service.addresses) if (a !== "0.0.0.0") names.push(a);
  return names.flatMap((n) => [n, hostPort(n, port)]);
}

/** `foo.ns.svc.cluster.local` seen from `ns.svc.cluster.local`: foo, foo.ns, foo.ns.svc, ... */
function alternateNames(hostname: string, dnsDomain: string): string[] {
  const h = hostname.split(".");
  const d = dnsDomain.split(".");
  let shared = 0;
  while (
    shared < Math.min(h.length - 1, d.length) &&
    h[h.length - 1 - shared] === d[d.length - 1 - shared]
  )
    shared++;
  if (shared === 0) return [];
  const unique = h.slice(0, h.length - shared).join(".");
  const sharedParts = h.slice(h.length - shared);
  const out = [unique];
  for (let n = 1; n < sharedParts.length; n++)
    out.push([unique, ...sharedParts.slice(0, n)].join("."));
  return out;
}
