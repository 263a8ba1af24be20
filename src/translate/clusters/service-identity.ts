// What a client needs to know about a service's servers: their identities (the SANs an
// ISTIO_MUTUAL client verifies) and whether auto mTLS may be used towards them.

import type { MeshModel } from "../../registry/mesh/mesh-model.js";
import type { MeshService } from "../../registry/mesh/types.js";

// Both are pure functions of the model, memoised per model (a model is immutable): a proxy asks
// for them once per cluster, many proxies share a model.
const identityCache = new WeakMap<MeshModel, Map<string, readonly string[]>>();
const peerModeCache = new WeakMap<MeshModel, Map<string, PeerMode | undefined>>();

/** spiffe:// identities of every workload behind the service, plus ServiceEntry SANs; sorted. */
export function serviceIdentities(model: MeshModel, service: MeshService): readonly string[] {
  let cache = identityCache.get(model);
  if (!cache) identityCache.set(model, (cache = new Map()));
  const cached = cache.get(service.id);
  if (cached) return cached;
  const td = model.meshConfig.trustDomain;
  const out = new Set<string>(service.subjectAltNames);
  for (const e of model.registry.endpointsOf(service))
    if (e.serviceAccount && e.namespace)
      out.add(`spiffe://${td}/ns/${e.namespace}/sa/${e.serviceAccount}`);
  const list = [...out].sort();
  cache.set(service.id, list);
  return list;
}

type PeerMode = "STRICT" | "PERMISSIVE" | "DISABLE" | "UNSET";

function namespaceWideMode(model: MeshModel, namespace: string): PeerMode | undefined {
  let cache = peerModeCache.get(model);
  if (!cache) peerModeCache.set(model, (cache = new Map()));
  if (cache.has(namespace)) return cache.get(namespace);
  const mode = findNamespaceWideMode(model, namespace);
  cache.set(namespace, mode);
  return mode;
}

function findNamespaceWideMode(model: MeshModel, namespace: string): PeerMode | undefined {
  for (const o of model.objectsOf("PeerAuthentication")) {
    if ((o.metadata.namespace ?? "default") !== namespace) continue;
    const spec = (o.body.spec ?? {}) as {
      selector?: { matchLabels?: Record<string, string> };
      mtls?: { mode?: PeerMode };
    };
    if (Object.keys(spec.selector?.matchLabels ?? {}).length > 0) continue;
    const mode = spec.mtls?.mode ?? "UNSET";
    return mode === "UNSET" ? undefined : mode;
  }
  return undefined;
}

/**
 * The server-side mTLS mode Istio infers for a service without looking at workloads: the
 * namespace-wide PeerAuthentication of its namespace, else the mesh-wide one, else PERMISSIVE.
 */
export function inferredServiceMtlsMode(model: MeshModel, service: MeshService): PeerMode {
  return (
    namespaceWideMode(model, service.namespace) ??
    namespaceWideMode(model, model.meshConfig.rootNamespace) ??
    "PERMISSIVE"
  );
}

/** Auto mTLS applies: mesh setting on, mesh-internal, not passthrough, servers not DISABLE. */
export function autoMtlsAllowed(
  model: MeshModel,
  service: MeshService,
  passthroughLb: boolean,
): boolean {
  return (
    model.meshConfig.enableAutoMtls &&
    service.location === "MESH_INTERNAL" &&
    service.resolution !== "NONE" &&
    !passthroughLb &&
    inferredServiceMtlsMode(model, service) !== "DISABLE"
  );
}
