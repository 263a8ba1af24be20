// Small readers for untyped parsed YAML, and the sink that rules report problems into.

import type { PathPart } from "../field-path.js";

export type Path = readonly PathPart[];

/** Where rules put what they find; `Report` is one, a prefixing wrapper is another. */
export interface IssueSink {
  error(path: Path | string, message: string): void;
  warn(path: Path | string, message: string): void;
}

export type Obj = Record<string, unknown>;

export function isRecord(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value as a mapping, or undefined when it is absent or not a mapping. */
export function rec(v: unknown): Obj | undefined {
  return isRecord(v) ? v : undefined;
}

/** The value as a list; absent or not-a-list gives an empty list. */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** True when a field holds something (not undefined or null). */
export function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** A mapping's entries, or none. */
export function entries(v: unknown): [string, unknown][] {
  return isRecord(v) ? Object.entries(v) : [];
}

/** Quotes a value for a message: strings in double quotes, others as JSON. */
export function q(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

/** Reports that a field is not a non-negative integer when it is set and is not one. */
export function checkNonNegativeInt(sink: IssueSink, path: Path, v: unknown, what: string): void {
  if (v === undefined || v === null) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
    sink.error(path, `${what} is ${q(v)}; it must be a whole number of 0 or more`);
}

/** Reports a percentage outside 0..100 (fractions allowed). */
export function checkPercentValue(sink: IssueSink, path: Path, v: unknown, what: string): void {
  if (v === undefined || v === null) return;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 100)
    sink.error(path, `${what} is ${q(v)}; it must be a number from 0 to 100`);
}
