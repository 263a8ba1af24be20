// Names of proxyless gRPC resources, as Istio's grpcgen spells them: listeners `HOST:PORT` (the
// target of `xds:///HOST:PORT`) and route configs `FQDN:PORT`; clusters are named as for sidecars
// (clusters/names.ts).

import type { MeshService } from "../../registry/mesh/types.js";

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
