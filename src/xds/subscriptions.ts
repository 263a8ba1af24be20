// Interned subscriptions: streams that request the same names share one Selection (one Set, one
// key), so a thousand Envoys asking for the same thousand EDS names cost one set, and a shared
// response body is found by the selection's key without re-joining names on every push.

export interface Selection {
  /** Sorted names joined by "\n": the identity of the selection. */
  readonly key: string;
  readonly names: ReadonlySet<string>;
  /**
   * The resource_names bytes of a request that produced this selection: a later request with
   * identical bytes names the same selection without decoding a single string.
   */
  raw?: Buffer;
}

const MAX_INTERNED = 4096;
const interned = new Map<string, Selection>();
/** Recently used selections that carry raw bytes, most recent last. */
const recentRaw: Selection[] = [];
const MAX_RECENT_RAW = 8;

/**
 * A selection whose request bytes equal `raw`, without decoding or sorting names: a fleet of
 * proxies asking for the same list costs one memcmp each.
 */
export function selectionByRaw(raw: Buffer): Selection | undefined {
  for (let i = recentRaw.length - 1; i >= 0; i--) {
    const s = recentRaw[i] as Selection;
    if (s.raw?.equals(raw)) return s;
  }
  return undefined;
}

function rememberRaw(s: Selection): void {
  const i = recentRaw.indexOf(s);
  if (i >= 0) recentRaw.splice(i, 1);
  recentRaw.push(s);
  if (recentRaw.length > MAX_RECENT_RAW) recentRaw.shift();
}

export const EMPTY_SELECTION: Selection = { key: "", names: new Set() };

/** The shared Selection for these names (order and duplicates do not matter). */
export function selectionOf(names: readonly string[], raw?: Buffer): Selection {
  if (names.length === 0) return EMPTY_SELECTION;
  const sorted = [...new Set(names)].sort();
  const key = sorted.join("\n");
  let s = interned.get(key);
  if (s) {
    // Refresh recency.
    interned.delete(key);
    interned.set(key, s);
    if (raw && !s.raw) s.raw = Buffer.from(raw);
    if (s.raw) rememberRaw(s);
    return s;
  }
  s = { key, names: new Set(sorted), ...(raw ? { raw: Buffer.from(raw) } : {}) };
  if (s.raw) rememberRaw(s);
  if (interned.size >= MAX_INTERNED) interned.delete(interned.keys().next().value as string);
  interned.set(key, s);
  return s;
}
