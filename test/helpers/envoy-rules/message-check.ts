// Walks a message in the plain-object form against its reflected type: unknown fields, value
// shapes, oneofs (at most one member; `(validate.required)` needs one), and every field's
// `(validate.rules)`. Nested messages are walked too, as are inline Any values (`@type`), whose
// content Envoy validates when it builds the extension they configure.

import protobuf from "protobufjs";
import {
  fieldRules,
  messageValidationDisabled,
  oneofRequired,
  subRules,
  type Rules,
} from "./annotations.js";
import { reflectedTypeForUrl, unknownTypeMessage } from "./proto-root.js";
import {
  checkAny,
  checkBool,
  checkDuration,
  checkEnum,
  checkNumber,
  checkTimestamp,
  isNumericKind,
} from "./scalar-rules.js";
import { checkScalarShape, enumNumber } from "./shape.js";
import type { Sink } from "./sink.js";
import { checkBytes, checkString } from "./string-rules.js";
import { checkMap, checkRepeated, type ValueOps } from "./collections.js";

const ANY = ".google.protobuf.Any";
const DURATION = ".google.protobuf.Duration";
const STRUCT = ".google.protobuf.Struct";
/** Wrapper types: a scalar rule on such a field applies to the wrapped value when it is set. */
const WRAPPERS = new Set(
  ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map(
    (w) => `.google.protobuf.${w}Value`,
  ),
);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
const isSet = (v: unknown) => v !== undefined && v !== null;
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export function checkMessage(sink: Sink, type: protobuf.Type, value: unknown, path: string): void {
  if (!isRecord(value)) {
    sink.violation(path, "type", `${JSON.stringify(value)} is not a ${type.name} message`);
    return;
  }
  if (type.fullName === ANY) return checkInlineAny(sink, value, path);
  if (type.fullName === STRUCT && Object.keys(value).some((k) => k !== "fields")) {
    // Envoy's JSON writes a Struct as plain JSON; protobufjs (and meshpilot's encoder) drop that.
    sink.violation(
      path,
      "type",
      "a google.protobuf.Struct written as plain JSON encodes as {} (write {fields: {key: {stringValue: …}}})",
    );
    return;
  }
  for (const key of Object.keys(value)) {
    if (value[key] === undefined || type.fields[key]) continue;
    sink.violation(
      join(path, key),
      "unknown field",
      `${type.fullName.slice(1)} has no field ${key}`,
    );
  }
  const disabled = messageValidationDisabled(type);
  for (const oneof of type.oneofsArray) {
    const members = oneof.fieldsArray.filter((f) => isSet(value[f.name])).map((f) => f.name);
    if (members.length > 1)
      sink.violation(
        join(path, members.join("|")),
        "oneof",
        `only one of ${oneof.name} may be set: ${members.join(", ")}`,
      );
    if (!disabled && members.length === 0 && oneofRequired(oneof))
      sink.violation(
        join(path, oneof.name),
        "oneof.required",
        `one of ${oneof.fieldsArray.map((f) => f.name).join(", ")} is required`,
      );
  }
  for (const field of type.fieldsArray) {
    field.resolve();
    const v = value[field.name];
    if (field.partOf && !isSet(v)) continue; // unset oneof member or proto3 optional: no rules apply
    const rules = disabled ? undefined : fieldRules(field);
    const p = join(path, field.name);
    if (isSet(v) && field.options?.["deprecated"] === true)
      sink.deprecated(p, `${type.fullName.slice(1)}.${field.name}`);
    if (field instanceof protobuf.MapField) checkMap(sink, field, rules, v, p, OPS);
    else if (field.repeated) checkRepeated(sink, field, rules, v, p, OPS);
    else {
      const shapeOk = !isSet(v) || checkShape(sink, field, v, p, rules);
      if (rules && shapeOk) applyRules(sink, field, rules, v, p);
    }
  }
}

function checkInlineAny(sink: Sink, value: Record<string, unknown>, path: string): void {
  const typeUrl = value["@type"];
  if (typeof typeUrl !== "string" || !typeUrl.includes("/")) {
    sink.violation(
      join(path, "@type"),
      "any.type",
      `an Any needs "@type": "type.googleapis.com/<message>"`,
    );
    return;
  }
  const inner = reflectedTypeForUrl(typeUrl);
  if (!inner) {
    sink.violation(join(path, "@type"), "any.type", unknownTypeMessage(typeUrl));
    return;
  }
  const rest = { ...value };
  delete rest["@type"];
  checkMessage(sink, inner, rest, path);
}

/** Checks a value's shape (walking messages); false when it is wrong (already reported). */
function checkShape(
  sink: Sink,
  field: protobuf.FieldBase,
  v: unknown,
  path: string,
  rules: Rules | undefined,
): boolean {
  if (!(field.resolvedType instanceof protobuf.Type)) return checkScalarShape(sink, field, v, path);
  if (!isRecord(v)) {
    sink.violation(
      path,
      "type",
      `${JSON.stringify(v)} is not a ${field.resolvedType.name} message`,
    );
    return false;
  }
  if (subRules(rules?.["message"])?.["skip"] !== true)
    checkMessage(sink, field.resolvedType, v, path);
  return true;
}

/** Applies one FieldRules to one value (a singular field, a list item, a map value). */
function applyRules(
  sink: Sink,
  field: protobuf.FieldBase,
  rules: Rules,
  v: unknown,
  path: string,
): void {
  const set = isSet(v);
  const typeName = field.resolvedType?.fullName ?? "";
  const wrapped = WRAPPERS.has(typeName);
  // The value a scalar rule sees: proto3 default when unset; a wrapper's content only when set.
  const scalar = wrapped
    ? set
      ? ((v as Record<string, unknown>)["value"] ?? null)
      : undefined
    : v;
  const scalarApplies = !wrapped || set;
  for (const [kind, r] of Object.entries(rules)) {
    const kr = subRules(r) ?? {};
    if (kind === "message") {
      if (kr["required"] === true && !set) sink.violation(path, "message.required", "is required");
      for (const k of Object.keys(kr))
        if (k !== "required" && k !== "skip") sink.unchecked(path, `message.${k}`);
    } else if (kind === "repeated" || kind === "map") {
      // handled by checkRepeated / checkMap
    } else if (kind === "string") {
      if (scalarApplies) checkString(sink, path, kr, typeof scalar === "string" ? scalar : "");
    } else if (isNumericKind(kind)) {
      if (scalarApplies) checkNumber(sink, path, kind, kr, scalar ?? 0);
    } else if (kind === "bool") {
      if (scalarApplies) checkBool(sink, path, kr, scalar === true);
    } else if (kind === "bytes") {
      if (scalarApplies) checkBytes(sink, path, kr, scalar);
    } else if (kind === "enum" && field.resolvedType instanceof protobuf.Enum) {
      const num = enumNumber(field.resolvedType, v);
      if (num !== undefined)
        checkEnum(sink, path, kr, num, new Set(Object.values(field.resolvedType.values)));
    } else if (kind === "duration" && typeName === DURATION) {
      checkDuration(sink, path, kr, v, set);
    } else if (kind === "timestamp") {
      checkTimestamp(sink, path, kr, set);
    } else if (kind === "any" && typeName === ANY) {
      checkAny(
        sink,
        path,
        kr,
        set ? ((v as Record<string, unknown>)["@type"] as string | undefined) : undefined,
      );
    } else sink.unchecked(path, kind);
  }
}

const OPS: ValueOps = {
  shape: (sink, field, v, path) => checkShape(sink, field, v, path, undefined),
  apply: applyRules,
};
