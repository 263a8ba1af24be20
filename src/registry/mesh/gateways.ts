// Gateways and the gateway proxies they configure. As in current Istio (with
// PILOT_SCOPE_GATEWAY_TO_NAMESPACE=false), a Gateway in any namespace applies to every proxy whose
// labels its selector matches; a Gateway without a selector applies to every gateway proxy.

import type { IGateway } from "@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway";
import { keyOf, type ConfigKey, type ConfigObject } from "../config-object.js";
import { byCreationTime, selectorMatches, type Labels } from "./labels.js";

export type GatewaySpec = NonNullable<IGateway["spec"]>;

export interface IndexedGateway {
  readonly key: ConfigKey;
  /** `namespace/name`, the form VirtualService `gateways` resolve to. */
  readonly name: string;
  readonly namespace: string;
  readonly selector: Labels;
  readonly spec: GatewaySpec;
}

export class GatewayIndex {
  /** Every Gateway, oldest first. */
  readonly all: readonly IndexedGateway[];
  private readonly byName = new Map<string, IndexedGateway>();

  constructor(objects: readonly ConfigObject[]) {
    this.all = [...objects].sort(byCreationTime).map((o) => {
      const ns = o.metadata.namespace ?? "default";
      const spec = (o.body.spec ?? {}) as GatewaySpec;
      return {
        key: keyOf(o),
        name: `${ns}/${o.metadata.name}`,
        namespace: ns,
        selector: { ...(spec.selector ?? {}) },
        spec,
      };
    });
    for (const g of this.all) this.byName.set(g.name, g);
  }

  /** A Gateway by `namespace/name`. */
  byQualifiedName(name: string): IndexedGateway | undefined {
    return this.byName.get(name);
  }

  /** The Gateways whose selector matches a proxy's labels, oldest first. */
  forProxy(proxy: { labels: Labels }): IndexedGateway[] {
    return this.all.filter((g) => selectorMatches(g.selector, proxy.labels));
  }
}
