// What every stream remembers per type, whatever the variant: the nonce and version last sent and
// acknowledged, and the last NACK. Sync status (SYNCED / NOT SENT / STALE / ERROR) derives from it.

export type SyncState = "SYNCED" | "NOT SENT" | "STALE" | "ERROR";

export abstract class TypeStateBase {
  nonceSent = "";
  /** Numeric id behind nonceSent: nonces on one stream and type only ever increase. */
  lastNonceId = 0;
  nonceAcked = "";
  versionSent = "";
  versionAcked = "";
  /** The NACK's error_detail.message; cleared by the next ACK. */
  lastError = "";
  sentAt = 0;
  ackedAt = 0;
  /** Set when something should be (re)considered for sending. */
  dirty = false;
  /** Pushes the control plane ordered for this type (XdsServer.push), sent or not: /debug/syncz `*_pushes`. */
  pushes = 0;

  constructor(readonly typeUrl: string) {}

  get syncState(): SyncState {
    if (this.lastError) return "ERROR";
    if (this.nonceSent === "") return this.versionAcked ? "SYNCED" : "NOT SENT";
    return this.nonceAcked === this.nonceSent ? "SYNCED" : "STALE";
  }
}

/** The pieces of a request both variants share. */
export function errorMessage(
  detail: { code?: number; message?: string } | null | undefined,
): string {
  if (!detail) return "";
  return detail.message || `NACK with code ${detail.code ?? 0} and no message`;
}
