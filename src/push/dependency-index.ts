// Config key → proxy scopes. Each scope (proxies that get the same config) records the config keys
// its output was computed from (SidecarScope.dependencies, plus whatever the coordinator adds, e.g.
// the services that select its workloads) and the egress hosts it imports. affectedScopes(request)
// answers which scopes a request can change:
//
//   every request   scopes whose recorded dependencies contain a changed key (an update or delete of
//                   something they use). An endpoint-only request stops here.
//   Service, ServiceEntry, VirtualService (added or updated, with reach): also the scopes it may
//                   have entered: exported to the scope's namespace, and some egress host of the
//                   scope matches its namespace (`ns/…` or `*/…`) and overlaps one of its hosts.
//                   Service and ServiceEntry also reach every scope of their own namespace (they may
//                   now select its workloads: inbound listeners).
//   DestinationRule (with reach): scopes it is exported to that import a host overlapping its host
//                   (any namespace), and the scopes of its own namespace (workloadSelector rules).
//   Sidecar         non-gateway scopes of its namespace (every one if in the root namespace): it
//                   may now be the one that applies. Gateways never take a Sidecar.
//   Gateway, Ingress every gateway (router) scope; so does any VirtualService change, since gateways
//                   read the VirtualServices bound to them and a scope's dependencies do not list those.
//   AuthorizationPolicy, RequestAuthentication, Secret: scopes of its namespace; every scope if in
//                   the root namespace.
//   PeerAuthentication, mesh-wide kinds, any other kind, or configKeys "all": every scope.
// Over-approximations (more scopes, never fewer): a Service or ServiceEntry reaches its whole
// namespace; any VirtualService change reaches every gateway; overlap, not exact, host matching.
// What the caller must do for this to be complete:
//   - classify with ChangeClassifier, which gives every added or updated Service, ServiceEntry,
//     VirtualService and DestinationRule its reach; for those kinds a key without reach is taken as
//     deleted (only scopes that recorded it are named);
//   - record in a scope's dependencies what it reads beyond its SidecarScope (the Services and
//     ServiceEntries selecting its workloads, for inbound; gateway-bound config for routers);
//   - after a Sidecar change, re-resolve which scope each proxy of that namespace belongs to (a new
//     Sidecar with a workloadSelector moves proxies to a new scope), not only regenerate scopes.

import { parseKeyString, type KeyString } from "../registry/config-object.js";
import { hostsOverlap } from "../registry/mesh/hosts.js";
import type { EgressHost, SidecarScope } from "../registry/mesh/sidecar-scope.js";
import { destinationHosts } from "../registry/mesh/virtual-services.js";
import type { ProxyKind } from "../xds/type-urls.js";
import { reachVisibleTo } from "./push-request-reach.js";
import type { ObjectReach, PushRequest } from "./push-request.js";

export interface ScopeDependencies {
  /** Namespace of the proxies of this scope. */
  readonly namespace: string;
  readonly proxyKind: ProxyKind;
  /** Config keys (`Kind/namespace/name`) the scope's output was computed from. */
  readonly dependencies: Iterable<KeyString>;
  /** Egress hosts it imports (`*`/`*` = everything, as with no Sidecar). */
  readonly imports: readonly EgressHost[];
}

interface ScopeEntry {
  readonly namespace: string;
  readonly proxyKind: ProxyKind;
  readonly dependencies: ReadonlySet<KeyString>;
  readonly imports: readonly EgressHost[];
  /** Namespaces named by imports (`*` included, `~` left out). */
  readonly importNamespaces: ReadonlySet<string>;
}

/**
 * The index entry for a proxy's SidecarScope (plus keys the coordinator adds). Imports are the
 * egress hosts, and `*`/host for every destination of its VirtualServices: a service with that
 * host enters the scope from any namespace that exports it (as SidecarIndex adds them).
 */
