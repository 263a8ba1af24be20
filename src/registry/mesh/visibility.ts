// exportTo: which namespaces may see a Service, ServiceEntry, VirtualService or DestinationRule.
// `*` = every namespace, `.` = the object's own namespace, `~` = none, otherwise namespace names.
// When an object says nothing, the mesh-wide default (defaultServiceExportTo, …) applies.

import type { Visibility } from "./types.js";

export const PUBLIC: Visibility = { all: true, namespaces: new Set() };

export function parseExportTo(
  values: readonly string[] | undefined,
  ownNamespace: string,
  meshDefault: readonly string[],
): Visibility {
  const list = values && values.length > 0 ? values : meshDefault;
  if (list.length === 0) return PUBLIC;
  const namespaces = new Set<string>();
  let all = false;
  for (const raw of list) {
    const v = raw.trim();
    if (v === "*") all = true;
    else if (v === ".") namespaces.add(ownNamespace);
    else if (v === "~" || v === "") continue;
    else namespaces.add(v);
  }
  return { all, namespaces };
}

/** exportTo from the `networking.istio.io/exportTo` annotation of a Kubernetes Service. */
export function exportToAnnotation(annotation: string | undefined): string[] | undefined {
  if (annotation === undefined || annotation.trim() === "") return undefined;
  return annotation.split(",").map((s) => s.trim());
}

export function isVisibleTo(v: Visibility, namespace: string): boolean {
  return v.all || v.namespaces.has(namespace);
}

/** Visible only inside the object's own namespace (exportTo `.` or its own name, alone). */
export function isPrivateTo(v: Visibility, ownNamespace: string): boolean {
  return !v.all && v.namespaces.size === 1 && v.namespaces.has(ownNamespace);
}

export function sameVisibility(a: Visibility, b: Visibility): boolean {
  if (a.all !== b.all || a.namespaces.size !== b.namespaces.size) return false;
  for (const n of a.namespaces) if (!b.namespaces.has(n)) return false;
  return true;
}
