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

import { errorMessage, TypeStateBase } from "./type-state.js";
import type { EncodedResource, ResourceSet } from "./encoded-resource.js";
import type { DeltaDiscoveryRequest } from "./protos.js";

export type DeltaOutcome = "initial" | "ack" | "nack" | "stale" | "subscribe";

const MAX_IN_FLIGHT = 16;

export class DeltaTypeState extends TypeStateBase {
  wildcard = false;
  readonly names = new Set<string>();
  /** What the client is believed to hold: name → version. */
  readonly known = new Map<string, string>();
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
  /** nonce → what that response carried, until ACKed or NACKed. */
  readonly inFlight = new Map<string, ReadonlyArray<readonly [string, string]>>();
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
      for (const [name, version] of carried ?? []) {
        st.nacked.set(name, version);
        if (st.known.get(name) === version) st.known.delete(name);
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
  if (first) {
    st.wildcard = subscribe.length === 0;
    for (const [name, version] of Object.entries(req.initialResourceVersions ?? {})) {
      st.known.set(name, version);
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
      const isNew = !st.names.has(name);
      st.names.add(name);
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
      for (const n of st.known.keys()) if (!st.names.has(n)) st.known.delete(n);
      continue;
    }
    st.names.delete(name);
    if (st.wildcard) {
      st.forced.add(name);
      st.reportMissing.add(name);
      st.dirty = true;
    } else {
      st.known.delete(name);
      st.forced.delete(name);
      st.reportMissing.delete(name);
    }
  }
  return outcome;
}

export interface DeltaBuild {
  readonly resources: readonly EncodedResource[];
  readonly removed: readonly string[];
}

function wanted(st: DeltaTypeState, name: string): boolean {
  return st.wildcard || st.names.has(name);
}

/** The response to send now, or undefined. Clears the one-shot flags. */
export function buildDelta(st: DeltaTypeState, set: ResourceSet): DeltaBuild | undefined {
  const resources: EncodedResource[] = [];
  const removed: string[] = [];
  const consider = (r: EncodedResource): void => {
    if (st.nacked.get(r.name) === r.version) return;
    if (st.forceAll || st.forced.has(r.name) || st.known.get(r.name) !== r.version)
      resources.push(r);
  };
  if (st.wildcard) {
    for (const name of set.names) consider(set.get(name) as EncodedResource);
  } else {
    for (const name of [...st.names].sort()) {
      const r = set.get(name);
      if (r) consider(r);
    }
  }
  const gone = new Set<string>();
  for (const name of st.known.keys()) if (!set.get(name) && wanted(st, name)) gone.add(name);
  for (const name of st.reportMissing) if (!set.get(name)) gone.add(name);
  removed.push(...[...gone].sort());

  const respond = resources.length > 0 || removed.length > 0 || st.mustRespond;
  st.forced.clear();
  st.reportMissing.clear();
  st.forceAll = false;
  st.mustRespond = false;
  return respond ? { resources, removed } : undefined;
}

export function commitDelta(
  st: DeltaTypeState,
  build: DeltaBuild,
  nonce: string,
  id: number,
  now: number,
): void {
  for (const r of build.resources) st.known.set(r.name, r.version);
  for (const name of build.removed) st.known.delete(name);
  st.inFlight.set(
    nonce,
    build.resources.map((r) => [r.name, r.version] as const),
  );
  if (st.inFlight.size > MAX_IN_FLIGHT)
    st.inFlight.delete(st.inFlight.keys().next().value as string);
  st.nonceSent = nonce;
  st.lastNonceId = id;
  st.sentAt = now;
}
