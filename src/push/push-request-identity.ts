// An endpoint-only change can still change clusters: the service accounts behind a service are
// the SANs its clusters verify (istiod's UpdateServiceEndpoints makes such a change a full push).
// The classifier catches a workload whose own account changed; a Pod added, removed or moved
// between services can change a service's set of accounts too. This compares the sets in the
// model before and after, for the services an endpoint-only request names.

import { keyString, type KeyString } from "../registry/config-object.js";
import type { MeshModel } from "../registry/mesh/mesh-model.js";

function accountsByKey(model: MeshModel, keys: ReadonlySet<KeyString>): Map<KeyString, string> {
  const sets = new Map<KeyString, Set<string>>();
  for (const service of model.registry.services) {
    for (const source of service.sources) {
      const k = keyString(source);
      if (!keys.has(k)) continue;
      let set = sets.get(k);
      if (!set) sets.set(k, (set = new Set()));
      for (const e of model.registry.endpointsOf(service))
        if (e.serviceAccount) set.add(e.serviceAccount);
    }
  }
  const out = new Map<KeyString, string>();
  for (const [k, set] of sets) out.set(k, [...set].sort().join(","));
  return out;
}

/** The keys (Services, ServiceEntries) whose set of endpoint service accounts differs. */
export function identityChangedKeys(
  before: MeshModel,
  after: MeshModel,
  keys: ReadonlySet<KeyString>,
): KeyString[] {
  const was = accountsByKey(before, keys);
  const is = accountsByKey(after, keys);
  return [...keys].filter((k) => (was.get(k) ?? "") !== (is.get(k) ?? "")).sort();
}
