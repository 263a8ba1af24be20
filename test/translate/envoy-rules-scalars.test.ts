// protoc-gen-validate rules on single values, called directly: ranges (a lower bound larger than
// the upper one reverses the range), in / not_in, durations, string lengths in code points.

import test from "ava";
import { checkDuration, checkNumber } from "../helpers/envoy-rules/scalar-rules.js";
import { Sink } from "../helpers/envoy-rules/sink.js";
import { checkString } from "../helpers/envoy-rules/string-rules.js";

function rulesBroken(check: (sink: Sink) => void): string[] {
  const sink = new Sink();
  check(sink);
  return sink.found.map((v) => v.rule);
}

test("number ranges: normal, reversed, single point; in and not_in", (t) => {
  const n = (rules: Record<string, unknown>, v: number) =>
    rulesBroken((s) => checkNumber(s, "f", "uint32", rules, v));
  t.deepEqual(n({ gte: 1, lte: 65535 }, 0), ["uint32.gte/lte"]);
  t.deepEqual(n({ gte: 1, lte: 65535 }, 80), []);
  t.deepEqual(n({ gt: 10, lt: 5 }, 3), []);
  t.deepEqual(n({ gt: 10, lt: 5 }, 12), []);
  t.deepEqual(n({ gt: 10, lt: 5 }, 7), ["uint32.gt/lt"]);
  t.deepEqual(n({ gte: 5, lte: 5 }, 5), []);
  t.deepEqual(n({ gte: 5, lte: 5 }, 4), ["uint32.gte/lte"]);
  t.deepEqual(n({ in: [1, 2] }, 3), ["uint32.in"]);
  t.deepEqual(n({ not_in: [0] }, 0), ["uint32.not_in"]);
  t.deepEqual(n({ lt: 10, ignore_empty: true }, 0), []);
});

test("durations compare exactly, nanoseconds included", (t) => {
  const d = (rules: Record<string, unknown>, v: unknown, set = true) =>
    rulesBroken((s) => checkDuration(s, "f", rules, v, set));
  t.deepEqual(d({ gte: { nanos: 1000000 } }, { seconds: 0, nanos: 999999 }), ["duration.gte"]);
  t.deepEqual(d({ gte: { nanos: 1000000 } }, { seconds: 0, nanos: 1000000 }), []);
  t.deepEqual(d({ lt: { seconds: 315576000000 } }, { seconds: 315576000000 }), ["duration.lt"]);
  t.deepEqual(d({ required: true }, undefined, false), ["duration.required"]);
  t.deepEqual(d({ gt: {} }, undefined, false), []);
});

test("strings: lengths in code points and bytes, prefix, not_in, RE2 pattern (unanchored)", (t) => {
  const str = (rules: Record<string, unknown>, v: string) =>
    rulesBroken((s) => checkString(s, "f", rules, v));
  t.deepEqual(str({ max_len: 2 }, "éé"), []);
  t.deepEqual(str({ max_bytes: 2 }, "éé"), ["string.max_bytes"]);
  t.deepEqual(str({ prefix: "envoy." }, "istio.x"), ["string.prefix"]);
  t.deepEqual(str({ not_in: ["a"] }, "a"), ["string.not_in"]);
  t.deepEqual(str({ pattern: "^[a-z]+$" }, "abc"), []);
  t.deepEqual(str({ pattern: "[0-9]" }, "a1b"), []);
  t.deepEqual(str({ pattern: "^[a-z]+$" }, "ab1"), ["string.pattern"]);
  t.deepEqual(str({ well_known_regex: "HTTP_HEADER_NAME" }, ":path"), []);
  t.deepEqual(str({ well_known_regex: "HTTP_HEADER_NAME" }, "bad name"), [
    "string.well_known_regex",
  ]);
  t.deepEqual(str({ well_known_regex: "HTTP_HEADER_NAME", strict: false }, "bad name"), []);
  t.deepEqual(str({ well_known_regex: "HTTP_HEADER_VALUE" }, "a\tb"), []);
  t.deepEqual(str({ min_len: 1, ignore_empty: true }, ""), []);
});
