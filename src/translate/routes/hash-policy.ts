// Consistent hashing: a DestinationRule's loadBalancer.consistentHash becomes the route's
// hashPolicy (Envoy hashes per route; the cluster only says RING_HASH/MAGLEV). For a route
// destination the most specific setting wins: the subset's port-level setting, the subset's, the
// rule's port-level setting (only when the destination names its port), then the rule's. A
// service's default route uses the rule's, or its port-level setting for that port.

import type { MeshService } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import { duration, type EnvoyMessage } from "../envoy-message.js";

interface ConsistentHash {
  readonly httpHeaderName?: string;
  readonly httpCookie?: { readonly name?: string; readonly path?: string; readonly ttl?: string };
  readonly useSourceIp?: boolean;
  readonly httpQueryParameterName?: string;
}

interface TrafficPolicy {
  readonly loadBalancer?: { readonly consistentHash?: ConsistentHash };
  readonly portLevelSettings?: readonly {
    readonly port?: { readonly number?: number };
    readonly loadBalancer?: { readonly consistentHash?: ConsistentHash };
  }[];
}

function portLevel(policy: TrafficPolicy | undefined, port: number | undefined) {
  if (port === undefined) return undefined;
  return policy?.portLevelSettings?.find((s) => s.port?.number === port)?.loadBalancer
    ?.consistentHash;
}

function toHashPolicy(h: ConsistentHash | undefined): EnvoyMessage | undefined {
  if (!h) return undefined;
  if (h.httpHeaderName) return { header: { headerName: h.httpHeaderName } };
  if (h.httpCookie)
    return {
      cookie: {
        name: h.httpCookie.name ?? "",
        ...(h.httpCookie.ttl ? { ttl: duration(h.httpCookie.ttl) } : {}),
        ...(h.httpCookie.path ? { path: h.httpCookie.path } : {}),
      },
    };
  if (h.useSourceIp) return { connectionProperties: { sourceIp: true } };
  if (h.httpQueryParameterName) return { queryParameter: { name: h.httpQueryParameterName } };
  return undefined;
}

function ruleFor(ctx: TranslateContext, host: string) {
  return ctx.model.destinationRuleFor(ctx.proxy, host)?.spec as
    | { trafficPolicy?: TrafficPolicy; subsets?: { name: string; trafficPolicy?: TrafficPolicy }[] }
    | undefined;
}

/** Hash policy of a service's default route on `port`. */
export function hashPolicyForService(
  ctx: TranslateContext,
  service: MeshService,
  port: number,
): EnvoyMessage | undefined {
  const rule = ruleFor(ctx, service.hostname);
  const policy = rule?.trafficPolicy;
  const pls = policy?.portLevelSettings?.find((s) => s.port?.number === port);
  return toHashPolicy(pls?.loadBalancer?.consistentHash ?? policy?.loadBalancer?.consistentHash);
}

/** Hash policy of a route destination (host already an FQDN; port only when it names one). */
export function hashPolicyForDestination(
  ctx: TranslateContext,
  host: string,
  subset: string,
  destinationPort: number | undefined,
): EnvoyMessage | undefined {
  const rule = ruleFor(ctx, host);
  if (!rule) return undefined;
  const sub = subset ? rule.subsets?.find((s) => s.name === subset) : undefined;
  return toHashPolicy(
    portLevel(sub?.trafficPolicy, destinationPort) ??
      sub?.trafficPolicy?.loadBalancer?.consistentHash ??
      portLevel(rule.trafficPolicy, destinationPort) ??
      rule.trafficPolicy?.loadBalancer?.consistentHash,
  );
}
