// Workload selectors on security policies: labels without wildcards or empty keys, and not
// together with targetRef(s).

import { checkLabels } from "./labels.js";
import { entries, list, present, q, rec, type IssueSink } from "./shape.js";

export function checkPolicySelector(sink: IssueSink, spec: Record<string, unknown>): void {
  const labels = rec(spec.selector)?.matchLabels;
  for (const [key, value] of entries(labels)) {
    if (key.includes("*") || (typeof value === "string" && value.includes("*")))
      sink.error(
        ["spec", "selector", "matchLabels", key],
        `selector ${q(key)}: ${q(value)} uses '*'; wildcards are not supported in selectors`,
      );
  }
  checkLabels(sink, ["spec", "selector", "matchLabels"], labels, "selector label");
  if (present(spec.selector) && (present(spec.targetRef) || list(spec.targetRefs).length > 0))
    sink.error(["spec", "selector"], "selector and targetRef cannot both be set; use one of them");
}
