// Interned subscriptions: streams that request the same names share one Selection (one Set, one
// key), so a thousand Envoys asking for the same thousand EDS names cost one set, and a shared
// response body is found by the selection's key without re-joining names on every push.

export interface Selection {
  /** Sorted names joined by "\n": the identity of the selection. */
  readonly key: string;
  readonly names: ReadonlySet<string>;
}

const MAX_INTERNED = 4096;
const interned = new Map<string, Selection>();

export const EMPTY_SELECTION: Selection = { key: "", names: new Set() };

/** The shared Selection for these names (order and duplicates do not matter). */
export function selectionOf(names: readonly string[]): Selection {
  if (names.length === 0) return EMPTY_SELECTION;
  const sorted = [...new Set(names)].sort();
  const key = sorted.join("\n");
  let s = interned.get(key);
  if (s) {
    // Refresh recency.
    interned.delete(key);
    interned.set(key, s);
    return s;
  }
  s = { key, names: new Set(sorted) };
  if (interned.size >= MAX_INTERNED) interned.delete(interned.keys().next().value as string);
  interned.set(key, s);
  return s;
}
