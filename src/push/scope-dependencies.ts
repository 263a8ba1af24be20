// What one proxy view's config is computed from, for the dependency index: its SidecarScope's
// dependencies and imports (scopeDependenciesOf), plus what generators read beyond the scope:
//   - the Services / ServiceEntries selecting the proxy's workload (inbound listeners, clusters);
//   - delegate VirtualServices named by the VirtualServices in scope (merged into their routes;
//     a delegate has no hosts of its own, so no reach would place it);
//   - for gateways (routers), the Gateways that select them.

import { keyString, type KeyString } from "../registry/config-object.js";
import type { MeshModel } from "../registry/mesh/mesh-model.js";
import type { ProxyView } from "../registry/mesh/types.js";
import { scopeDependenciesOf, type ScopeDependencies } from "./dependency-index.js";

interface DelegateSpec {
  readonly http?: ReadonlyArray<{ readonly delegate?: { name?: string; namespace?: string } }>;
}

export function viewDependencies(model: MeshModel, view: ProxyView): ScopeDependencies {
  const scope = model.sidecarScope(view);
  const extra = new Set<KeyString>();
  for (const instance of model.instancesForProxy(view))
    for (const k of instance.service.sources) extra.add(keyString(k));
  for (const vs of scope.virtualServices) {
    for (const route of (vs.spec as DelegateSpec).http ?? []) {
      const d = route.delegate;
      if (d?.name)
        extra.add(
          keyString({
            kind: "VirtualService",
            namespace: d.namespace || vs.namespace,
            name: d.name,
          }),
        );
    }
  }
  if (view.kind === "router")
    for (const gw of model.gatewaysForProxy(view)) extra.add(keyString(gw.key));
  return scopeDependenciesOf(scope, view.kind, extra, model.domainSuffix);
}
