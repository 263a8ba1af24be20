// The coordinator's replica of the ingest actor's store, kept current by ConfigDeltas. Its own
// ConfigStore answers each applied delta with a ChangeSet for the push coordinator (the replica's
// versions are its own; `sourceVersion` is the ingest version it has reached). A delta that does
// not follow on is a gap and is skipped; the caller then resyncs from a ConfigSnapshot, which is
// applied as the difference to what the replica holds. A restarted ingest counts from 1 again,
// so its deltas would look old (or, once past the old numbering, follow on from the wrong base):
// the caller says when the ingest actor died (sourceDied), and every delta is a gap until the
// next resync.

import { keyOf, keyString } from "../../registry/config-object.js";
import { ConfigStore, isEmptyChangeSet, type ChangeSet } from "../../registry/config-store.js";
import type { ConfigDelta, ConfigSnapshot } from "../messages.js";

export type DeltaOutcome =
  | { readonly kind: "applied"; readonly change?: ChangeSet }
  | { readonly kind: "old" }
  | { readonly kind: "gap" };

export class ConfigReplica {
  readonly store = new ConfigStore();
  private source = 0;
  /** The ingest actor died since the last resync: its successor's versions are not ours. */
  private sourceLost = false;

  /** The ingest version this replica holds. */
  get sourceVersion(): number {
    return this.source;
  }

  /** The ingest actor died: no delta follows on until the next resync. */
  sourceDied(): void {
    this.sourceLost = true;
  }

  apply(delta: ConfigDelta): DeltaOutcome {
    if (this.sourceLost) return { kind: "gap" };
    if (delta.version <= this.source) return { kind: "old" };
    if (delta.baseVersion !== this.source) return { kind: "gap" };
    this.source = delta.version;
    const change = this.store.apply(delta.upserts, delta.deletes);
    return isEmptyChangeSet(change) ? { kind: "applied" } : { kind: "applied", change };
  }

  /** Makes the replica equal to a snapshot; the ChangeSet when that changed something. */
  resync(snapshot: ConfigSnapshot): ChangeSet | undefined {
    this.source = snapshot.version;
    this.sourceLost = false;
    const keep = new Set(snapshot.objects.map((o) => keyString(keyOf(o))));
    const deletes = this.store.list().flatMap((o) => {
      const k = keyOf(o);
      return keep.has(keyString(k)) ? [] : [k];
    });
    const change = this.store.apply(snapshot.objects, deletes);
    return isEmptyChangeSet(change) ? undefined : change;
  }
}
