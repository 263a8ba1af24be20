// A push request: what must be pushed and why. Config changes become requests (see
// push-request-classify.ts); the debouncer merges requests of one burst, and the per-proxy queue
// merges the requests waiting for one proxy. Requests are immutable values: merging makes a new one.
//
// `full` false means endpoint-only: only EDS, only for the services named in `configKeys`, and no
// scope needs recomputing (istiod's incremental EDS push). `full` true means the model changed in
// a way that can change any type listed in `types` for the scopes that depend on `configKeys`
// ("all" = every scope, e.g. mesh config).

import type { KeyString } from "../registry/config-object.js";
import { TypeUrl } from "../xds/type-urls.js";

/** An xDS type URL (see src/xds/type-urls.ts). */
export type TypeUrlString = string;

/** Why a push happens, for metrics and logs (istiod's `pilot_xds_push_triggers` reasons). */
export type PushReason =
  | "endpoint" // EndpointSlice, Endpoints, Pod or WorkloadEntry changes that only move endpoints
  | "config" // an Istio config object (VirtualService, DestinationRule, Sidecar, …)
  | "service" // a Service or ServiceEntry
  | "secret" // a Secret (certificates served over SDS)
  | "mesh" // mesh config, meshNetworks or a Namespace
  | "proxy" // a proxy's own metadata or labels changed (decided by the coordinator)
  | "unknown";

/**
 * Where an object that was added or updated may now appear, so the dependency index can find
 * scopes it may have entered (scopes only list what they already contain). `hosts` are FQDNs or
 * wildcards; `exportTo` holds namespaces, or is "*" (visible everywhere).
 */
export interface ObjectReach {
  readonly namespace: string;
  readonly hosts: readonly string[];
  readonly exportTo: "*" | ReadonlySet<string>;
}

export interface PushRequest {
  /** True when the model changed beyond endpoints (scopes are recomputed); false = EDS-only. */
  readonly full: boolean;
  /** The config keys that changed (endpoint objects mapped to their Service's key), or "all". */
  readonly configKeys: ReadonlySet<KeyString> | "all";
  /** The xDS types that may have changed. */
  readonly types: ReadonlySet<TypeUrlString>;
  /** How many source events of each reason were merged into this request. */
  readonly reasons: ReadonlyMap<PushReason, number>;
  /** When the earliest merged source event happened (clock ms), for convergence metrics. */
  readonly firstEventAt: number;
  /** The config store version the request reflects (the highest merged). */
  readonly version: number;
  /**
   * Reach of the keys added or updated (after the change), by key; a key changed but absent here
   * (deleted, or reach unknown) is handled from the scopes' recorded dependencies and kind rules.
   */
  readonly reach: ReadonlyMap<KeyString, ObjectReach>;
}

export const ALL_ENVOY_TYPES: ReadonlySet<TypeUrlString> = new Set([
  TypeUrl.Cluster,
  TypeUrl.Endpoint,
  TypeUrl.Listener,
  TypeUrl.Route,
  TypeUrl.Secret,
]);

export const EDS_ONLY: ReadonlySet<TypeUrlString> = new Set([TypeUrl.Endpoint]);

/** True for a request that carries endpoint changes only (the EDS fast path). */
export function isEndpointOnly(req: PushRequest): boolean {
  return !req.full && req.types.size === 1 && req.types.has(TypeUrl.Endpoint);
}

/** A request for everything (mesh config changed, a proxy first connects, a forced push). */
export function fullPushForAll(
  reason: PushReason,
  firstEventAt: number,
  version: number,
): PushRequest {
  return {
    full: true,
    configKeys: "all",
    types: ALL_ENVOY_TYPES,
    reasons: new Map([[reason, 1]]),
    firstEventAt,
    version,
    reach: new Map(),
  };
}

function unionSets<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): ReadonlySet<T> {
  if (a === b || b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out.size === a.size ? a : out;
}

function sumReasons(
  a: ReadonlyMap<PushReason, number>,
  b: ReadonlyMap<PushReason, number>,
): ReadonlyMap<PushReason, number> {
  const out = new Map(a);
  for (const [r, n] of b) out.set(r, (out.get(r) ?? 0) + n);
  return out;
}

/** Reach by key; for a key in both, the reach of the newer request (higher version) wins. */
function mergeReach(newer: PushRequest, older: PushRequest): ReadonlyMap<KeyString, ObjectReach> {
  if (older.reach.size === 0) return newer.reach;
  if (newer.reach.size === 0) return older.reach;
  const out = new Map(older.reach);
  for (const [k, r] of newer.reach) out.set(k, r);
  return out;
}

/**
 * The request that does the work of both. Associative and commutative in everything but `reach`,
 * where the newer (higher version; on a tie, `b`) wins per key: full wins, key and type sets are
 * unioned ("all" absorbs), reason counts add up, the earliest event time and highest version are
 * kept. A key that was deleted in the newer request keeps the older reach, which only widens the
 * scopes considered (never loses one).
 */
export function mergePushRequests(a: PushRequest, b: PushRequest): PushRequest {
  const [older, newer] = a.version > b.version ? [b, a] : [a, b];
  const configKeys =
    a.configKeys === "all" || b.configKeys === "all"
      ? "all"
      : unionSets(a.configKeys, b.configKeys);
  return {
    full: a.full || b.full,
    configKeys,
    types: unionSets(a.types, b.types),
    reasons: sumReasons(a.reasons, b.reasons),
    firstEventAt: Math.min(a.firstEventAt, b.firstEventAt),
    version: Math.max(a.version, b.version),
    reach: configKeys === "all" ? new Map() : mergeReach(newer, older),
  };
}

/**
 * The request made full for some of its keys, with every Envoy type. For the coordinator, when it
 * finds that an endpoint-only change altered more than endpoints: e.g. the set of service accounts
 * behind a service changed (a SAN in its clusters; istiod's FullPush from UpdateServiceEndpoints).
 */
export function escalateToFull(req: PushRequest, keys: Iterable<KeyString>): PushRequest {
  const extra = new Set(keys);
  if (extra.size === 0) return req;
  return mergePushRequests(req, {
    full: true,
    configKeys: extra,
    types: ALL_ENVOY_TYPES,
    reasons: new Map(),
    firstEventAt: req.firstEventAt,
    version: req.version,
    reach: new Map(),
  });
}

/** Total number of source events merged into the request. */
export function eventCount(req: PushRequest): number {
  let n = 0;
  for (const c of req.reasons.values()) n += c;
  return n;
}
