// Delta (incremental) protocol rules for one type on one stream. Rules ([XDS]):
// - subscription changes are honoured even when the nonce is stale; the nonce only correlates
//   ACK/NACK with a response;
// - wildcard: "*" subscribed, or (legacy) an empty subscribe list on the first request;
// - initial_resource_versions (first request per type) tell what the client already has: those
//   are not re-sent unless changed, and those that no longer exist go in removed_resources;
// - a newly subscribed name is always answered: in resources if it exists (even if the client
//   seems to have it), in removed_resources if it does not;
// - unsubscribing a name also covered by wildcard is answered with the resource (or removed);
// - a NACKed resource version is never re-sent; a new version of it is.
//
// What the client holds is kept implicitly in the common case: "exactly the wanted resources of
// ResourceSet S" (`syncedTo`). Streams in that state moving to the same next set get the same
// diff, computed and encoded once (ResourceSet.deltaBody). Anything unusual (initial versions, a
// NACK, a subscription change) materialises a per-name map until the stream is in sync again.

import { errorMessage, TypeStateBase } from "./type-state.js";
import {
  emptySet,
  type DeltaBody,
  type EncodedResource,
  type ResourceSet,
} from "./encoded-resource.js";
import type { DeltaDiscoveryRequest } from "./protos.js";
import { EMPTY_SELECTION, selectionOf, type Selection } from "./subscriptions.js";

export type DeltaOutcome = "initial" | "ack" | "nack" | "stale" | "subscribe";

const MAX_IN_FLIGHT = 16;

export class DeltaTypeState extends TypeStateBase {
  wildcard = false;
  /** Explicitly subscribed names (interned). */
  selection: Selection = EMPTY_SELECTION;
  /** When set, the client holds exactly the wanted resources of this set, at its versions. */
  syncedTo?: ResourceSet;
  /** Otherwise: name → version the client is believed to hold. */
  private knownMap = new Map<string, string>();
  /** name → version the client rejected. */
  readonly nacked = new Map<string, string>();
  /** Names to send even if the client seems to have them. */
  readonly forced = new Set<string>();
  /** Names to report in removed_resources if they do not exist. */
  readonly reportMissing = new Set<string>();
  /** Send every subscribed resource (EDS after CDS). */
  forceAll = false;
  /** Respond even with nothing in it (first request of the type). */
  mustRespond = false;
  requested = false;
  /** nonce → the resources that response carried, until ACKed or NACKed. */
  readonly inFlight = new Map<string, readonly EncodedResource[]>();

  get names(): ReadonlySet<string> {
    return this.selection.names;
  }

  wants(name: string): boolean {
    return this.wildcard || this.selection.names.has(name);
  }

  /** Entries in the explicit map (0 while in sync with a set). */
  get knownSize(): number {
    return this.syncedTo ? -1 : this.knownMap.size;
  }

  knownVersion(name: string): string | undefined {
    if (this.syncedTo) return this.wants(name) ? this.syncedTo.get(name)?.version : undefined;
    return this.knownMap.get(name);
  }

  knownNames(): string[] {
    const s = this.syncedTo;
    if (!s) return [...this.knownMap.keys()];
    return this.wildcard ? [...s.names] : [...this.selection.names].filter((n) => s.get(n));
  }

  /** Switches to the explicit per-name map (call before changing wildcard or names). */
  known(): Map<string, string> {
    const s = this.syncedTo;
    if (s) {
      const m = new Map<string, string>();
      for (const n of this.knownNames()) m.set(n, (s.get(n) as EncodedResource).version);
      this.knownMap = m;
      this.syncedTo = undefined;
    }
    return this.knownMap;
  }

  syncTo(set: ResourceSet): void {
    this.syncedTo = set;
    this.knownMap = new Map();
  }
}

