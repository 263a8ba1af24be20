// One GenerateTask on a model: the requested xDS types of one proxy view, each resource encoded
// through the worker's ResourceEncoder (equal resources across tasks are encoded once), all Any
// bytes packed back to back into one ArrayBuffer that the worker transfers, plus the view's scope
// dependencies for the coordinator's dependency index. Unknown type URLs come back as empty sets
// (no resources of that type), as a snapshot without the type would say.

import type { MeshModel } from "../registry/mesh/mesh-model.js";
import type { ProxyView } from "../registry/mesh/types.js";
import { translateContext } from "../translate/context.js";
import { generateKind, MESSAGE_TYPE, type ResourceKind } from "../translate/index.js";
import { typeUrlOf } from "../push/proxy-snapshot.js";
import type { ResourceEncoder } from "../push/resource-encoder.js";
import { viewDependencies } from "../push/scope-dependencies.js";
import { concatAnyBytes, type EncodedResource } from "../xds/encoded-resource.js";
import type { GeneratedTypeSet, GenerateResult, GenerateTask } from "../actors/messages.js";

const KIND_OF_TYPE = new Map(
  (Object.keys(MESSAGE_TYPE) as ResourceKind[]).map((k) => [typeUrlOf(k), k]),
);

function dependenciesOf(model: MeshModel, view: ProxyView): GenerateResult["dependencies"] {
  const d = viewDependencies(model, view);
  return {
    namespace: d.namespace,
    proxyKind: d.proxyKind,
    dependencies: [...d.dependencies],
    imports: d.imports.map((h) => ({ namespace: h.namespace, host: h.host })),
  };
}

/** Packs encoded resources per type into refs + one ArrayBuffer holding every Any. */
export function packResources(
  typed: ReadonlyArray<{
    readonly typeUrl: string;
    readonly resources: readonly EncodedResource[];
  }>,
): { sets: GeneratedTypeSet[]; bytes: ArrayBuffer } {
  const { bytes, offsets } = concatAnyBytes(typed.flatMap((t) => t.resources));
  let i = 0;
  const sets = typed.map((t) => ({
    typeUrl: t.typeUrl,
    resources: t.resources.map((r) => {
      const offset = offsets[i++] ?? 0;
      return { name: r.name, version: r.version, offset, length: r.any.length };
    }),
  }));
  return { sets, bytes };
}

export function generateView(
  model: MeshModel,
  version: number,
  task: GenerateTask,
  encoder: ResourceEncoder,
): GenerateResult {
  try {
    const ctx = translateContext(model, task.view);
    const typed = task.types.map((typeUrl) => {
      const kind = KIND_OF_TYPE.get(typeUrl);
      const generated = kind ? generateKind(ctx, kind) : [];
      return {
        typeUrl,
        resources: generated.map((r) => encoder.encode(typeUrl, r.name, r.message)),
      };
    });
    const { sets, bytes } = packResources(typed);
    return {
      version,
      viewKey: task.viewKey,
      sets,
      bytes,
      dependencies: dependenciesOf(model, task.view),
    };
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    return { version, viewKey: task.viewKey, sets: [], bytes: new ArrayBuffer(0), error };
  }
}
