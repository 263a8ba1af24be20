// Generated pieces shared by many proxies of one model version: a proxy's outbound clusters and
// load assignments are the same for every proxy that reads the same inputs, so they are built once
// per model and key. The rule (the cause of istiod's cache CVEs): a key must name every input of
// the computation — the model is implicit (one memo per MeshModel object, dropped with it); all
// else goes in the key, model objects by identity (`identity`), proxy fields by value. Memoised
// results are deep-frozen: shared, they must never change, and the ResourceEncoder may then hash a
// frozen message once by identity.

import type { MeshModel } from "../registry/mesh/mesh-model.js";

const memos = new WeakMap<MeshModel, Map<string, unknown>>();
const ids = new WeakMap<object, number>();
let nextId = 1;

/** A token for an object, unique among all live objects ("-" for none). */
export function identity(o: object | undefined): string {
  if (o === undefined) return "-";
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return String(id);
}

/** Labels as a key part: equal maps give equal text whatever their key order. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  if (ArrayBuffer.isView(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) for (const child of value) deepFreeze(child);
  else for (const k in value) deepFreeze(value[k]);
  return value;
}

/** build()'s result for `key` in `model`, built at most once per model and key, deep-frozen. */
export function memoize<T>(model: MeshModel, key: string, build: () => T): T {
  return memoizeReadonly(model, key, () => deepFreeze(build()));
}

/**
 * As memoize, without freezing, for intermediate values that hold model objects (plans): callers
 * must only read the result.
 */
export function memoizeReadonly<T>(model: MeshModel, key: string, build: () => T): T {
  let memo = memos.get(model);
  if (!memo) memos.set(model, (memo = new Map()));
  const known = memo.get(key);
  if (known !== undefined || memo.has(key)) return known as T;
  const value = build();
  memo.set(key, value);
  return value;
}
