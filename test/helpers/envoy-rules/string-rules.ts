// protoc-gen-validate rules on strings and bytes. Lengths count Unicode code points (min_len) or
// UTF-8 bytes (min_bytes); `pattern` is RE2, matched anywhere in the value (unanchored).

import { isIP } from "node:net";
import { RE2JS } from "re2js";
import type { Rules } from "./annotations.js";
import type { Sink } from "./sink.js";

// Header rules of protoc-gen-validate's well_known_regex: strict (the default) follows RFC 7230;
// `strict: false` only forbids NUL, CR and LF, in names and values alike.
const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
// eslint-disable-next-line no-control-regex
const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
// eslint-disable-next-line no-control-regex
const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

const HOSTNAME =
  /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;

const regexCache = new Map<string, RE2JS>();

function checkWellKnown(sink: Sink, path: string, rules: Rules, s: string): void {
  const fail = (rule: string, msg: string) => sink.violation(path, `string.${rule}`, msg);
  const wk = rules["well_known_regex"];
  if (wk !== undefined) {
    const strict = rules["strict"] !== false;
    const re = !strict
      ? HEADER_LOOSE
      : wk === "HTTP_HEADER_NAME"
        ? HEADER_NAME_STRICT
        : HEADER_VALUE_STRICT;
    if (wk !== "HTTP_HEADER_NAME" && wk !== "HTTP_HEADER_VALUE")
      sink.unchecked(path, `string.well_known_regex.${String(wk)}`);
    else if (!re.test(s))
      fail("well_known_regex", `${JSON.stringify(s)} is not a valid ${String(wk)}`);
  }
  if (rules["ip"] === true && isIP(s) === 0)
    fail("ip", `${JSON.stringify(s)} is not an IP address`);
  if (rules["ipv4"] === true && isIP(s) !== 4)
    fail("ipv4", `${JSON.stringify(s)} is not an IPv4 address`);
  if (rules["ipv6"] === true && isIP(s) !== 6)
    fail("ipv6", `${JSON.stringify(s)} is not an IPv6 address`);
  if (rules["hostname"] === true && !HOSTNAME.test(s))
    fail("hostname", `${JSON.stringify(s)} is not a hostname`);
  if (rules["address"] === true && isIP(s) === 0 && !HOSTNAME.test(s))
    fail("address", `${JSON.stringify(s)} is neither an IP address nor a hostname`);
  for (const k of ["email", "uri", "uri_ref", "uuid"])
    if (rules[k] !== undefined) sink.unchecked(path, `string.${k}`);
}

const STRING_RULES = new Set([
  "const",
  "len",
  "min_len",
  "max_len",
  "len_bytes",
  "min_bytes",
  "max_bytes",
  "pattern",
  "prefix",
  "suffix",
  "contains",
  "not_contains",
  "in",
  "not_in",
  "well_known_regex",
  "strict",
  "ip",
  "ipv4",
  "ipv6",
  "hostname",
  "address",
  "email",
  "uri",
  "uri_ref",
  "uuid",
  "ignore_empty",
]);

export function checkString(sink: Sink, path: string, rules: Rules, value: string): void {
  if (rules["ignore_empty"] === true && value === "") return;
  const fail = (rule: string, msg: string) => sink.violation(path, `string.${rule}`, msg);
  const chars = [...value].length;
  const bytes = Buffer.byteLength(value, "utf8");
  const n = (k: string) => (rules[k] === undefined ? undefined : Number(rules[k]));
  const shown = JSON.stringify(value);
  if (rules["const"] !== undefined && value !== rules["const"])
    fail("const", `${shown} must be ${JSON.stringify(rules["const"])}`);
  if (n("len") !== undefined && chars !== n("len"))
    fail("len", `${shown} must have ${n("len")} characters`);
  if (n("min_len") !== undefined && chars < n("min_len")!)
    fail("min_len", `${shown} must have at least ${n("min_len")} characters`);
  if (n("max_len") !== undefined && chars > n("max_len")!)
    fail("max_len", `${shown} must have at most ${n("max_len")} characters`);
  if (n("len_bytes") !== undefined && bytes !== n("len_bytes"))
    fail("len_bytes", `${shown} must have ${n("len_bytes")} bytes`);
  if (n("min_bytes") !== undefined && bytes < n("min_bytes")!)
    fail("min_bytes", `${shown} must have at least ${n("min_bytes")} bytes`);
  if (n("max_bytes") !== undefined && bytes > n("max_bytes")!)
    fail("max_bytes", `${shown} must have at most ${n("max_bytes")} bytes`);
  const text = (k: string) => rules[k] as string | undefined;
  if (text("prefix") !== undefined && !value.startsWith(text("prefix")!))
    fail("prefix", `${shown} must start with ${JSON.stringify(text("prefix"))}`);
  if (text("suffix") !== undefined && !value.endsWith(text("suffix")!))
    fail("suffix", `${shown} must end with ${JSON.stringify(text("suffix"))}`);
  if (text("contains") !== undefined && !value.includes(text("contains")!))
    fail("contains", `${shown} must contain ${JSON.stringify(text("contains"))}`);
  if (text("not_contains") !== undefined && value.includes(text("not_contains")!))
    fail("not_contains", `${shown} must not contain ${JSON.stringify(text("not_contains"))}`);
  const inList = rules["in"] as string[] | undefined;
  if (inList && inList.length > 0 && !inList.includes(value))
    fail("in", `${shown} must be one of ${inList.join(", ")}`);
  const notIn = rules["not_in"] as string[] | undefined;
  if (notIn?.includes(value))
    fail("not_in", `${shown} must not be one of ${notIn.map((s) => JSON.stringify(s)).join(", ")}`);
  const pattern = text("pattern");
  if (pattern !== undefined) {
    let re = regexCache.get(pattern);
    if (!re) regexCache.set(pattern, (re = RE2JS.compile(pattern)));
    if (!re.matcher(value).find()) fail("pattern", `${shown} must match ${pattern}`);
  }
  checkWellKnown(sink, path, rules, value);
  for (const k of Object.keys(rules)) if (!STRING_RULES.has(k)) sink.unchecked(path, `string.${k}`);
}

export function checkBytes(sink: Sink, path: string, rules: Rules, value: unknown): void {
  const len =
    value instanceof Uint8Array
      ? value.length
      : typeof value === "string"
        ? Buffer.from(value, "base64").length
        : 0;
  if (rules["ignore_empty"] === true && len === 0) return;
  const n = (k: string) => (rules[k] === undefined ? undefined : Number(rules[k]));
  if (n("len") !== undefined && len !== n("len"))
    sink.violation(path, "bytes.len", `must have ${n("len")} bytes`);
  if (n("min_len") !== undefined && len < n("min_len")!)
    sink.violation(path, "bytes.min_len", `must have at least ${n("min_len")} bytes`);
  if (n("max_len") !== undefined && len > n("max_len")!)
    sink.violation(path, "bytes.max_len", `must have at most ${n("max_len")} bytes`);
  for (const k of Object.keys(rules))
    if (!["len", "min_len", "max_len", "ignore_empty"].includes(k))
      sink.unchecked(path, `bytes.${k}`);
}
