// The encode check: a message must encode with meshpilot's own encoder (the generated static code
// the xDS server sends with) and decode to what was meant. What was meant is the input in the form
// decoding yields (computed from the reflected type): empty lists and maps are not sent (fields
// set to a default value are: the static encoder writes every field it is given); enum numbers
// read back as names; floats lose precision; 64-bit integers read back as text. Anything else
// that differs was lost or changed by the encoder.

import protobuf from "protobufjs";
import { encodeEnvoyMessage } from "../../../src/xds/envoy-json.js";
import { reflectedTypeForUrl } from "./proto-root.js";
import type { Sink } from "./sink.js";

const INT64 = new Set(["int64", "sint64", "sfixed64", "uint64", "fixed64"]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function canonicalMessage(
  type: protobuf.Type,
  obj: Record<string, unknown>,
): Record<string, unknown> {
  if (type.fullName === ".google.protobuf.Any" && typeof obj["@type"] === "string") {
    const inner = reflectedTypeForUrl(obj["@type"]);
    const rest = { ...obj };
    delete rest["@type"];
    return { "@type": obj["@type"], ...(inner ? canonicalMessage(inner, rest) : rest) };
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    const v = obj[field.name];
    if (v === undefined || v === null) continue;
    if (field instanceof protobuf.MapField) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length > 0)
        out[field.name] = Object.fromEntries(
          entries.map(([k, x]) => [k, canonicalValue(field, x)]),
        );
    } else if (field.repeated) {
      if ((v as unknown[]).length > 0)
        out[field.name] = (v as unknown[]).map((x) => canonicalValue(field, x));
    } else out[field.name] = canonicalValue(field, v);
  }
  return out;
}

function canonicalValue(field: protobuf.FieldBase, v: unknown): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return isRecord(v) ? canonicalMessage(rt, v) : v;
  if (rt instanceof protobuf.Enum) return typeof v === "number" ? (rt.valuesById[v] ?? v) : v;
  if (field.type === "bytes" && v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (INT64.has(field.type)) return String(v);
  if (field.type === "float" && typeof v === "number") return Math.fround(v);
  return v;
}

function differences(sent: unknown, got: unknown, path: string, out: string[][]): void {
  if (out.length >= 5) return;
  if (isRecord(sent) && isRecord(got)) {
    for (const k of new Set([...Object.keys(sent), ...Object.keys(got)]))
      differences(sent[k], got[k], path ? `${path}.${k}` : k, out);
  } else if (Array.isArray(sent) && Array.isArray(got)) {
    for (let i = 0; i < Math.max(sent.length, got.length); i++)
      differences(sent[i], got[i], `${path}[${i}]`, out);
  } else if (sent !== got && !(Number.isNaN(sent) && Number.isNaN(got))) {
    out.push([path, `sent ${JSON.stringify(sent)}, decodes as ${JSON.stringify(got)}`]);
  }
}

/** Encodes and decodes; reports an encoder error or up to five fields that did not survive. */
export function checkRoundTrip(
  sink: Sink,
  typeUrl: string,
  type: protobuf.Type,
  message: Record<string, unknown>,
  compare: boolean,
): void {
  let decoded: unknown;
  try {
    // Decoded by reflection (not by the encoder's own static code), 64-bit integers as text.
    const bytes = encodeEnvoyMessage(typeUrl, message);
    decoded = type.toObject(type.decode(bytes), {
      json: true,
      longs: String,
      enums: String,
      bytes: String,
      defaults: false,
    });
  } catch (e) {
    sink.violation("", "encode", `meshpilot's encoder fails: ${(e as Error).message}`);
    return;
  }
  if (!compare) return;
  const diffs: string[][] = [];
  differences(canonicalMessage(type, message), decoded, "", diffs);
  for (const [path, msg] of diffs) sink.violation(path!, "round-trip", msg!);
}
