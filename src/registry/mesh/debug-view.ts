// JSON views of the model for debug endpoints (`/debug/registryz`, `/debug/endpointz`-style):
// plain objects and arrays only (no Sets), sorted, so the same model prints the same bytes.

import type { MeshModel } from "./mesh-model.js";
import type { MeshService, Visibility, WorkloadEndpoint } from "./types.js";

/** `["*"]`, the sorted namespace list, or `["~"]` when exported nowhere. */
export function visibilityList(v: Visibility): string[] {
  if (v.all) return ["*"];
  if (v.namespaces.size === 0) return ["~"];
  return [...v.namespaces].sort();
}

export function serviceView(s: MeshService): Record<string, unknown> {
  return {
    hostname: s.hostname,
    namespace: s.namespace,
    name: s.name,
    kind: s.sourceKind,
    ports: s.ports.map((p) => ({ ...p })),
    addresses: [...s.addresses],
    clusterVIPs: Object.fromEntries(
      Object.keys(s.clusterVIPs)
        .sort()
        .map((c) => [c, [...(s.clusterVIPs[c] ?? [])]]),
    ),
    resolution: s.resolution,
    location: s.location,
    headless: s.headless,
    exportTo: visibilityList(s.exportTo),
    ...(s.selector ? { selector: { ...s.selector } } : {}),
    ...(s.externalName ? { externalName: s.externalName } : {}),
  };
}

export function endpointView(e: WorkloadEndpoint): Record<string, unknown> {
  return { ...e, labels: { ...e.labels } };
}

/** Every service with all its endpoints (any health), by hostname then namespace. */
export function registryView(model: MeshModel): Record<string, unknown>[] {
  return model.registry.services.map((s) => ({
    ...serviceView(s),
    endpoints: model.registry.endpointsOf(s).map(endpointView),
  }));
}
