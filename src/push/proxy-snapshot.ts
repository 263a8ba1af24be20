// Model + proxy → the encoded resources the proxy should have: every generator's output for the
// proxy, each resource encoded through the shared ResourceEncoder (so equal resources are encoded
// once across proxies), grouped per xDS type; equal groups are one ResourceSet (SetInterner).

import type { MeshModel } from "../registry/mesh/mesh-model.js";
import type { ProxyView } from "../registry/mesh/types.js";
import { translateContext } from "../translate/context.js";
import { generateAll, MESSAGE_TYPE, type ResourceKind } from "../translate/index.js";
import { MapSnapshot, type ResourceSet, type ResourceSnapshot } from "../xds/encoded-resource.js";
import type { ResourceEncoder } from "./resource-encoder.js";
import { SetInterner } from "./set-interner.js";

export function typeUrlOf(kind: ResourceKind): string {
  return `type.googleapis.com/${MESSAGE_TYPE[kind]}`;
}

export function buildProxySnapshot(
  model: MeshModel,
  proxy: ProxyView,
  encoder: ResourceEncoder,
  sets: SetInterner = new SetInterner(),
): ResourceSnapshot {
  const generated = generateAll(translateContext(model, proxy));
  const typed: ResourceSet[] = [];
  for (const kind of Object.keys(generated) as ResourceKind[]) {
    const typeUrl = typeUrlOf(kind);
    typed.push(
      sets.intern(
        typeUrl,
        generated[kind].map((r) => encoder.encode(typeUrl, r.name, r.message)),
      ),
    );
  }
  return new MapSnapshot(typed);
}
