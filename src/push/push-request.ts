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
  /** Config store version the reach was read at; of two for one key, the higher wins. */
  readonly version: number;
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

/**
 * Folds any number of requests into one in time linear in their total size (merging pairwise
 * would copy the growing key set at every step: quadratic for a burst). The rules, which make the
 * fold associative and commutative: full wins; key and type sets are unioned ("all" absorbs every
 * key); reason counts add up; the earliest event time and the highest version are kept; per key,
 * the reach read at the highest store version wins (a key deleted later keeps its older reach,
 * which only widens the scopes considered).
 */
export class PushRequestMerger {
  private only: PushRequest | undefined;
  private merging = false;
  private full = false;
  private all = false;
  private readonly keys = new Set<KeyString>();
  private readonly types = new Set<TypeUrlString>();
  private readonly reasons = new Map<PushReason, number>();
  private readonly reach = new Map<KeyString, ObjectReach>();
  private firstEventAt = Number.POSITIVE_INFINITY;
  private version = Number.NEGATIVE_INFINITY;

  add(req: PushRequest): this {
    if (this.only === undefined && !this.merging) {
      this.only = req; // one request needs no copying
      return this;
    }
    if (this.only !== undefined) {
      this.absorb(this.only);
      this.only = undefined;
      this.merging = true;
    }
    this.absorb(req);
    return this;
  }

  get isEmpty(): boolean {
    return this.only === undefined && !this.merging;
  }

  /** The merged request (a snapshot: adding more later does not change it). */
  build(): PushRequest {
    if (this.only !== undefined) return this.only;
    if (!this.merging) throw new Error("PushRequestMerger.build: nothing added");
    return {
      full: this.full,
      configKeys: this.all ? "all" : new Set(this.keys),
      types: new Set(this.types),
      reasons: new Map(this.reasons),
      firstEventAt: this.firstEventAt,
      version: this.version,
      reach: new Map(this.reach),
    };
  }

  private absorb(req: PushRequest): void {
    this.full ||= req.full;
    if (req.configKeys === "all") {
      this.all = true;
      this.keys.clear();
      this.reach.clear();
    } else if (!this.all) {
      for (const k of req.configKeys) this.keys.add(k);
      for (const [k, r] of req.reach) {
        const seen = this.reach.get(k);
        if (seen === undefined || seen.version <= r.version) this.reach.set(k, r);
      }
    }
    for (const t of req.types) this.types.add(t);
    for (const [r, n] of req.reasons) this.reasons.set(r, (this.reasons.get(r) ?? 0) + n);
    this.firstEventAt = Math.min(this.firstEventAt, req.firstEventAt);
    this.version = Math.max(this.version, req.version);
  }
}

/** The request that does the work of both (see PushRequestMerger for the rules). */
export function mergePushRequests(a: PushRequest, b: PushRequest): PushRequest {
  return new PushRequestMerger().add(a).add(b).build();
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
