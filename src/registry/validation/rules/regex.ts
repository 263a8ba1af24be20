// Regular expressions must compile as RE2 (what Envoy's safe_regex uses): no backreferences,
// lookahead, lookbehind or possessive quantifiers.

import { RE2JS } from "re2js";
import { q, type IssueSink, type Path } from "./shape.js";

/** Names the Perl-only construct in a pattern that RE2 lacks, if there is an obvious one. */
function unsupportedConstruct(pattern: string): string | undefined {
  if (/\\[1-9]/.test(pattern)) return "backreferences such as \\1";
  if (/\\k</.test(pattern)) return "named backreferences (\\k<name>)";
  if (/\(\?<[=!]/.test(pattern)) return "lookbehind (?<= or (?<!";
  if (/\(\?[=!]/.test(pattern)) return "lookahead (?= or (?!";
  if (/\(\?>/.test(pattern)) return "atomic groups (?>";
  if (/[*+?}][+]/.test(pattern)) return "possessive quantifiers such as a++";
  return undefined;
}

/** Why a pattern is not a valid RE2 regular expression, or undefined when it is. */
export function re2Problem(pattern: string): string | undefined {
  if (pattern === "") return "is empty; give a pattern or use a prefix/exact match";
  // Envoy limits the compiled program size; Istio approximates that by the pattern length.
  if (pattern.length > 1024)
    return `is ${pattern.length} characters long; at most 1024 are allowed`;
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (e) {
    const construct = unsupportedConstruct(pattern);
    if (construct) return `uses ${construct}, which RE2 does not support`;
    const msg = e instanceof Error ? e.message : String(e);
    return `does not compile as RE2 (${msg.replace(/^error parsing regexp: /, "")})`;
  }
}

/** Checks a regex field when it is set. */
export function checkRegex(sink: IssueSink, path: Path, pattern: unknown, what = "regex"): void {
  if (pattern === undefined || pattern === null) return;
  if (typeof pattern !== "string") {
    sink.error(path, `${what} must be a string`);
    return;
  }
  const problem = re2Problem(pattern);
  if (problem) sink.error(path, `${what} ${q(pattern)} ${problem}`);
}
