// The versioned config store: the current set of config objects, one per key. apply() takes a
// batch of upserts and deletes and answers with what changed; the version goes up only when
// something did. Updates that cannot change what proxies receive (see semantic-fingerprint.ts)
// are not changes: the stored object is refreshed (so /debug/configz shows where it now comes
// from) but nothing is reported and the version stays.

import {
  keyOf,
  keyString,
  parseKeyString,
  type ConfigKey,
  type ConfigObject,
  type KeyString,
} from "./config-object.js";
import type { Kind } from "./kinds.js";
import { sameSemantics } from "./semantic-fingerprint.js";

/** What one apply() changed. Each list is sorted by key string (kind/namespace/name). */
export interface ChangeSet {
  /** The store's version after the apply (unchanged when the lists are all empty). */
  readonly version: number;
  readonly added: ConfigKey[];
  readonly updated: ConfigKey[];
  readonly deleted: ConfigKey[];
}

export function isEmptyChangeSet(c: ChangeSet): boolean {
  return c.added.length === 0 && c.updated.length === 0 && c.deleted.length === 0;
}

export class ConfigStore {
  private readonly objects = new Map<KeyString, ConfigObject>();
  private currentVersion = 0;

  /** Starts at 0 (empty); +1 for every apply() that changed something. */
  get version(): number {
    return this.currentVersion;
  }

  get size(): number {
    return this.objects.size;
  }

  /**
   * Applies upserts, then deletes. A key both upserted and deleted in one call ends up deleted.
   * Within a call, a later upsert of the same key wins over an earlier one.
   */
  apply(upserts: readonly ConfigObject[], deletes: readonly ConfigKey[]): ChangeSet {
    // Net effect per key, compared against the state before the call, so an add followed by a
    // delete in the same batch reports nothing.
    const next = new Map<KeyString, ConfigObject | undefined>();
    for (const o of upserts) next.set(keyString(keyOf(o)), o);
    for (const k of deletes) next.set(keyString(k), undefined);

    const added: KeyString[] = [];
    const updated: KeyString[] = [];
    const deleted: KeyString[] = [];
    for (const [ks, after] of next) {
      const before = this.objects.get(ks);
      if (after === undefined) {
        if (before === undefined) continue;
        this.objects.delete(ks);
        deleted.push(ks);
      } else {
        this.objects.set(ks, after);
        if (before === undefined) added.push(ks);
        else if (!sameSemantics(before, after)) updated.push(ks);
      }
    }
    if (added.length + updated.length + deleted.length > 0) this.currentVersion++;
    return {
      version: this.currentVersion,
      added: sortedKeys(added),
      updated: sortedKeys(updated),
      deleted: sortedKeys(deleted),
    };
  }

  get(key: ConfigKey): ConfigObject | undefined {
    return this.objects.get(keyString(key));
  }

  /** Objects of one kind (or all), sorted by key. */
  list(kind?: Kind): ConfigObject[] {
    const out: Array<[KeyString, ConfigObject]> = [];
    for (const entry of this.objects)
      if (kind === undefined || entry[1].kind === kind) out.push(entry);
    out.sort((a, b) => compareStrings(a[0], b[0]));
    return out.map((e) => e[1]);
  }

  /** Every object sorted by key, with the version they belong to (for /debug/configz). */
  snapshot(): { readonly version: number; readonly objects: ConfigObject[] } {
    return { version: this.currentVersion, objects: this.list() };
  }
}

function sortedKeys(list: KeyString[]): ConfigKey[] {
  return list.sort(compareStrings).map(parseKeyString);
}

/** Plain code-unit order: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
