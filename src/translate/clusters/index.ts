// clusters: placeholder wiring, replaced by the generator for this type.

import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";

export function generateClusters(_ctx: TranslateContext): GeneratedResource[] {
  return [];
}
