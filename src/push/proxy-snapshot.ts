// Model + proxy → the encoded resources the proxy should have: the generators' output for the
// proxy, each resource encoded through the shared ResourceEncoder (so equal resources are encoded
// once across proxies), grouped per xDS type; equal groups are one ResourceSet (SetInterner).
// buildProxySets generates only the asked types (a DestinationRule change that only clusters
// read regenerates CDS and EDS, not listeners and routes).

import type { MeshModel } from "../registry/mesh/mesh-model.js";
import type { ProxyView } from "../registry/mesh/types.js";
import { translateContext } from "../translate/context.js";
import {
  generateAll,
  generateKind,
  MESSAGE_TYPE,
  type ProxyResources,
  type ResourceKind,
} from "../translate/index.js";
import { MapSnapshot, type ResourceSet, type ResourceSnapshot } from "../xds/encoded-resource.js";
import type { ResourceEncoder } from "./resource-encoder.js";
import { SetInterner } from "./set-interner.js";

export function typeUrlOf(kind: ResourceKind): string {
  return `type.googleapis.com/${MESSAGE_TYPE[kind]}`;
}

const KINDS = Object.keys(MESSAGE_TYPE) as ResourceKind[];
const KIND_OF_TYPE = new Map(KINDS.map((k) => [typeUrlOf(k), k]));

/** The type URLs the generators make (CDS, EDS, LDS, RDS). */
export const GENERATED_TYPES: readonly string[] = KINDS.map(typeUrlOf);

/** The sets of the asked types that generators make (others are left out). */
export function buildProxySets(
  model: MeshModel,
  proxy: ProxyView,
  typeUrls: Iterable<string>,
  encoder: ResourceEncoder,
  sets: SetInterner,
): Map<string, ResourceSet> {
  const ctx = translateContext(model, proxy);
  const out = new Map<string, ResourceSet>();
  // Proxyless output is made for every kind at once: made once here.
  let all: ProxyResources | undefined;
  for (const typeUrl of typeUrls) {
    const kind = KIND_OF_TYPE.get(typeUrl);
    if (!kind) continue;
    if (proxy.kind === "proxyless") all ??= generateAll(ctx);
    const generated = all ? all[kind] : generateKind(ctx, kind);
    const resources = generated.map((r) => encoder.encode(typeUrl, r.name, r.message));
    out.set(typeUrl, sets.intern(typeUrl, resources));
  }
  return out;
}

export function buildProxySnapshot(
  model: MeshModel,
  proxy: ProxyView,
  encoder: ResourceEncoder,
  sets: SetInterner = new SetInterner(),
): ResourceSnapshot {
  return new MapSnapshot(buildProxySets(model, proxy, GENERATED_TYPES, encoder, sets).values());
}
