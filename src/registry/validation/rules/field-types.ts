// Checks fields of an object without a JSON schema (MeshConfig, ProxyConfig) against a small
// table of expected value types.

import { checkDuration } from "./durations.js";
import { checkExportTo } from "./export-to.js";
import { checkPort } from "./ports.js";
import { checkNonNegativeInt, isRecord, q, type IssueSink, type Obj, type Path } from "./shape.js";

export type FieldType =
  | "boolean"
  | "string"
  | "duration"
  | "port"
  | "count"
  | "object"
  | "list"
  | "stringMap"
  | "exportTo"
  | { readonly oneOf: readonly string[] };

export type FieldTable = Readonly<Record<string, FieldType>>;

/**
 * Checks each known field's type; unknown fields get a warning (they would be ignored).
 * Returns nothing: fields needing deeper rules are checked by the caller.
 */
export function checkFieldTypes(
  sink: IssueSink,
  path: Path,
  obj: Obj,
  table: FieldTable,
  ownerName: string,
  namespace = "",
): void {
  for (const [key, value] of Object.entries(obj)) {
    const type = table[key];
    const at = [...path, key];
    if (type === undefined) {
      sink.warn(at, `${key} is not a ${ownerName} field meshpilot knows; it is ignored`);
      continue;
    }
    if (value === null) continue;
    checkValue(sink, at, key, value, type, namespace);
  }
}

function checkValue(
  sink: IssueSink,
  at: Path,
  key: string,
  value: unknown,
  type: FieldType,
  namespace: string,
): void {
  if (typeof type === "object") {
    if (typeof value !== "string" || !type.oneOf.includes(value))
      sink.error(at, `${key} is ${q(value)}; use one of ${type.oneOf.join(", ")}`);
    return;
  }
  switch (type) {
    case "boolean":
      if (typeof value !== "boolean")
        sink.error(at, `${key} is ${q(value)}; it must be true or false`);
      return;
    case "string":
      if (typeof value !== "string") sink.error(at, `${key} is ${q(value)}; it must be a string`);
      return;
    case "duration":
      checkDuration(sink, at, value, { what: key });
      return;
    case "port":
      checkPort(sink, at, value, key);
      return;
    case "count":
      checkNonNegativeInt(sink, at, value, key);
      return;
    case "object":
      if (!isRecord(value)) sink.error(at, `${key} must be a mapping`);
      return;
    case "list":
      if (!Array.isArray(value)) sink.error(at, `${key} must be a list`);
      return;
    case "stringMap":
      if (!isRecord(value) || Object.values(value).some((v) => typeof v !== "string"))
        sink.error(at, `${key} must be a mapping of strings to strings`);
      return;
    case "exportTo":
      if (!Array.isArray(value)) sink.error(at, `${key} must be a list`);
      else checkExportTo(sink, at, value, namespace);
      return;
  }
}
