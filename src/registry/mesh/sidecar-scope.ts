// The Sidecar resource that applies to a proxy, and what it lets the proxy see. Selection, as
// Istio: the oldest Sidecar in the proxy's namespace whose workloadSelector matches the proxy's
// labels; else the namespace's oldest selector-less Sidecar; else the root namespace's
// selector-less Sidecar (where `.` then means the proxy's namespace); else none, which behaves as
// one egress listener for `*/*`. Egress hosts are `namespace/host`: namespace `.` (own), `*`
// (any), `~` (none) or a name; host an FQDN, `*` or `*.suffix`. A service (or VirtualService) is in
// scope when it is exported to the proxy's namespace and some egress host matches its namespace and
// overlaps its hostname. Services that selected VirtualServices route to are added, as Istio does.
// Gateways (kind router) never take a Sidecar: they always get the everything-visible scope.

import type { ISidecar } from "@kubernetes-models/istio/networking.istio.io/v1beta1/Sidecar";
import {
  keyOf,
  keyString,
  type ConfigKey,
  type ConfigObject,
  type KeyString,
} from "../config-object.js";
import type { DestinationRuleIndex } from "./destination-rules.js";
import { compareStrings, hostsOverlap } from "./hosts.js";
import { byCreationTime, isEmptySelector, push, selectorMatches, type Labels } from "./labels.js";
import type { MeshConfig, OutboundTrafficMode } from "./mesh-config.js";
import type { ServiceRegistry } from "./service-registry.js";
import type { MeshService } from "./types.js";
import {
  destinationHosts,
  MESH_GATEWAY,
  type IndexedVirtualService,
  type VirtualServiceIndex,
} from "./virtual-services.js";
import { isVisibleTo } from "./visibility.js";

export type SidecarSpec = NonNullable<ISidecar["spec"]>;
type EgressSpec = NonNullable<SidecarSpec["egress"]>[number];

export interface EgressHost {
  /** A namespace name, `*` (any) or `~` (none); `.` is already replaced. */
  readonly namespace: string;
  readonly host: string;
}

export interface EgressListenerScope {
  readonly port?: EgressSpec["port"];
  readonly bind?: string;
  readonly captureMode?: EgressSpec["captureMode"];
  readonly hosts: readonly EgressHost[];
  /** Services in scope, one per hostname, sorted by hostname. */
  readonly services: readonly MeshService[];
  /** VirtualServices (bound to `mesh`) in scope, in VirtualServiceIndex.forGateway order. */
  readonly virtualServices: readonly IndexedVirtualService[];
}

export interface SidecarScope {
  /** The Sidecar that applies; undefined when none does (everything visible). */
  readonly sidecar?: ConfigKey;
  /** The proxy's namespace, which the scope was computed for. */
  readonly namespace: string;
  readonly egress: readonly EgressListenerScope[];
  readonly ingress: NonNullable<SidecarSpec["ingress"]>;
  readonly outboundTrafficPolicy: {
    readonly mode: OutboundTrafficMode;
    readonly egressProxy?: NonNullable<SidecarSpec["outboundTrafficPolicy"]>["egressProxy"];
  };
  /** Union of the listeners' services (by hostname) and VirtualServices (istiod's order). */
  readonly services: readonly MeshService[];
  readonly virtualServices: readonly IndexedVirtualService[];
  /**
   * Config objects this scope's output depends on (`Kind/namespace/name`, sorted): the Sidecar,
   * the Services / ServiceEntries and VirtualServices in scope, and the DestinationRules that can
   * apply to those services from this namespace. The push layer's dependency index (config key →
   * scopes) is built from this, as istiod's SidecarScope.DependsOnConfig. Endpoint objects are not
   * listed: an EndpointSlice or Endpoints change maps to its Service's key.
   */
  readonly dependencies: readonly KeyString[];
}

/** What scope selection reads of a proxy; `kind` defaults to sidecar. */
export interface ScopeProxy {
  readonly namespace: string;
  readonly labels: Labels;
  readonly kind?: "sidecar" | "router" | "proxyless";
}

export function parseEgressHost(entry: string, scopeNamespace: string): EgressHost {
  const slash = entry.indexOf("/");
  const ns = slash < 0 ? "*" : entry.slice(0, slash);
  const host = slash < 0 ? entry : entry.slice(slash + 1);
  return { namespace: ns === "." ? scopeNamespace : ns, host };
}

function egressMatches(hosts: readonly EgressHost[], namespace: string, hostname: string): boolean {
  return hosts.some(
    (h) =>
      h.namespace !== "~" &&
      (h.namespace === "*" || h.namespace === namespace) &&
      hostsOverlap(h.host, hostname),
  );
}

export class SidecarIndex {
  private readonly withSelector = new Map<string, ConfigObject[]>();
  private readonly namespaceDefault = new Map<string, ConfigObject>();
  private readonly cache = new Map<string, SidecarScope>();

  constructor(
    sidecars: readonly ConfigObject[],
    private readonly mesh: MeshConfig,
    private readonly registry: ServiceRegistry,
    private readonly virtualServices: VirtualServiceIndex,
    private readonly destinationRules: DestinationRuleIndex,
    private readonly domainSuffix: string,
  ) {
    for (const o of [...sidecars].sort(byCreationTime)) {
      const ns = o.metadata.namespace ?? "default";
      const selector = (o.body.spec as SidecarSpec | undefined)?.workloadSelector?.labels;
      if (!isEmptySelector(selector)) push(this.withSelector, ns, o);
      else if (!this.namespaceDefault.has(ns)) this.namespaceDefault.set(ns, o);
    }
  }

