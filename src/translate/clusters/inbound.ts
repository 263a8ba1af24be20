// Sidecar inbound clusters, `inbound|PORT||` per workload port. As current Istio (mesh
// inboundTrafficPolicy PASSTHROUGH, the default): ORIGINAL_DST to the address the connection was
// sent to, bound to 127.0.0.6 so iptables lets the connection through to the application, never
// cleaned up; with inboundTrafficPolicy LOCALHOST, STATIC to 127.0.0.1:PORT. With a Sidecar `ingress` listener, one cluster per
// listener port instead, STATIC when it names a defaultEndpoint (127.0.0.1:PORT, 0.0.0.0:PORT =
// the instance IP, or unix://). Only the DestinationRule's (or the Sidecar ingress') connection
// pool applies to inbound clusters.

import type { ServiceInstance } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage, GeneratedResource } from "../envoy-message.js";
import { applyConnectionPool, setUpstreamProtocol } from "./connection-pool.js";
import { finishCluster, newDraft } from "./draft.js";
import { altStatName, inboundClusterName } from "./names.js";
import { parseProtocol } from "../../registry/mesh/protocol.js";
import { metadata, type JsonValue } from "./struct.js";
import { portPolicy, type ConnectionPoolSettings, type TrafficPolicy } from "./policy.js";

/** Istio's "never" for cleanupInterval: the largest duration Envoy accepts, in whole seconds. */
const NEVER = { seconds: 9223372035, nanos: 0 };

function bindAddress(ips: readonly string[]): string {
  return ips.length > 0 && ips.every((ip) => ip.includes(":")) ? "::6" : "127.0.0.6";
}

function servicesMetadata(instances: readonly ServiceInstance[]): EnvoyMessage {
  const seen = new Set<string>();
  const services: { [k: string]: JsonValue }[] = [];
  const port = instances[0]?.servicePort.port;
  for (const i of instances) {
    if (i.servicePort.port !== port || seen.has(i.service.hostname)) continue;
    seen.add(i.service.hostname);
    services.push({
      host: i.service.hostname,
      name: i.service.name,
      namespace: i.service.namespace,
    });
  }
  return metadata({ istio: { services } });
}

interface InboundSpec {
  readonly port: number;
  readonly instances: readonly ServiceInstance[];
  readonly protocol: Parameters<typeof setUpstreamProtocol>[1];
  /** Endpoint address; "" = ORIGINAL_DST. */
  readonly bind: string;
  readonly targetPort: number;
  readonly connectionPool?: ConnectionPoolSettings;
}

function inboundCluster(ctx: TranslateContext, s: InboundSpec): EnvoyMessage {
  const name = inboundClusterName(s.port);
  const original = s.bind === "";
  const d = newDraft({
    name,
    altStatName: altStatName(name),
    type: original ? "ORIGINAL_DST" : "STATIC",
    commonLbConfig: {},
    ...(s.instances.length > 0 ? { metadata: servicesMetadata(s.instances) } : {}),
  });
  setUpstreamProtocol(d, s.protocol, true);
  applyConnectionPool(d, ctx.model.meshConfig, s.connectionPool ?? {});
  if (original) {
    d.fields.lbPolicy = "CLUSTER_PROVIDED";
    d.fields.cleanupInterval = NEVER;
    d.fields.upstreamBindConfig = {
      sourceAddress: { address: bindAddress(ctx.proxy.ips), portValue: 0 },
    };
  } else {
    const address = s.bind.startsWith("unix://")
      ? { pipe: { path: s.bind.slice("unix://".length) } }
      : { socketAddress: { address: s.bind, portValue: s.targetPort } };
    d.fields.loadAssignment = {
      clusterName: name,
      endpoints: [{ lbEndpoints: [{ endpoint: { address } }] }],
    };
    if (s.bind !== "127.0.0.1" && s.bind !== "::1" && !s.bind.startsWith("unix://"))
      d.fields.upstreamBindConfig = {
        sourceAddress: { address: bindAddress(ctx.proxy.ips), portValue: 0 },
      };
  }
  return finishCluster(d);
}

function ruleConnectionPool(
  ctx: TranslateContext,
  i: ServiceInstance,
): ConnectionPoolSettings | undefined {
  const rule = ctx.model.destinationRules.lookup(
    ctx.proxy,
    i.service.hostname,
    i.service.namespace,
  );
  return portPolicy(rule?.spec.trafficPolicy as TrafficPolicy | undefined, i.servicePort.port)
    ?.connectionPool;
}

function defaultEndpointBind(
  ctx: TranslateContext,
  endpoint: string | undefined,
): [string, number] {
  if (!endpoint) return ["", 0];
  if (endpoint.startsWith("unix://")) return [endpoint, 0];
  const colon = endpoint.lastIndexOf(":");
  const host = endpoint.slice(0, colon).replace(/^\[|\]$/g, "");
  const port = Number(endpoint.slice(colon + 1));
  if (host === "0.0.0.0")
    return [ctx.proxy.ips.find((ip) => !ip.includes(":")) ?? "127.0.0.1", port];
  if (host === "::") return [ctx.proxy.ips.find((ip) => ip.includes(":")) ?? "::1", port];
  return [host, port];
}

export function inboundClusters(ctx: TranslateContext): GeneratedResource[] {
  const instances = ctx.model.instancesForProxy(ctx.proxy);
  const specs: InboundSpec[] = [];
  if (ctx.scope.ingress.length > 0) {
    for (const ingress of ctx.scope.ingress) {
      const number = ingress.port?.number ?? 0;
      const matching = instances.filter((i) => i.targetPort === number);
      const [bind, targetPort] = defaultEndpointBind(ctx, ingress.defaultEndpoint);
      const pool =
        (ingress as { connectionPool?: ConnectionPoolSettings }).connectionPool ??
        (matching[0] ? ruleConnectionPool(ctx, matching[0]) : undefined);
      specs.push({
        port: number,
        instances: matching,
        protocol: parseProtocol(ingress.port?.protocol),
        bind,
        targetPort,
        ...(pool ? { connectionPool: pool } : {}),
      });
    }
  } else {
    const localhost =
      (ctx.model.meshConfig.raw.inboundTrafficPolicy as { mode?: string } | undefined)?.mode ===
      "LOCALHOST";
    const byPort = new Map<number, ServiceInstance[]>();
    for (const i of instances) byPort.set(i.targetPort, [...(byPort.get(i.targetPort) ?? []), i]);
    for (const [port, group] of byPort) {
      const pool = ruleConnectionPool(ctx, group[0]!);
      specs.push({
        port,
        instances: group,
        protocol: group[0]!.servicePort.protocol,
        bind: localhost ? "127.0.0.1" : "",
        targetPort: port,
        ...(pool ? { connectionPool: pool } : {}),
      });
    }
  }
  const seen = new Set<number>();
  return specs
    .filter((s) => !seen.has(s.port) && seen.add(s.port))
    .map((s) => ({ name: inboundClusterName(s.port), message: inboundCluster(ctx, s) }));
}
