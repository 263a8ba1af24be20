// Repeated and map fields: list and map rules (min_items, max_items, unique, items; min_pairs,
// max_pairs, no_sparse, keys, values), each element's shape, and item / value rules.

import protobuf from "protobufjs";
import { subRules, type Rules } from "./annotations.js";
import { checkNumber, isNumericKind } from "./scalar-rules.js";
import type { Sink } from "./sink.js";
import { checkString } from "./string-rules.js";

/** What the message walker does with one element: check its shape, apply one FieldRules. */
export interface ValueOps {
  shape(sink: Sink, field: protobuf.FieldBase, v: unknown, path: string): boolean;
  apply(sink: Sink, field: protobuf.FieldBase, rules: Rules, v: unknown, path: string): void;
}

const isSet = (v: unknown) => v !== undefined && v !== null;
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function checkRepeated(
  sink: Sink,
  field: protobuf.Field,
  rules: Rules | undefined,
  v: unknown,
  path: string,
  ops: ValueOps,
): void {
  if (isSet(v) && !Array.isArray(v)) {
    sink.violation(path, "type", "is not a list");
    return;
  }
  const items = (v ?? []) as unknown[];
  const shapeOk = items.map((item, i) => {
    if (isSet(item)) return ops.shape(sink, field, item, `${path}[${i}]`);
    sink.violation(`${path}[${i}]`, "type", "a list item is null");
    return false;
  });
  const r = subRules(rules?.["repeated"]);
  for (const kind of Object.keys(rules ?? {}))
    if (kind !== "repeated" && kind !== "message")
      sink.unchecked(path, `${kind} on a repeated field`);
  if (!r || (r["ignore_empty"] === true && items.length === 0)) return;
  if (r["min_items"] !== undefined && items.length < Number(r["min_items"]))
    sink.violation(
      path,
      "repeated.min_items",
      `has ${items.length} items; at least ${String(r["min_items"])} needed`,
    );
  if (r["max_items"] !== undefined && items.length > Number(r["max_items"]))
    sink.violation(
      path,
      "repeated.max_items",
      `has ${items.length} items; at most ${String(r["max_items"])} allowed`,
    );
  if (r["unique"] === true) {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const k = JSON.stringify(item);
      if (seen.has(k)) sink.violation(`${path}[${i}]`, "repeated.unique", `${k} appears twice`);
      seen.add(k);
    });
  }
  const itemRules = subRules(r["items"]);
  if (itemRules)
    items.forEach((item, i) => {
      if (shapeOk[i]) ops.apply(sink, field, itemRules, item, `${path}[${i}]`);
    });
  for (const k of Object.keys(r))
    if (!["min_items", "max_items", "unique", "items", "ignore_empty"].includes(k))
      sink.unchecked(path, `repeated.${k}`);
}

export function checkMap(
  sink: Sink,
  field: protobuf.MapField,
  rules: Rules | undefined,
  v: unknown,
  path: string,
  ops: ValueOps,
): void {
  if (isSet(v) && !isRecord(v)) {
    sink.violation(path, "type", "is not a map (object)");
    return;
  }
  const entries = Object.entries((v ?? {}) as Record<string, unknown>);
  const at = (k: string) => `${path}[${JSON.stringify(k)}]`;
  const badShape = new Set<string>();
  for (const [k, val] of entries) {
    if (!isSet(val)) sink.violation(at(k), "map.no_sparse", "a map value is null");
    else if (!ops.shape(sink, field, val, at(k))) badShape.add(k);
  }
  const r = subRules(rules?.["map"]);
  if (!r || (r["ignore_empty"] === true && entries.length === 0)) return;
  if (r["min_pairs"] !== undefined && entries.length < Number(r["min_pairs"]))
    sink.violation(
      path,
      "map.min_pairs",
      `has ${entries.length} entries; at least ${String(r["min_pairs"])} needed`,
    );
  if (r["max_pairs"] !== undefined && entries.length > Number(r["max_pairs"]))
    sink.violation(
      path,
      "map.max_pairs",
      `has ${entries.length} entries; at most ${String(r["max_pairs"])} allowed`,
    );
  const keyRules = subRules(r["keys"]);
  const valueRules = subRules(r["values"]);
  for (const [k, val] of entries) {
    for (const [kind, kr] of Object.entries(keyRules ?? {})) {
      if (kind === "string") checkString(sink, at(k), subRules(kr) ?? {}, k);
      else if (isNumericKind(kind)) checkNumber(sink, at(k), kind, subRules(kr) ?? {}, Number(k));
      else sink.unchecked(path, `map.keys.${kind}`);
    }
    if (valueRules && !badShape.has(k)) ops.apply(sink, field, valueRules, val, at(k));
  }
  for (const k of Object.keys(r))
    if (!["min_pairs", "max_pairs", "no_sparse", "keys", "values", "ignore_empty"].includes(k))
      sink.unchecked(path, `map.${k}`);
}
