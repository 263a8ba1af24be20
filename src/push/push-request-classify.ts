// ChangeSet → PushRequest. Call classify() right after each ConfigStore.apply(), with the ChangeSet
// it returned (the classifier reads the objects' new state from the store and remembers endpoint
// ownership across calls).
//
//   EndpointSlice, Endpoints, Pod, WorkloadEntry → EDS only, for the Services / ServiceEntries
//       they belong to before or after (a workload whose service account changed makes those
//       services full: the account is a SAN in their clusters). Owned by nothing → no push.
//   MeshConfig, MeshNetworks, Namespace, ConfigMap `istio`/`istio-*` of the system namespace
//       → full for everything. Other ConfigMaps are read by nothing → no push.
//   Secret → SDS; AuthorizationPolicy, RequestAuthentication → LDS; Gateway, Ingress → LDS, RDS,
//       SDS; a DestinationRule update that leaves what listeners and routes read of it as it was
//       (destination-rule-routing.ts: e.g. a connection pool change) → CDS and EDS; anything else
//       (Service, ServiceEntry, VirtualService, DestinationRule, Sidecar, PeerAuthentication)
//       → every Envoy type, full, for that key.
// No-op updates (an annotation-only change to a Service) never get here: the store drops them.

import type { ChangeSet, ConfigStore } from "../registry/config-store.js";
import { keyOf, keyString, type ConfigKey, type KeyString } from "../registry/config-object.js";
import { TypeUrl } from "../xds/type-urls.js";
import { destinationRuleRouting } from "./destination-rule-routing.js";
import { ENDPOINT_KINDS, EndpointOwners } from "./push-request-endpoint-owners.js";
import {
  objectReach,
  PUBLIC_EXPORT_DEFAULTS,
  type ExportToDefaults,
} from "./push-request-reach.js";
import {
  ALL_ENVOY_TYPES,
  EDS_ONLY,
  fullPushForAll,
  type ObjectReach,
  type PushReason,
  type PushRequest,
  type TypeUrlString,
} from "./push-request.js";

export interface ClassifierOptions {
  /** Namespace of the mesh config ConfigMap (default istio-system). */
  readonly systemNamespace?: string;
  readonly domainSuffix?: string;
  /** Current mesh-wide exportTo defaults (e.g. `() => model.meshConfig`); default: public. */
  readonly exportToDefaults?: () => ExportToDefaults;
}

const LDS_ONLY: ReadonlySet<TypeUrlString> = new Set([TypeUrl.Listener]);
const CLUSTERS_ONLY: ReadonlySet<TypeUrlString> = new Set([TypeUrl.Cluster, TypeUrl.Endpoint]);
const SDS_ONLY: ReadonlySet<TypeUrlString> = new Set([TypeUrl.Secret]);
const GATEWAY_TYPES: ReadonlySet<TypeUrlString> = new Set([
  TypeUrl.Listener,
  TypeUrl.Route,
  TypeUrl.Secret,
]);

/** The xDS types a change of this kind can touch (never narrower than what generators read). */
export function typesForKind(kind: string): ReadonlySet<TypeUrlString> {
  switch (kind) {
    case "Secret":
      return SDS_ONLY;
    case "AuthorizationPolicy":
    case "RequestAuthentication":
      return LDS_ONLY;
    case "Gateway":
    case "Ingress":
      return GATEWAY_TYPES;
    default:
      return ALL_ENVOY_TYPES;
  }
}

function reasonForKind(kind: string): PushReason {
  switch (kind) {
    case "Service":
    case "ServiceEntry":
      return "service";
    case "Secret":
      return "secret";
    default:
      return "config";
  }
}

export class ChangeClassifier {
  private readonly owners: EndpointOwners;
  private readonly systemNamespace: string;
  private readonly domainSuffix: string;
  private readonly exportToDefaults: () => ExportToDefaults;
  /** Each DestinationRule's destinationRuleRouting fingerprint, as last classified. */
  private readonly drRouting = new Map<KeyString, string>();

  constructor(
    private readonly store: ConfigStore,
    options: ClassifierOptions = {},
  ) {
    this.owners = new EndpointOwners(store);
    this.systemNamespace = options.systemNamespace ?? "istio-system";
    this.domainSuffix = options.domainSuffix ?? "cluster.local";
    this.exportToDefaults = options.exportToDefaults ?? (() => PUBLIC_EXPORT_DEFAULTS);
    // Rules already in the store (the first snapshot) are known from the start.
    for (const o of store.list())
      if (o.kind === "DestinationRule")
        this.drRouting.set(keyString(keyOf(o)), destinationRuleRouting(o.body["spec"]));
  }

