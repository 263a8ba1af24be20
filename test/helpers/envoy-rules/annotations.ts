// Reading protoc-gen-validate annotations from reflected types. protobufjs keeps each option
// statement of a field as one entry of `parsedOptions` ({"(validate.rules)": {string: {...}}}),
// with rule names as written in the .proto (snake_case); a field may carry several statements
// (`(validate.rules).string.min_len = 1, (validate.rules).string.max_len = 10`), merged here.

import protobuf from "protobufjs";

/** A FieldRules value (validate.proto) as a plain object: {string: {min_len: 1}}, {message: …}. */
export type Rules = { readonly [kind: string]: unknown };

type Entry = Readonly<Record<string, unknown>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge(into: Record<string, unknown>, from: Entry): void {
  for (const [k, v] of Object.entries(from)) {
    if (isRecord(v)) {
      const prev = into[k];
      const target = isRecord(prev) ? prev : {};
      merge(target, v);
      into[k] = target;
    } else into[k] = v;
  }
}

function parsedOptions(obj: protobuf.ReflectionObject): Entry[] {
  const p = (obj as unknown as { parsedOptions?: unknown }).parsedOptions;
  return Array.isArray(p) ? (p as Entry[]) : isRecord(p) ? [p] : [];
}

function option(obj: protobuf.ReflectionObject, name: string): Rules | undefined {
  let out: Record<string, unknown> | undefined;
  for (const entry of parsedOptions(obj)) {
    const v = entry[name];
    if (v === undefined) continue;
    out ??= {};
    if (isRecord(v)) merge(out, v);
    else out["value"] = v;
  }
  return out;
}

const cache = new WeakMap<protobuf.ReflectionObject, Rules | null>();

/** The merged `(validate.rules)` of a field, or undefined when it declares none. */
export function fieldRules(field: protobuf.Field): Rules | undefined {
  let r = cache.get(field);
  if (r === undefined) {
    r = option(field, "(validate.rules)") ?? null;
    cache.set(field, r);
  }
  return r ?? undefined;
}

/** Whether a oneof carries `option (validate.required) = true`. */
export function oneofRequired(oneof: protobuf.OneOf): boolean {
  return option(oneof, "(validate.required)")?.["value"] === true;
}

/** Whether a message opts out of validation (`(validate.disabled)` or `(validate.ignored)`). */
export function messageValidationDisabled(type: protobuf.Type): boolean {
  return (
    option(type, "(validate.disabled)")?.["value"] === true ||
    option(type, "(validate.ignored)")?.["value"] === true
  );
}

/** A sub-rule as a record (for `items`, `keys`, `values`), or undefined. */
export function subRules(v: unknown): Rules | undefined {
  return isRecord(v) ? v : undefined;
}
