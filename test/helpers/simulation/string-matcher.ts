// Envoy's matchers on strings: StringMatcher (exact, prefix, suffix, contains, safeRegex,
// ignoreCase) and RegexMatcher. A safe regex must match the whole value (RE2, not a search).

import { RE2JS } from "re2js";
import { bool, obj, str, type Msg } from "./plain.js";

const compiled = new Map<string, RE2JS>();

/** Whether the RE2 pattern matches all of `value`. */
export function fullRegexMatch(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = RE2JS.compile(pattern)));
  return re.matches(value);
}

/** A RegexMatcher {regex, googleRe2?} on a whole value. */
export function regexMatcher(m: unknown, value: string): boolean {
  const regex = str(obj(m)?.["regex"]);
  return regex !== undefined && fullRegexMatch(regex, value);
}

/** A StringMatcher; ignoreCase applies to exact/prefix/suffix/contains, not to the regex. */
export function stringMatcher(m: Msg, value: string): boolean {
  const ic = bool(m["ignoreCase"]) === true;
  const v = ic ? value.toLowerCase() : value;
  const lit = (k: string) => {
    const s = str(m[k]);
    return s === undefined ? undefined : ic ? s.toLowerCase() : s;
  };
  const exact = lit("exact");
  if (exact !== undefined) return v === exact;
  const prefix = lit("prefix");
  if (prefix !== undefined) return v.startsWith(prefix);
  const suffix = lit("suffix");
  if (suffix !== undefined) return v.endsWith(suffix);
  const contains = lit("contains");
  if (contains !== undefined) return v.includes(contains);
  if (m["safeRegex"] !== undefined) return regexMatcher(m["safeRegex"], value);
  return false;
}
