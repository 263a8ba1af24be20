// Istio StringMatch: exactly one of exact / prefix / regex; regexes must be RE2.

import { checkRegex } from "./regex.js";
import { isRecord, q, type IssueSink, type Path } from "./shape.js";

const KINDS = ["exact", "prefix", "regex"] as const;

export interface StringMatchOptions {
  /** An empty match `{}` means "present" (headers, query parameters); elsewhere it is an error. */
  readonly allowEmpty?: boolean;
  /** Delegating routes cannot use regex matches. */
  readonly forbidRegex?: boolean;
  readonly what: string;
}

export function checkStringMatch(
  sink: IssueSink,
  path: Path,
  m: unknown,
  opts: StringMatchOptions,
): void {
  if (m === undefined) return;
  if (!isRecord(m)) {
    sink.error(path, `${opts.what} match must be a mapping with one of exact, prefix or regex`);
    return;
  }
  const set = KINDS.filter((k) => m[k] !== undefined && m[k] !== null);
  if (set.length > 1) {
    sink.error(
      path,
      `${opts.what} match sets ${set.join(" and ")}; use exactly one of exact, prefix or regex`,
    );
    return;
  }
  if (set.length === 0) {
    if (!opts.allowEmpty)
      sink.error(path, `${opts.what} match is empty; set one of exact, prefix or regex`);
    return;
  }
  if (m.prefix === "")
    sink.error(
      [...path, "prefix"],
      `${opts.what} prefix match is empty; give a prefix such as /api`,
    );
  if (m.regex !== undefined) {
    if (opts.forbidRegex)
      sink.error(
        [...path, "regex"],
        `${opts.what} regex match ${q(m.regex)} is not allowed in a delegating route`,
      );
    else checkRegex(sink, [...path, "regex"], m.regex, `${opts.what} regex`);
  }
}
