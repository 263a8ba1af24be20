// VirtualServices, indexed by the gateway they bind to (`mesh` for sidecars). Hosts are completed
// in the VirtualService's namespace, gateway names resolved to `namespace/name`, exportTo parsed.
// Lookups return them in istiod's order (see forGateway).

import type { IVirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { keyOf, type ConfigKey, type ConfigObject } from "../config-object.js";
import { hostsOverlap, resolveShortName } from "./hosts.js";
import { byCreationTime, push } from "./labels.js";
import type { MeshConfig } from "./mesh-config.js";
import type { Visibility } from "./types.js";
import { isVisibleTo, parseExportTo } from "./visibility.js";

export type VirtualServiceSpec = NonNullable<IVirtualService["spec"]>;

/** The reserved gateway name that means "every sidecar". */
export const MESH_GATEWAY = "mesh";

export interface IndexedVirtualService {
  readonly key: ConfigKey;
  readonly namespace: string;
  readonly name: string;
  /** Hosts with short names completed in the VirtualService's namespace. */
  readonly hosts: readonly string[];
  /** `mesh` or `namespace/name`; `mesh` alone when the spec names none. */
  readonly gateways: readonly string[];
  readonly exportTo: Visibility;
  /** The spec as written (hosts inside it are not rewritten). */
  readonly spec: VirtualServiceSpec;
  readonly creationTimestamp: string;
}

/**
 * `gw` → `<configNamespace>/gw`; `ns/gw` stays; the legacy FQDN form `gw.ns.svc.cluster.local` →
 * `ns/gw`; `mesh` stays.
 */
export function resolveGatewayName(name: string, configNamespace: string): string {
  if (name === MESH_GATEWAY) return name;
  if (name.includes("/")) {
    const [ns, gw] = name.split("/", 2);
    return `${ns === "." ? configNamespace : ns}/${gw}`;
  }
  if (name.includes(".")) {
    const parts = name.split(".");
    return `${parts[1]}/${parts[0]}`;
  }
  return `${configNamespace}/${name}`;
}

/** Every destination host of a VirtualService's routes and mirrors, completed in its namespace. */
export function destinationHosts(vs: IndexedVirtualService, domainSuffix: string): string[] {
  const out = new Set<string>();
  const add = (h: string | undefined) => {
    if (h) out.add(resolveShortName(h, vs.namespace, domainSuffix));
  };
  for (const r of vs.spec.http ?? []) {
    for (const d of r.route ?? []) add(d.destination?.host);
    add(r.mirror?.host);
    // `mirrors` (Istio 1.19+) is newer than the published schema types.
    const mirrors = (r as { mirrors?: { destination?: { host?: string } }[] }).mirrors;
    for (const m of mirrors ?? []) add(m.destination?.host);
  }
  for (const r of [...(vs.spec.tcp ?? []), ...(vs.spec.tls ?? [])])
    for (const d of r.route ?? []) add(d.destination?.host);
  return [...out].sort();
}

export class VirtualServiceIndex {
  readonly all: readonly IndexedVirtualService[];
  private readonly byGateway = new Map<string, IndexedVirtualService[]>();

  constructor(objects: readonly ConfigObject[], mesh: MeshConfig, domainSuffix: string) {
    this.all = [...objects].sort(byCreationTime).map((o) => {
      const ns = o.metadata.namespace ?? "default";
      const spec = (o.body.spec ?? {}) as VirtualServiceSpec;
      const gateways =
        spec.gateways && spec.gateways.length > 0
          ? [...new Set(spec.gateways.map((g) => resolveGatewayName(g, ns)))]
          : [MESH_GATEWAY];
      return {
        key: keyOf(o),
        namespace: ns,
        name: o.metadata.name,
        hosts: (spec.hosts ?? []).map((h) => resolveShortName(h, ns, domainSuffix)),
        gateways,
        exportTo: parseExportTo(spec.exportTo, ns, mesh.defaultVirtualServiceExportTo),
        spec,
        creationTimestamp: o.metadata.creationTimestamp ?? "",
      };
    });
    for (const vs of this.all) for (const g of vs.gateways) push(this.byGateway, g, vs);
  }

  /**
   * VirtualServices bound to `gateway` (`mesh` or `namespace/name`) that namespace
   * `proxyNamespace` may see, in istiod's order (which decides who wins a host): those of the
   * namespace itself that are not public, then those other namespaces export to it by name, then
   * the public ones; oldest first within each group.
   */
  forGateway(gateway: string, proxyNamespace: string): IndexedVirtualService[] {
    const rank = (vs: IndexedVirtualService) =>
      vs.exportTo.all ? 2 : vs.namespace === proxyNamespace ? 0 : 1;
    return (this.byGateway.get(gateway) ?? [])
      .filter((vs) => isVisibleTo(vs.exportTo, proxyNamespace))
      .map((vs, i) => ({ vs, i, r: rank(vs) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.vs);
  }

  /** Of those, the ones with a host that overlaps `host`. */
  forHost(host: string, gateway: string, proxyNamespace: string): IndexedVirtualService[] {
    return this.forGateway(gateway, proxyNamespace).filter((vs) =>
      vs.hosts.some((h) => hostsOverlap(h, host)),
    );
  }
}
