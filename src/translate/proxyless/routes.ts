// Proxyless gRPC route configurations, as Istio's gRPC generator builds them: one per visible
// service port, named `FQDN:PORT` (what the API listeners name), holding the sidecar's outbound
// virtual hosts for that port (the routes generator's buildVirtualHosts, with domains in both
// `host` and `host:port` forms because gRPC matches the port). The route builder gives proxyless
// routes gRPC's timeout field (max_stream_duration). Route configs of one port share their
// virtual hosts, so they are built once per port.

import type { MeshService } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
import { egressListenerForPort } from "../routes/sidecar-routes.js";
import { buildVirtualHosts } from "../routes/virtual-hosts.js";
import { hostPort } from "./naming.js";

function virtualHostsForPort(ctx: TranslateContext, port: number): EnvoyMessage[] {
  const egress = egressListenerForPort(ctx, port);
  if (!egress) return [];
  return buildVirtualHosts(ctx, port, egress.services, egress.virtualServices, {
    ignorePort: false,
  });
}

export function proxylessRouteConfigs(ctx: TranslateContext): GeneratedResource[] {
  const byPort = new Map<number, MeshService[]>();
  for (const s of ctx.scope.services)
    for (const p of s.ports) byPort.set(p.port, [...(byPort.get(p.port) ?? []), s]);
  const out: GeneratedResource[] = [];
  for (const [port, services] of byPort) {
    const virtualHosts = virtualHostsForPort(ctx, port);
    for (const s of services) {
      const name = hostPort(s.hostname, port);
      out.push({ name, message: { name, virtualHosts } });
    }
  }
  return out;
}
