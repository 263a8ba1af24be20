// Building blocks for Envoy resources as plain objects (the form src/xds/envoy-json.ts encodes:
// camelCase fields, enum names as strings, Duration as {seconds, nanos}, nested Any as
// {"@type": url, ...fields}).

export type EnvoyMessage = { readonly [field: string]: unknown };

/** A generated resource: its xDS name and the message. */
export interface GeneratedResource {
  readonly name: string;
  readonly message: EnvoyMessage;
}

/** `{"@type": type.googleapis.com/<fullName>, ...fields}` — an inline google.protobuf.Any. */
export function typed(fullName: string, fields: EnvoyMessage): EnvoyMessage {
  return { "@type": `type.googleapis.com/${fullName}`, ...fields };
}

/** Parses an Istio duration (`10s`, `0.5s`, `1m`, `100ms`, `1h`, `1.5s`) into {seconds, nanos}. */
export function duration(text: string): { seconds: number; nanos: number } {
  const m = /^(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}"`);
  const scale: Record<string, number> = {
    h: 3600e9,
    m: 60e9,
    s: 1e9,
    ms: 1e6,
    us: 1e3,
    µs: 1e3,
    ns: 1,
  };
  const totalNanos = Math.round(Number(m[1]) * scale[m[2]!]!);
  return { seconds: Math.floor(totalNanos / 1e9), nanos: totalNanos % 1e9 };
}

export function durationMs(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** Sorts resources by name: output must be deterministic (same model, same bytes). */
export function byName(a: GeneratedResource, b: GeneratedResource): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