  /**
   * The request for one ChangeSet, or undefined when nothing can change for any proxy.
   * `eventAt` is when the source event happened (defaults to now at the caller).
   */
  classify(change: ChangeSet, eventAt: number): PushRequest | undefined {
    const acc = new RequestBuilder(change.version, eventAt);
    const all: ConfigKey[] = [...change.added, ...change.updated, ...change.deleted];
    for (const key of all)
      if (key.kind === "Service" || key.kind === "ServiceEntry") this.owners.selectorChanged(key);
    for (const key of all) {
      if (this.isMeshWide(key)) {
        acc.everything();
      } else if (ENDPOINT_KINDS.has(key.kind)) {
        const { owners, identityChanged } = this.owners.change(key);
        acc.endpoints(owners, identityChanged);
      } else if (key.kind === "ConfigMap") {
        continue; // not mesh config: nothing reads it
      } else {
        const obj = this.store.get(key);
        const reach = obj
          ? objectReach(obj, this.domainSuffix, this.exportToDefaults(), change.version)
          : undefined;
        const types =
          key.kind === "DestinationRule" ? this.destinationRuleTypes(key, obj?.body) : undefined;
        acc.full(keyString(key), types ?? typesForKind(key.kind), reasonForKind(key.kind), reach);
      }
    }
    return acc.build();
  }

  /** CDS and EDS when what routes read of the rule is as before; else undefined (every type). */
  private destinationRuleTypes(
    key: ConfigKey,
    body: unknown,
  ): ReadonlySet<TypeUrlString> | undefined {
    const k = keyString(key);
    const before = this.drRouting.get(k);
    if (body === undefined) {
      this.drRouting.delete(k);
      return undefined;
    }
    const now = destinationRuleRouting((body as { spec?: unknown }).spec);
    this.drRouting.set(k, now);
    return before === now ? CLUSTERS_ONLY : undefined;
  }

  private isMeshWide(key: ConfigKey): boolean {
    if (key.kind === "MeshConfig" || key.kind === "MeshNetworks" || key.kind === "Namespace")
      return true;
    return (
      key.kind === "ConfigMap" &&
      key.namespace === this.systemNamespace &&
      (key.name === "istio" || key.name.startsWith("istio-"))
    );
  }
}

/** Collects one ChangeSet's parts into one request (in one pass: a ChangeSet can be large). */
class RequestBuilder {
  private isFull = false;
  private allKeys = false;
  private readonly keys = new Set<KeyString>();
  private readonly types = new Set<TypeUrlString>();
  private readonly reasons = new Map<PushReason, number>();
  private readonly reach = new Map<KeyString, ObjectReach>();

  constructor(
    private readonly version: number,
    private readonly eventAt: number,
  ) {}

  everything(): void {
    this.isFull = true;
    this.allKeys = true;
    for (const t of ALL_ENVOY_TYPES) this.types.add(t);
    this.count("mesh");
  }

  /** One endpoint object's change: EDS for its owners, or everything if their identity changed. */
  endpoints(owners: readonly KeyString[], identityChanged: boolean): void {
    if (owners.length === 0) return;
    for (const o of owners) this.keys.add(o);
    if (identityChanged) {
      this.isFull = true;
      for (const t of ALL_ENVOY_TYPES) this.types.add(t);
    } else this.types.add(TypeUrl.Endpoint);
    this.count("endpoint");
  }

  full(
    key: KeyString,
    types: ReadonlySet<TypeUrlString>,
    reason: PushReason,
    reach?: ObjectReach,
  ): void {
    this.isFull = true;
    this.keys.add(key);
    for (const t of types) this.types.add(t);
    if (reach) this.reach.set(key, reach);
    this.count(reason);
  }

  build(): PushRequest | undefined {
    if (this.reasons.size === 0) return undefined;
    if (this.allKeys) {
      const req = fullPushForAll("mesh", this.eventAt, this.version);
      return { ...req, reasons: this.reasons };
    }
    if (this.keys.size === 0) return undefined;
    return {
      full: this.isFull,
      configKeys: this.keys,
      types: this.isFull ? this.types : EDS_ONLY,
      reasons: this.reasons,
      firstEventAt: this.eventAt,
      version: this.version,
      reach: this.reach,
    };
  }

  private count(reason: PushReason): void {
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }
}
