// What every generator reads for one proxy: the model, the proxy, and (for sidecars) the Sidecar
// scope that applies. Built once per proxy scope and shared by all generators, so a generator can
// read nothing the scope key leaves out.

import type { MeshModel } from "../registry/mesh/mesh-model.js";
import type { SidecarScope } from "../registry/mesh/sidecar-scope.js";
import type { ProxyView } from "../registry/mesh/types.js";

export interface TranslateContext {
  readonly model: MeshModel;
  readonly proxy: ProxyView;
  /** The scope of services and VirtualServices the proxy sees (gateways: everything visible). */
  readonly scope: SidecarScope;
}

export function translateContext(model: MeshModel, proxy: ProxyView): TranslateContext {
  return { model, proxy, scope: model.sidecarScope(proxy) };
}
