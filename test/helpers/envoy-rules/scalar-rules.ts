// protoc-gen-validate rules on one value: numbers, durations, timestamps, enums, bools, Any.
// Each function gets the rules of its kind (e.g. the `string` part of a FieldRules) and the value
// as the plain-object form holds it (unset proto3 scalars arrive as their default value).

import type { Rules } from "./annotations.js";
import type { Sink } from "./sink.js";

type Num = number | bigint;

const showNumber = (v: Num): string => String(v);

/** Rules shared by every ordered kind: const, lt/lte/gt/gte (a reversed range excludes), in, not_in. */
function checkOrdered(
  sink: Sink,
  path: string,
  kind: string,
  rules: Rules,
  value: Num,
  conv: (v: unknown) => Num,
  show: (v: Num) => string,
): void {
  const shown = show(value);
  const fail = (rule: string, msg: string) => sink.violation(path, `${kind}.${rule}`, msg);
  if (rules["const"] !== undefined && value !== conv(rules["const"]))
    fail("const", `${shown} must equal ${show(conv(rules["const"]))}`);
  const lt = rules["lt"] !== undefined ? conv(rules["lt"]) : undefined;
  const lte = rules["lte"] !== undefined ? conv(rules["lte"]) : undefined;
  const gt = rules["gt"] !== undefined ? conv(rules["gt"]) : undefined;
  const gte = rules["gte"] !== undefined ? conv(rules["gte"]) : undefined;
  const upper = lt ?? lte;
  const lower = gt ?? gte;
  const belowUpper = upper === undefined || (lt !== undefined ? value < lt : value <= upper);
  const aboveLower = lower === undefined || (gt !== undefined ? value > gt : value >= lower);
  const bounds = [
    gt !== undefined ? `> ${show(gt)}` : gte !== undefined ? `>= ${show(gte)}` : "",
    lt !== undefined ? `< ${show(lt)}` : lte !== undefined ? `<= ${show(lte)}` : "",
  ].filter((b) => b !== "");
  const ruleName = [
    gt !== undefined ? "gt" : gte !== undefined ? "gte" : "",
    lt !== undefined ? "lt" : lte !== undefined ? "lte" : "",
  ]
    .filter((r) => r !== "")
    .join("/");
  if (upper !== undefined && lower !== undefined && lower > upper) {
    // Reversed range: the value must lie outside (lower, upper).
    if (!belowUpper && !aboveLower) fail(ruleName, `${shown} must be ${bounds.join(" or ")}`);
  } else if (!belowUpper || !aboveLower) fail(ruleName, `${shown} must be ${bounds.join(" and ")}`);
  const list = (k: string) => (rules[k] as unknown[] | undefined)?.map(conv);
  const inList = list("in");
  if (inList && inList.length > 0 && !inList.includes(value))
    fail("in", `${shown} must be one of ${inList.map(show).join(", ")}`);
  const notIn = list("not_in");
  if (notIn?.includes(value))
    fail("not_in", `${shown} must not be one of ${notIn.map(show).join(", ")}`);
}

const NUMERIC_KINDS = new Set([
  "float",
  "double",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
]);

export function isNumericKind(kind: string): boolean {
  return NUMERIC_KINDS.has(kind);
}

function toNumber(v: unknown): number {
  return typeof v === "string" ? Number(v) : (v as number);
}

export function checkNumber(
  sink: Sink,
  path: string,
  kind: string,
  rules: Rules,
  value: unknown,
): void {
  if (rules["ignore_empty"] === true && toNumber(value ?? 0) === 0) return;
  const n = toNumber(value ?? 0);
  checkOrdered(sink, path, kind, rules, n, toNumber, showNumber);
}

/** Duration {seconds, nanos} → nanoseconds. */
export function durationNanos(v: unknown): bigint {
  const d = (v ?? {}) as { seconds?: number | string; nanos?: number };
  return BigInt(d.seconds ?? 0) * 1_000_000_000n + BigInt(d.nanos ?? 0);
}

function showDuration(n: bigint): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const frac = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${abs / 1_000_000_000n}${frac ? `.${frac}` : ""}s`;
}

export function checkDuration(
  sink: Sink,
  path: string,
  rules: Rules,
  value: unknown,
  set: boolean,
): void {
  if (!set) {
    if (rules["required"] === true)
      sink.violation(path, "duration.required", "a duration is required");
    return;
  }
  const n = durationNanos(value);
  checkOrdered(sink, path, "duration", rules, n, durationNanos, (d) => showDuration(d as bigint));
}

export function checkTimestamp(sink: Sink, path: string, rules: Rules, set: boolean): void {
  if (!set && rules["required"] === true)
    sink.violation(path, "timestamp.required", "a timestamp is required");
  for (const k of Object.keys(rules)) if (k !== "required") sink.unchecked(path, `timestamp.${k}`);
}

export function checkEnum(
  sink: Sink,
  path: string,
  rules: Rules,
  value: number,
  defined: ReadonlySet<number>,
): void {
  if (rules["defined_only"] === true && !defined.has(value))
    sink.violation(path, "enum.defined_only", `${value} is not a defined value of the enum`);
  const rest: Record<string, unknown> = { ...rules };
  delete rest["defined_only"];
  checkOrdered(
    sink,
    path,
    "enum",
    pick(rest, ["const", "in", "not_in"]),
    value,
    toNumber,
    showNumber,
  );
}

function pick(r: Rules, keys: string[]): Rules {
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
}

export function checkBool(sink: Sink, path: string, rules: Rules, value: boolean): void {
  if (rules["const"] !== undefined && value !== rules["const"])
    sink.violation(path, "bool.const", `must be ${String(rules["const"])}`);
}

export function checkAny(
  sink: Sink,
  path: string,
  rules: Rules,
  typeUrl: string | undefined,
): void {
  if (typeUrl === undefined) {
    if (rules["required"] === true)
      sink.violation(path, "any.required", "a typed config is required");
    return;
  }
  const inList = rules["in"] as string[] | undefined;
  if (inList && inList.length > 0 && !inList.includes(typeUrl))
    sink.violation(path, "any.in", `type ${typeUrl} must be one of ${inList.join(", ")}`);
  const notIn = rules["not_in"] as string[] | undefined;
  if (notIn?.includes(typeUrl))
    sink.violation(path, "any.not_in", `type ${typeUrl} is not allowed`);
}
