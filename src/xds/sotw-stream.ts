// State-of-the-world protocol rules for one type on one stream: given a DiscoveryRequest, decide
// ACK / NACK / stale / subscription change; given the current resources, decide what to send.
// Rules ([XDS] "xDS REST and gRPC protocol"):
// - a request whose response_nonce is set and is not the latest nonce sent is stale: ignored whole;
// - error_detail marks a NACK; the NACKed version is never re-sent unchanged;
// - names are hints; newly requested names are always answered, even unchanged ones;
// - LDS and CDS support wildcard: "*" or (legacy) a type that has never named anything;
//   once a name has been sent, an empty list unsubscribes from everything;
// - otherwise a response goes out only when its content (version_info) changed.

import { errorMessage, TypeStateBase } from "./type-state.js";
import { isWildcardType } from "./type-urls.js";
import { EMPTY_SELECTION, selectionByRaw, selectionOf, type Selection } from "./subscriptions.js";
import { nonceOf, selectionVersion, type ResourceSet, type SotwBody } from "./encoded-resource.js";
import type { DecodedDiscoveryRequest } from "./request-decoder.js";

export type SotwOutcome = "initial" | "ack" | "nack" | "stale" | "subscribe" | "reconnect-skip";

export class SotwTypeState extends TypeStateBase {
  wildcard = false;
  selection: Selection = EMPTY_SELECTION;
  everNamed = false;
  /** The next build must send even if version_info did not change. */
  force = false;
  nackedVersion = "";
  requested = false;
  /** The last body sent: the client holds these resources at these versions. */
  lastBody?: SotwBody;

  get names(): ReadonlySet<string> {
    return this.selection.names;
  }
}

/** True if `requested` (without "*") names exactly the current selection. */
function sameNames(
  current: ReadonlySet<string>,
  requested: readonly string[],
  wildcard: boolean,
): boolean {
  const n = requested.length - (wildcard ? 1 : 0);
  if (n !== current.size) return false;
  for (const name of requested) if (name !== "*" && !current.has(name)) return false;
  return true;
}

/** Applies the request's names; true if something was added (a new name or wildcard). */
function applyNames(st: SotwTypeState, req: DecodedDiscoveryRequest): boolean {
  const wildcardType = isWildcardType(st.typeUrl);
  const raw = wildcardType ? undefined : req.namesRaw;
  if (raw && st.selection.raw?.equals(raw)) return false;
  const known = raw ? selectionByRaw(raw) : undefined;
  if (known) {
    let added = false;
    for (const n of known.names) if (!st.selection.names.has(n)) added = true;
    st.everNamed = true;
    st.wildcard = false;
    st.selection = known;
    return added;
  }
  const requested = req.resourceNames ?? [];
  const explicit = requested.includes("*");
  const wildcard = wildcardType && (explicit || (requested.length === 0 && !st.everNamed));
  if (requested.length > 0) st.everNamed = true;
  let added = wildcard && !st.wildcard;
  st.wildcard = wildcard;
  if (sameNames(st.selection.names, requested, explicit)) return added;
  const selection = selectionOf(explicit ? requested.filter((n) => n !== "*") : requested, raw);
  for (const n of selection.names) if (!st.selection.names.has(n)) added = true;
  st.selection = selection;
  return added;
}

/**
 * Updates `st` from a request. `currentVersion` gives the version_info the server would send now
 * (used to skip the resend to a reconnecting wildcard client that already has it).
 */
export function onSotwRequest(
  st: SotwTypeState,
  req: DecodedDiscoveryRequest,
  now: number,
  currentVersion: () => string,
): SotwOutcome {
  const nonce = req.responseNonce ?? "";
  if (nonce !== "" && nonce !== st.nonceSent) return "stale";
  const first = !st.requested;
  st.requested = true;
  let outcome: SotwOutcome = first ? "initial" : "subscribe";
  if (nonce !== "" && req.errorDetail) {
    st.lastError = errorMessage(req.errorDetail);
    st.nackedVersion = st.versionSent;
    outcome = "nack";
  } else if (nonce !== "") {
    st.nonceAcked = nonce;
    st.versionAcked = req.versionInfo ?? "";
    st.ackedAt = now;
    st.lastError = "";
    outcome = "ack";
  }
  const before = st.names;
  const added = applyNames(st, req);
  if (!added && !st.wildcard && st.lastBody && before.size !== st.names.size) {
    // Names were only removed: the client still holds the rest as last sent, so compare future
    // content against that, not against the larger set.
    const kept = st.lastBody.resources.filter((r) => st.names.has(r.name));
    st.versionSent = selectionVersion(st.typeUrl, kept);
    st.lastBody = undefined;
  }
  if (
    first &&
    nonce === "" &&
    st.wildcard &&
    req.versionInfo &&
    req.versionInfo === currentVersion()
  ) {
    // A reconnecting wildcard client already holds exactly this content: nothing to send.
    st.versionSent = st.versionAcked = req.versionInfo;
    st.ackedAt = now;
    return "reconnect-skip";
  }
  if (first || added) {
    st.force = true;
    st.dirty = true;
  }
  return outcome;
}

/** The response to send now, or undefined when nothing needs sending. */
export function buildSotw(st: SotwTypeState, set: ResourceSet): SotwBody | undefined {
  const body = set.sotwBody(st.wildcard ? undefined : st.selection);
  const force = st.force;
  st.force = false;
  if (body.versionInfo === st.nackedVersion) return undefined;
  if (!force && body.versionInfo === st.versionSent) return undefined;
  return body;
}

/** Records that `body` went out with nonce id `id`. */
export function commitSotw(st: SotwTypeState, body: SotwBody, id: number, now: number): void {
  st.nonceSent = nonceOf(id);
  st.lastNonceId = id;
  st.versionSent = body.versionInfo;
  st.lastBody = body;
  st.sentAt = now;
}
