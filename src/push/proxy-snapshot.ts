// Model + proxy → the encoded resources the proxy should have: every generator's output for the
// proxy, each resource encoded through the shared ResourceEncoder (so equal resources are encoded
// once across proxies), grouped per xDS type.

import type { MeshModel } from "../registry/mesh/mesh-model.js";
import type { ProxyView } from "../registry/mesh/types.js";
import { translateContext } from "../translate/context.js";
import { generateAll, MESSAGE_TYPE, type ResourceKind } from "../translate/index.js";
import { MapSnapshot, ResourceSet, type ResourceSnapshot } from "../xds/encoded-resource.js";
import type { ResourceEncoder } from "./resource-encoder.js";

export function typeUrlOf(kind: ResourceKind): string {
  return `type.googleapis.com/${MESSAGE_TYPE[kind]}`;
}

export function buildProxySnapshot(
  model: MeshModel,
  proxy: ProxyView,
  encoder: ResourceEncoder,
): ResourceSnapshot {
  const generated = generateAll(translateContext(model, proxy));
  const sets: ResourceSet[] = [];
  for (const kind of Object.keys(generated) as ResourceKind[]) {
    const typeUrl = typeUrlOf(kind);
    sets.push(
      new ResourceSet(
        typeUrl,
        generated[kind].map((r) => encoder.encode(typeUrl, r.name, r.message)),
      ),
    );
  }
  return new MapSnapshot(sets);
}