  /** The Sidecar object that applies to a proxy, if any (never to gateways, as in Istio). */
  sidecarFor(proxy: ScopeProxy): ConfigObject | undefined {
    if (proxy.kind === "router") return undefined;
    const selected = (this.withSelector.get(proxy.namespace) ?? []).find((o) =>
      selectorMatches((o.body.spec as SidecarSpec).workloadSelector?.labels, proxy.labels),
    );
    return (
      selected ??
      this.namespaceDefault.get(proxy.namespace) ??
      this.namespaceDefault.get(this.mesh.rootNamespace)
    );
  }

  /** The scope of a proxy; computed once per (Sidecar, namespace) and shared. */
  scopeFor(proxy: ScopeProxy): SidecarScope {
    const sidecar = this.sidecarFor(proxy);
    const cacheKey = `${sidecar ? `${sidecar.metadata.namespace}/${sidecar.metadata.name}` : ""}|${proxy.namespace}`;
    let scope = this.cache.get(cacheKey);
    if (!scope) this.cache.set(cacheKey, (scope = this.compute(sidecar, proxy.namespace)));
    return scope;
  }

  private compute(sidecar: ConfigObject | undefined, namespace: string): SidecarScope {
    const spec = (sidecar?.body.spec ?? {}) as SidecarSpec;
    const egressSpecs: EgressSpec[] =
      spec.egress && spec.egress.length > 0 ? spec.egress : [{ hosts: ["*/*"] }];
    const egress = egressSpecs.map((e) => this.listener(e, namespace));
    const services = new Map<string, MeshService>();
    const vss = new Map<string, IndexedVirtualService>();
    for (const l of egress) {
      for (const s of l.services) if (!services.has(s.hostname)) services.set(s.hostname, s);
      for (const vs of l.virtualServices) vss.set(`${vs.namespace}/${vs.name}`, vs);
    }
    const order = new Map(
      this.virtualServices.forGateway(MESH_GATEWAY, namespace).map((vs, i) => [vs, i]),
    );
    const deps = new Set<KeyString>();
    if (sidecar) deps.add(keyString(keyOf(sidecar)));
    for (const s of services.values()) {
      for (const k of s.sources) deps.add(keyString(k));
      const rule = this.destinationRules.lookup({ namespace, labels: {} }, s.hostname, s.namespace);
      for (const k of rule?.from ?? []) deps.add(keyString(k));
    }
    for (const r of this.destinationRules.withSelectorIn(namespace))
      for (const k of r.from) deps.add(keyString(k));
    for (const vs of vss.values()) deps.add(keyString(vs.key));
    return {
      ...(sidecar ? { sidecar: keyOf(sidecar) } : {}),
      namespace,
      egress,
      ingress: spec.ingress ?? [],
      outboundTrafficPolicy: {
        mode:
          (spec.outboundTrafficPolicy?.mode as OutboundTrafficMode | undefined) ??
          this.mesh.outboundTrafficPolicy.mode,
        ...(spec.outboundTrafficPolicy?.egressProxy
          ? { egressProxy: spec.outboundTrafficPolicy.egressProxy }
          : {}),
      },
      services: [...services.values()].sort((a, b) => compareStrings(a.hostname, b.hostname)),
      virtualServices: [...vss.values()].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
      dependencies: [...deps].sort(),
    };
  }

  private listener(e: EgressSpec, namespace: string): EgressListenerScope {
    const hosts = (e.hosts ?? []).map((h) => parseEgressHost(h, namespace));
    const chosen = new Map<string, MeshService>();
    for (const s of this.candidates(hosts)) {
      if (!isVisibleTo(s.exportTo, namespace) || !egressMatches(hosts, s.namespace, s.hostname))
        continue;
      const prev = chosen.get(s.hostname);
      if (!prev || this.prefer(s, prev, namespace)) chosen.set(s.hostname, s);
    }
    const virtualServices = this.virtualServices
      .forGateway(MESH_GATEWAY, namespace)
      .filter((vs) => vs.hosts.some((h) => egressMatches(hosts, vs.namespace, h)));
    for (const vs of virtualServices)
      for (const host of destinationHosts(vs, this.domainSuffix)) {
        if (chosen.has(host)) continue;
        const candidates = this.registry
          .servicesWithHost(host)
          .filter((s) => isVisibleTo(s.exportTo, namespace));
        const s =
          candidates.find((c) => c.namespace === namespace) ??
          candidates.find((c) => c.namespace === vs.namespace) ??
          candidates[0];
        if (s) chosen.set(host, s);
      }
    return {
      ...(e.port ? { port: e.port } : {}),
      ...(e.bind ? { bind: e.bind } : {}),
      ...(e.captureMode ? { captureMode: e.captureMode } : {}),
      hosts,
      services: [...chosen.values()].sort((a, b) => compareStrings(a.hostname, b.hostname)),
      virtualServices,
    };
  }

  /**
   * The services an egress host list can match: those of the namespaces it names, or every
   * service when one host names any namespace (`*`). The choice among them does not depend on
   * their order (prefer() is a total order), so a subset gives the same scope as a full scan.
   */
  private candidates(hosts: readonly EgressHost[]): readonly MeshService[] {
    if (hosts.some((h) => h.namespace === "*")) return this.registry.services;
    const namespaces = new Set(hosts.map((h) => h.namespace).filter((ns) => ns !== "~"));
    return [...namespaces].flatMap((ns) => this.registry.servicesIn(ns));
  }

  /** For one hostname in several namespaces: the proxy's namespace, then the registry's order. */
  private prefer(candidate: MeshService, current: MeshService, namespace: string): boolean {
    if (current.namespace === namespace) return false;
    if (candidate.namespace === namespace) return true;
    const order = this.registry.servicesWithHost(candidate.hostname);
    return order.indexOf(candidate) < order.indexOf(current);
  }
}
