// Durations as Istio's YAML accepts them (protobuf Duration, also written Go style): `10s`,
// `0.5s`, `1m`, `1h`, `100ms`, `1h30m`. A bare number, a negative value or an unknown unit is wrong.

import { q, type IssueSink, type Path } from "./shape.js";

const UNIT_MS: Readonly<Record<string, number>> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000001,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/y;

/** Milliseconds in a duration string, or undefined when it is not a valid duration. */
export function parseDurationMs(text: string): number | undefined {
  if (text === "0") return undefined; // Istio wants a unit even for zero.
  let pos = 0;
  let total = 0;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? NaN);
    pos = PART.lastIndex;
  }
  return pos === 0 || !Number.isFinite(total) ? undefined : total;
}

export interface DurationOptions {
  /** Smallest allowed value in milliseconds; Istio's usual minimum is 1ms. 0 allows zero. */
  readonly minMs?: number;
  /** Istio's durations are whole milliseconds. */
  readonly wholeMs?: boolean;
  /** Field name used in messages. */
  readonly what?: string;
}

/** Checks a duration field when it is set; returns its value in ms when valid. */
export function checkDuration(
  sink: IssueSink,
  path: Path,
  value: unknown,
  opts: DurationOptions = {},
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const what = opts.what ?? "duration";
  if (typeof value !== "string") {
    sink.error(
      path,
      `${what} ${q(value)} is not a duration; write a number with a unit, e.g. 10s, 500ms, 1m`,
    );
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed.startsWith("-")) {
    sink.error(path, `${what} ${q(value)} is negative; durations must be positive, e.g. 10s`);
    return undefined;
  }
  const ms = parseDurationMs(trimmed);
  if (ms === undefined) {
    sink.error(
      path,
      `${what} ${q(value)} is not a duration; write a number with a unit (h, m, s, ms), e.g. 10s, 0.5s, 100ms`,
    );
    return undefined;
  }
  const min = opts.minMs ?? 1;
  if (ms < min) {
    sink.error(
      path,
      `${what} ${q(value)} is too short; it must be at least ${min === 1 ? "1ms" : `${min}ms`}`,
    );
    return undefined;
  }
  if ((opts.wholeMs ?? true) && Math.abs(ms - Math.round(ms)) > 1e-9) {
    sink.error(
      path,
      `${what} ${q(value)} is finer than a millisecond; only whole milliseconds are supported`,
    );
    return undefined;
  }
  return ms;
}
