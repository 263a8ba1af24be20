// The unit of configuration every source produces and the store holds: one Kubernetes-style object
// (an Istio CRD, a Kubernetes kind or mesh config) plus where it came from.

import type { Kind } from "./kinds.js";

/** Where an object or a problem came from: a file and document index, or an API server. */
export interface SourceRef {
  /** Path of the YAML file, relative to the working directory when possible. */
  readonly file?: string;
  /** 0-based index of the YAML document within the file. */
  readonly docIndex?: number;
  /** 1-based line of the document's start within the file. */
  readonly line?: number;
  /** Name of the Kubernetes API server (cluster id) the object was read from. */
  readonly apiServer?: string;
}

/** Identity of an object in the mesh: kind, namespace (empty for cluster-scoped kinds) and name. */
export interface ConfigKey {
  readonly kind: Kind;
  readonly namespace: string;
  readonly name: string;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly creationTimestamp?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly uid?: string;
}

/**
 * One configuration object as read from a source. `body` holds the kind-specific part exactly as
 * written (for Istio kinds and most Kubernetes kinds `spec`; for Endpoints `subsets`; for
 * EndpointSlice `endpoints`/`ports`/`addressType`; for ConfigMap/Secret `data`) — see `bodyOf`.
 */
export interface ConfigObject {
  readonly apiVersion: string;
  readonly kind: Kind;
  readonly metadata: ObjectMeta;
  /** The whole parsed document, minus `apiVersion`, `kind` and `metadata`. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly source: SourceRef;
}

/** `Kind/namespace/name` — the string form of a ConfigKey, used as a map key everywhere. */
export type KeyString = string;

export function keyOf(o: {
  kind: Kind;
  metadata: { name: string; namespace?: string };
}): ConfigKey {
  return { kind: o.kind, namespace: o.metadata.namespace ?? "", name: o.metadata.name };
}

export function keyString(k: ConfigKey): KeyString {
  return `${k.kind}/${k.namespace}/${k.name}`;
}

export function parseKeyString(s: KeyString): ConfigKey {
  const [kind, namespace, ...rest] = s.split("/");
  return { kind: kind as Kind, namespace: namespace ?? "", name: rest.join("/") };
}

/** Human form of a source: `examples/x.yaml#2 (line 14)` or `api-server cluster1`. */
export function describeSource(s: SourceRef): string {
  if (s.apiServer !== undefined) return `api-server ${s.apiServer}`;
  if (s.file === undefined) return "<unknown source>";
  let out = s.file;
  if (s.docIndex !== undefined) out += `#${s.docIndex}`;
  if (s.line !== undefined) out += ` (line ${s.line})`;
  return out;
}
