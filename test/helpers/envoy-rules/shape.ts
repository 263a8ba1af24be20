// Whether a plain-object value has the JS shape protobufjs `fromObject` needs for a field's type.
// A mismatch is a real bug, not a style issue: fromObject drops unknown enum names and coerces or
// ignores wrong types without an error, so the proxy would get something else than was meant.

import protobuf from "protobufjs";
import type { Sink } from "./sink.js";

const INT32_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};
const INT64 = new Set(["int64", "sint64", "sfixed64", "uint64", "fixed64"]);

/** Checks a scalar or enum value; returns false when the shape is wrong (already reported). */
export function checkScalarShape(
  sink: Sink,
  field: protobuf.FieldBase,
  value: unknown,
  path: string,
): boolean {
  const rt = field.resolvedType;
  const bad = (what: string) => {
    sink.violation(path, "type", `${JSON.stringify(value)} is not ${what}`);
    return false;
  };
  if (rt instanceof protobuf.Enum) {
    if (typeof value === "string")
      return (
        value in rt.values ||
        bad(`a value of enum ${rt.name} (${Object.keys(rt.values).join(", ")})`)
      );
    return Number.isInteger(value) || bad(`a value of enum ${rt.name}`);
  }
  const t = field.type;
  if (t === "string") return typeof value === "string" || bad("a string");
  if (t === "bool") return typeof value === "boolean" || bad("a boolean");
  if (t === "double" || t === "float") return typeof value === "number" || bad("a number");
  if (t === "bytes")
    return typeof value === "string" || value instanceof Uint8Array || bad("bytes (base64 text)");
  const range = INT32_RANGE[t];
  if (range)
    return (
      (Number.isInteger(value) && (value as number) >= range[0] && (value as number) <= range[1]) ||
      bad(`a ${t}`)
    );
  if (INT64.has(t)) {
    const ok =
      (Number.isSafeInteger(value) || (typeof value === "string" && /^-?\d+$/.test(value))) &&
      (!t.startsWith("u") && !t.startsWith("f") ? true : !String(value).startsWith("-"));
    return ok || bad(`a ${t}`);
  }
  return true;
}

/** The enum number of a value (name or number), or undefined. */
export function enumNumber(e: protobuf.Enum, value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string") return e.values[value];
  return value === undefined || value === null ? 0 : undefined;
}
