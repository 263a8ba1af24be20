// google.protobuf.Struct in the form the generated encoder accepts ({fields: {k: {stringValue}}}):
// protobufjs has no JSON mapping for Struct, and a plain JSON object there is dropped silently.
// Used for Envoy metadata (filterMetadata) and transport socket `match` fields.

import type { EnvoyMessage } from "../envoy-message.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export function protoValue(v: JsonValue): EnvoyMessage {
  if (v === null) return { nullValue: "NULL_VALUE" };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "number") return { numberValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(protoValue) } };
  return { structValue: protoStruct(v) };
}

/** A JSON object as a google.protobuf.Struct message (keys sorted, as protobuf JSON does). */
export function protoStruct(o: { readonly [k: string]: JsonValue }): EnvoyMessage {
  const fields: Record<string, EnvoyMessage> = {};
  for (const k of Object.keys(o).sort()) fields[k] = protoValue(o[k]!);
  return Object.keys(fields).length > 0 ? { fields } : {};
}

/** Envoy Metadata with `filterMetadata` namespaces given as JSON. */
export function metadata(filterMetadata: Record<string, { [k: string]: JsonValue }>): EnvoyMessage {
  const out: Record<string, EnvoyMessage> = {};
  for (const k of Object.keys(filterMetadata).sort()) out[k] = protoStruct(filterMetadata[k]!);
  return { filterMetadata: out };
}
