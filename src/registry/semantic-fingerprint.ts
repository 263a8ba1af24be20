// What about an object can change what a proxy receives. The store compares fingerprints to drop
// no-op updates: a re-applied file, a rename, or a change to bookkeeping metadata must not push
// anything to thousands of proxies (the design's "an annotation-only change to a Service must
// not push").
//
// Counts:     kind, namespace, name, the body (spec, data, subsets…), every label (selectors and
//             subsets match on them), annotations in Istio's domains (`istio.io/*`, `*.istio.io/*`,
//             e.g. `networking.istio.io/exportTo`, `sidecar.istio.io/*`), and the few Kubernetes
//             annotations Istio reads (`kubernetes.io/ingress.class`).
//             deletionTimestamp too: a terminating Pod leaves the endpoints (Kubernetes sources).
// For Istio's own kinds also creationTimestamp: istiod orders conflicting objects by it (the
//             oldest Gateway, Sidecar, DestinationRule or mesh-wide PeerAuthentication wins, and
//             policies are emitted in creation order), so a new timestamp can change the output.
// Ignored:    apiVersion (v1alpha3, v1beta1 and v1 are one stored resource), resourceVersion,
//             generation, uid, managedFields, ownerReferences, finalizers, and other annotations
//             (`kubectl.kubernetes.io/last-applied-configuration`, `description`, …), plus where
//             the object was read from.

import type { ConfigObject } from "./config-object.js";
import { KIND_INFO } from "./kinds.js";

const ISTIO_GROUPS = new Set(["networking.istio.io", "security.istio.io"]);

/** Kubernetes annotations outside Istio's domains that istiod reads. */
const BEHAVIOUR_ANNOTATIONS = new Set(["kubernetes.io/ingress.class"]);

/** True when an annotation can change what proxies receive. */
export function isBehaviourAnnotation(key: string): boolean {
  if (BEHAVIOUR_ANNOTATIONS.has(key)) return true;
  const slash = key.indexOf("/");
  if (slash < 0) return false;
  const domain = key.slice(0, slash);
  return domain === "istio.io" || domain.endsWith(".istio.io");
}

/** The parts of an object that can affect proxies, as a canonical string (equal ⇔ same effect). */
export function semanticFingerprint(o: ConfigObject): string {
  const meta = o.metadata;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.annotations ?? {}))
    if (isBehaviourAnnotation(k)) annotations[k] = v;
  const ordersByCreation = ISTIO_GROUPS.has(KIND_INFO[o.kind].group);
  return canonicalJson({
    kind: o.kind,
    namespace: meta.namespace ?? "",
    name: meta.name,
    labels: meta.labels ?? {},
    annotations,
    creationTimestamp: ordersByCreation ? (meta.creationTimestamp ?? null) : null,
    deletionTimestamp: (meta as { deletionTimestamp?: unknown }).deletionTimestamp ?? null,
    body: o.body,
  });
}

/** True when replacing `before` with `after` cannot change what any proxy receives. */
export function sameSemantics(before: ConfigObject, after: ConfigObject): boolean {
  return semanticFingerprint(before) === semanticFingerprint(after);
}

/**
 * JSON with object keys sorted at every level (array order kept, since it is meaningful: route
 * order, rule order). Keys whose value is undefined are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const rec = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(rec).sort()) {
    if (rec[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(rec[k])}`);
  }
  return `{${parts.join(",")}}`;
}
