// The next mesh model from the previous one, for the change that dominates a live mesh: endpoints
// moving. When every changed key is an EndpointSlice or an Endpoints object, only the endpoints
// of the Services they belong to (before or after the change) are rebuilt; services, Sidecar
// scopes, VirtualService and DestinationRule indexes, gateways, workloads and mesh settings are
// the previous model's objects. Nothing else in the model reads those two kinds: a Service's
// endpoints come from its slices, else its Endpoints, else Pods (kube-endpoints.ts), and Sidecar
// scopes read services, not endpoints. Any other change (Pods and WorkloadEntries included: they
// feed workloads, identities and ServiceEntry endpoints) builds the model whole. The result is a
// new MeshModel object, so every cache keyed by the model (generation memo, identities) starts
// empty. test/registry/mesh-model-update.test.ts checks the generated output equals a full build.

import { keyOf, keyString, type ConfigKey, type ConfigObject } from "../config-object.js";
import type { Kind } from "../kinds.js";
import { kubernetesServiceEndpoints, SERVICE_NAME_LABEL } from "./kube-endpoints.js";
import { byCreationTime, push } from "./labels.js";
import { buildMeshModel, MeshModel } from "./mesh-model.js";
import { ProxyInstanceIndex } from "./proxy-instances.js";
import { clusterIdOf } from "./services.js";
import type { WorkloadEndpoint } from "./types.js";

const ENDPOINT_OBJECT_KINDS: ReadonlySet<Kind> = new Set(["EndpointSlice", "Endpoints"]);

/** `namespace/serviceName` an EndpointSlice or Endpoints object feeds (undefined: none). */
function serviceOf(o: ConfigObject): string | undefined {
  const ns = o.metadata.namespace ?? "default";
  const name = o.kind === "Endpoints" ? o.metadata.name : o.metadata.labels?.[SERVICE_NAME_LABEL];
  return name ? `${ns}/${name}` : undefined;
}

/**
 * The model of `objects` (the whole new object list), given the model of the objects before and
 * the keys added, updated or deleted since.
 */
export function updateMeshModel(
  previous: MeshModel,
  objects: readonly ConfigObject[],
  changed: readonly ConfigKey[],
): MeshModel {
  const options = previous.buildContext.options;
  if (!changed.every((k) => ENDPOINT_OBJECT_KINDS.has(k.kind)))
    return buildMeshModel(objects, options);
  if (changed.length === 0) return previous;

  const byKind = new Map(previous.byKind);
  const kinds = new Set(changed.map((k) => k.kind));
  for (const kind of kinds)
    byKind.set(kind, objects.filter((o) => o.kind === kind).sort(byCreationTime));
  const affected = new Set<string>();
  for (const k of changed) {
    const kind = k.kind;
    const key = keyString(k);
    for (const list of [previous.objectsOf(kind), byKind.get(kind) ?? []]) {
      const o = list.find((x) => keyString(keyOf(x)) === key);
      const svc = o && serviceOf(o);
      if (svc) affected.add(svc);
    }
  }

  const slices = new Map<string, ConfigObject[]>();
  const endpoints = new Map<string, ConfigObject[]>();
  for (const kind of ["EndpointSlice", "Endpoints"] as const)
    for (const o of byKind.get(kind) ?? []) {
      const svc = serviceOf(o);
      if (svc && affected.has(svc)) push(kind === "EndpointSlice" ? slices : endpoints, svc, o);
    }
  const ctx = previous.buildContext;
  const src = {
    slices,
    endpoints,
    workloads: previous.workloads,
    clusterIdOf: (o: ConfigObject) => clusterIdOf(o, ctx.services),
  };
  const replaced = new Map<string, WorkloadEndpoint[]>();
  for (const svcKey of affected) {
    const svc = previous.registry.byServiceId(`Service/${svcKey}`);
    if (svc)
      replaced.set(
        svc.id,
        kubernetesServiceEndpoints(ctx.endpoints, src, svc, ctx.services.defaultClusterId),
      );
  }
  const registry = previous.registry.withEndpoints(replaced);
  return new MeshModel(
    previous.domainSuffix,
    previous.clusterId,
    previous.meshConfig,
    previous.meshNetworks,
    previous.problems,
    registry,
    previous.workloads,
    previous.virtualServices,
    previous.destinationRules,
    previous.sidecars,
    previous.gateways,
    new ProxyInstanceIndex(registry, previous.workloads),
    byKind,
    ctx,
  );
}
