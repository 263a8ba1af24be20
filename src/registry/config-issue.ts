// A problem found in configuration: which source, which object, which field, in plain words.

import { describeSource, type SourceRef } from "./config-object.js";

export type Severity = "error" | "warning";

export interface ConfigIssue {
  readonly severity: Severity;
  readonly source: SourceRef;
  /** The object the problem is in, when it could be identified. */
  readonly object?: { readonly kind: string; readonly namespace: string; readonly name: string };
  /**
   * Field path inside the object in dotted form with indices, e.g.
   * `spec.http[0].route[1].weight`; empty when the problem is the whole document.
   */
  readonly path: string;
  readonly message: string;
}

/** One line, e.g. `bad.yaml#0: VirtualService default/reviews: spec.http[0].route: weights sum to 90, not 100`. */
export function formatIssue(i: ConfigIssue): string {
  const obj = i.object
    ? ` ${i.object.kind} ${i.object.namespace ? i.object.namespace + "/" : ""}${i.object.name}:`
    : "";
  const path = i.path ? ` ${i.path}:` : "";
  const sev = i.severity === "warning" ? " warning:" : "";
  return `${describeSource(i.source)}:${sev}${obj}${path} ${i.message}`;
}