export function scopeDependenciesOf(
  scope: SidecarScope,
  proxyKind: ProxyKind,
  extraDependencies: Iterable<KeyString> = [],
  domainSuffix = "cluster.local",
): ScopeDependencies {
  const imports = new Map<string, EgressHost>();
  for (const l of scope.egress) for (const h of l.hosts) imports.set(`${h.namespace}/${h.host}`, h);
  for (const vs of scope.virtualServices)
    for (const host of destinationHosts(vs, domainSuffix))
      imports.set(`*/${host}`, { namespace: "*", host });
  return {
    namespace: scope.namespace,
    proxyKind,
    dependencies: [...scope.dependencies, ...extraDependencies],
    imports: [...imports.values()],
  };
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function deleteFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

export class DependencyIndex<S = string> {
  private readonly scopes = new Map<S, ScopeEntry>();
  private readonly byKey = new Map<KeyString, Set<S>>();
  private readonly byNamespace = new Map<string, Set<S>>();
  private readonly byImportNamespace = new Map<string, Set<S>>();
  private readonly routers = new Set<S>();
  private readonly rootNamespace: string;

  constructor(options: { rootNamespace?: string } = {}) {
    this.rootNamespace = options.rootNamespace ?? "istio-system";
  }

  /** Records (or replaces, when recomputed) what a scope depends on. */
  setScope(scope: S, deps: ScopeDependencies): void {
    this.removeScope(scope);
    const importNamespaces = new Set(
      deps.imports.map((h) => h.namespace).filter((ns) => ns !== "~"),
    );
    const entry: ScopeEntry = {
      namespace: deps.namespace,
      proxyKind: deps.proxyKind,
      dependencies: new Set(deps.dependencies),
      imports: [...deps.imports],
      importNamespaces,
    };
    this.scopes.set(scope, entry);
    for (const k of entry.dependencies) addTo(this.byKey, k, scope);
    addTo(this.byNamespace, entry.namespace, scope);
    for (const ns of importNamespaces) addTo(this.byImportNamespace, ns, scope);
    if (entry.proxyKind === "router") this.routers.add(scope);
  }

  /** Forgets a scope (its last proxy left). */
  removeScope(scope: S): void {
    const entry = this.scopes.get(scope);
    if (!entry) return;
    this.scopes.delete(scope);
    for (const k of entry.dependencies) deleteFrom(this.byKey, k, scope);
    deleteFrom(this.byNamespace, entry.namespace, scope);
    for (const ns of entry.importNamespaces) deleteFrom(this.byImportNamespace, ns, scope);
    this.routers.delete(scope);
  }

  has(scope: S): boolean {
    return this.scopes.has(scope);
  }

  get size(): number {
    return this.scopes.size;
  }

  /** Scopes whose recorded dependencies contain the key. */
  scopesDependingOn(key: KeyString): ReadonlySet<S> {
    return this.byKey.get(key) ?? new Set();
  }

  /** Number of (key, scope) pairs held: the index's size in entries, for metrics. */
  get entryCount(): number {
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }

  /** The scopes a request can change (see the top of this file). */
  affectedScopes(req: PushRequest): Set<S> {
    if (req.configKeys === "all") return new Set(this.scopes.keys());
    const out = new Set<S>();
    for (const key of req.configKeys) {
      for (const s of this.byKey.get(key) ?? []) out.add(s);
      if (!req.full) continue;
      if (this.addByKind(key, req.reach.get(key), out) === "all")
        return new Set(this.scopes.keys());
    }
    return out;
  }

  private addByKind(key: KeyString, reach: ObjectReach | undefined, out: Set<S>): "all" | void {
    const { kind, namespace } = parseKeyString(key);
    const root = namespace === this.rootNamespace;
    switch (kind) {
      case "Service":
      case "ServiceEntry":
        if (reach) {
          this.addEntrants(reach, true, out);
          this.addNamespace(reach.namespace, out, () => true);
        }
        return;
      case "VirtualService":
        // Gateways also read VirtualServices bound to them, which SidecarScope does not list.
        for (const s of this.routers) out.add(s);
        if (reach) this.addEntrants(reach, true, out);
        return;
      case "DestinationRule":
        if (reach) {
          this.addEntrants(reach, false, out);
          this.addNamespace(reach.namespace, out, () => true);
        }
        return;
      case "Sidecar":
        if (root) {
          for (const [s, e] of this.scopes) if (e.proxyKind !== "router") out.add(s);
        } else this.addNamespace(namespace, out, (e) => e.proxyKind !== "router");
        return;
      case "Gateway":
      case "Ingress":
        for (const s of this.routers) out.add(s);
        return;
      case "AuthorizationPolicy":
      case "RequestAuthentication":
      case "Secret":
        if (root) return "all";
        this.addNamespace(namespace, out, () => true);
        return;
      default:
        return "all";
    }
  }

  private addNamespace(namespace: string, out: Set<S>, keep: (e: ScopeEntry) => boolean): void {
    for (const s of this.byNamespace.get(namespace) ?? []) {
      const e = this.scopes.get(s);
      if (e && keep(e)) out.add(s);
    }
  }

  /**
   * Scopes an object with this reach may now be part of. `byOwnNamespace`: the scope's egress
   * host must name the object's namespace (services, virtual services); otherwise (destination
   * rules, which follow their host's service) any import host counts.
   */
  private addEntrants(reach: ObjectReach, byOwnNamespace: boolean, out: Set<S>): void {
    const candidates = byOwnNamespace
      ? [
          ...(this.byImportNamespace.get(reach.namespace) ?? []),
          ...(this.byImportNamespace.get("*") ?? []),
        ]
      : this.scopes.keys();
    for (const s of candidates) {
      if (out.has(s)) continue;
      const e = this.scopes.get(s);
      if (!e || !reachVisibleTo(reach, e.namespace)) continue;
      const imported = e.imports.some(
        (i) =>
          i.namespace !== "~" &&
          (!byOwnNamespace || i.namespace === "*" || i.namespace === reach.namespace) &&
          reach.hosts.some((h) => hostsOverlap(i.host, h)),
      );
      if (imported) out.add(s);
    }
  }
}
