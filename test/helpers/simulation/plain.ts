// Reading Envoy resources in the plain-object form (camelCase, wrappers as {value}, inline Any as
// {"@type", ...}) without trusting their shape: every accessor tolerates a missing or odd value.

export type Msg = Readonly<Record<string, unknown>>;

export function obj(v: unknown): Msg | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Msg) : undefined;
}

export function list(v: unknown): Msg[] {
  return Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : [];
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** A number, a numeric string (int64) or a wrapper {value}. */
export function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  const o = obj(v);
  return o && "value" in o ? num(o["value"]) : undefined;
}

/** A bool or a wrapper {value}. */
export function bool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  const o = obj(v);
  return o && typeof o["value"] === "boolean" ? o["value"] : undefined;
}

/** The type URL's message name of an inline Any, e.g. `envoy.extensions...TcpProxy`. */
export function anyType(v: unknown): string | undefined {
  const t = str(obj(v)?.["@type"]);
  return t === undefined ? undefined : t.slice(t.lastIndexOf("/") + 1);
}

export function byName(resources: readonly Msg[], name: string, field = "name"): Msg | undefined {
  return resources.find((r) => r[field] === name);
}
