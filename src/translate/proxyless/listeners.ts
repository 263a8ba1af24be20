// Proxyless gRPC API listeners: one per visible service port and per host form a client may dial
// (see naming.ts), each an HttpConnectionManager that takes its routes over RDS from the route
// configuration `FQDN:PORT`, with the HTTP filters gRPC implements: fault, then router.

import type { TranslateContext } from "../context.js";
import { typed, type EnvoyMessage, type GeneratedResource } from "../envoy-message.js";
import { hostPort, listenerHosts, proxyDnsDomain } from "./naming.js";

const HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

export const ADS_CONFIG_SOURCE: EnvoyMessage = { ads: {}, resourceApiVersion: "V3" };

export const GRPC_HTTP_FILTERS: readonly EnvoyMessage[] = [
  {
    name: "envoy.filters.http.fault",
    typedConfig: typed("envoy.extensions.filters.http.fault.v3.HTTPFault", {}),
  },
  {
    name: "envoy.filters.http.router",
    typedConfig: typed("envoy.extensions.filters.http.router.v3.Router", {}),
  },
];

export function proxylessListeners(ctx: TranslateContext): GeneratedResource[] {
  const dnsDomain = proxyDnsDomain(ctx.proxy.namespace, ctx.model.domainSuffix);
  const out: GeneratedResource[] = [];
  for (const service of ctx.scope.services) {
    const address = service.addresses[0] ?? "0.0.0.0";
    for (const host of listenerHosts(service, dnsDomain))
      for (const p of service.ports) {
        const name = hostPort(host, p.port);
        out.push({
          name,
          message: {
            name,
            address: { socketAddress: { address, portValue: p.port } },
            apiListener: {
              apiListener: typed(HCM, {
                // gRPC ignores it, but Envoy's proto rules require a non-empty stat prefix.
                statPrefix: name,
                httpFilters: GRPC_HTTP_FILTERS,
                rds: {
                  configSource: ADS_CONFIG_SOURCE,
                  routeConfigName: hostPort(service.hostname, p.port),
                },
              }),
            },
          },
        });
      }
  }
  return out;
}