export function onDeltaRequest(
  st: DeltaTypeState,
  req: DeltaDiscoveryRequest,
  now: number,
): DeltaOutcome {
  const first = !st.requested;
  st.requested = true;
  const nonce = req.responseNonce ?? "";
  let outcome: DeltaOutcome = first ? "initial" : "subscribe";
  if (nonce !== "") {
    const carried = st.inFlight.get(nonce);
    if (!carried && nonce !== st.nonceSent) outcome = "stale";
    else if (req.errorDetail) {
      st.lastError = errorMessage(req.errorDetail);
      const known = st.known();
      for (const r of carried ?? []) {
        st.nacked.set(r.name, r.version);
        if (known.get(r.name) === r.version) known.delete(r.name);
      }
      outcome = "nack";
    } else {
      st.nonceAcked = nonce;
      st.ackedAt = now;
      if (nonce === st.nonceSent) st.lastError = "";
      outcome = "ack";
    }
    st.inFlight.delete(nonce);
  }

  const subscribe = req.resourceNamesSubscribe ?? [];
  const unsubscribe = req.resourceNamesUnsubscribe ?? [];
  if (!first && subscribe.length === 0 && unsubscribe.length === 0) return outcome;
  const known = st.known();
  const names = new Set(st.selection.names);
  if (first) {
    st.wildcard = subscribe.length === 0;
    for (const [name, version] of Object.entries(req.initialResourceVersions ?? {})) {
      known.set(name, version);
      st.reportMissing.add(name);
    }
    st.mustRespond = true;
    st.dirty = true;
  }
  for (const name of subscribe) {
    if (name === "*") {
      if (!st.wildcard && !first) st.forceAll = true;
      st.wildcard = true;
    } else {
      const isNew = !names.has(name);
      names.add(name);
      // A first request's names are answered from initial_resource_versions; later
      // subscriptions are always answered.
      if (!first || isNew) st.reportMissing.add(name);
      if (!first) st.forced.add(name);
    }
    st.dirty = true;
  }
  for (const name of unsubscribe) {
    if (name === "*") {
      st.wildcard = false;
      for (const n of [...known.keys()]) if (!names.has(n)) known.delete(n);
      continue;
    }
    names.delete(name);
    if (st.wildcard) {
      st.forced.add(name);
      st.reportMissing.add(name);
      st.dirty = true;
    } else {
      known.delete(name);
      st.forced.delete(name);
      st.reportMissing.delete(name);
    }
  }
  st.selection = selectionOf([...names]);
  return outcome;
}

export interface DeltaBuild {
  readonly resources: readonly EncodedResource[];
  readonly removed: readonly string[];
  /** Set when the response is the shared diff between two sets (encoded once). */
  readonly shared?: DeltaBody;
  /** False when a NACKed version was held back: the client is not in sync with the set. */
  readonly complete: boolean;
}

/** The response to send now, or undefined. Clears the one-shot flags. */
export function buildDelta(st: DeltaTypeState, set: ResourceSet): DeltaBuild | undefined {
  // Shared path: the client holds exactly a known set (or, on a first request without
  // initial_resource_versions, nothing), and nothing per-stream is pending except names that
  // the diff sends anyway.
  const from = st.syncedTo ?? (st.knownSize === 0 ? emptySet(set.typeUrl) : undefined);
  if (
    from &&
    st.nacked.size === 0 &&
    st.forced.size === 0 &&
    [...st.reportMissing].every((n) => set.get(n) && st.wants(n))
  ) {
    const body = set.deltaBody(from, st.wildcard ? undefined : st.selection, st.forceAll);
    const empty = body.resources.length === 0 && body.removed.length === 0;
    if (!empty || !st.mustRespond) {
      st.forceAll = false;
      st.reportMissing.clear();
      st.mustRespond = false;
      if (empty) {
        st.syncTo(set);
        return undefined;
      }
      return { resources: body.resources, removed: body.removed, shared: body, complete: true };
    }
  }
  for (const [name, version] of st.nacked)
    if (set.get(name)?.version !== version) st.nacked.delete(name); // content moved on
  const resources: EncodedResource[] = [];
  let complete = true;
  const consider = (r: EncodedResource): void => {
    if (st.nacked.get(r.name) === r.version) {
      complete = false;
      return;
    }
    if (st.forceAll || st.forced.has(r.name) || st.knownVersion(r.name) !== r.version)
      resources.push(r);
  };
  if (st.wildcard) {
    for (const name of set.names) consider(set.get(name) as EncodedResource);
  } else {
    for (const name of [...st.selection.names].sort()) {
      const r = set.get(name);
      if (r) consider(r);
    }
  }
  const gone = new Set<string>();
  for (const name of st.knownNames()) if (!set.get(name) && st.wants(name)) gone.add(name);
  for (const name of st.reportMissing) if (!set.get(name)) gone.add(name);
  const removed = [...gone].sort();

  const respond = resources.length > 0 || removed.length > 0 || st.mustRespond;
  st.forced.clear();
  st.reportMissing.clear();
  st.forceAll = false;
  st.mustRespond = false;
  if (!respond) {
    if (complete) st.syncTo(set);
    return undefined;
  }
  return { resources, removed, complete };
}

export function commitDelta(
  st: DeltaTypeState,
  set: ResourceSet,
  build: DeltaBuild,
  nonce: string,
  id: number,
  now: number,
): void {
  if (build.complete) {
    st.syncTo(set);
  } else {
    const known = st.known();
    for (const r of build.resources) known.set(r.name, r.version);
    for (const name of build.removed) known.delete(name);
  }
  st.inFlight.set(nonce, build.resources);
  if (st.inFlight.size > MAX_IN_FLIGHT)
    st.inFlight.delete(st.inFlight.keys().next().value as string);
  st.nonceSent = nonce;
  st.lastNonceId = id;
  st.versionSent = set.version;
  st.sentAt = now;
}
