// Protobuf wire format by hand, for the few envelopes the server assembles from cached bytes:
// google.protobuf.Any, DiscoveryResponse, DeltaDiscoveryResponse and its Resource entries.
// A repeated message field is just (tag, length, bytes) per element, so cached Any bytes are
// concatenated as they are, never re-encoded.

const WIRE_LEN = 2;

export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[pos++] = n;
  return pos;
}

/** A length-delimited field value: string (UTF-8) or bytes. */
export type FieldBytes = string | Uint8Array;

export interface LenField {
  readonly field: number;
  readonly value: FieldBytes;
}

function asBytes(v: FieldBytes): Uint8Array {
  return typeof v === "string" ? Buffer.from(v, "utf8") : v;
}

/** Encodes length-delimited fields in the given order into one Buffer (empty values skipped). */
export function encodeLenFields(fields: readonly LenField[]): Buffer {
  const parts: Array<{ field: number; bytes: Uint8Array }> = [];
  let total = 0;
  for (const f of fields) {
    const bytes = asBytes(f.value);
    if (bytes.length === 0) continue;
    parts.push({ field: f.field, bytes });
    total += varintSize((f.field << 3) | WIRE_LEN) + varintSize(bytes.length) + bytes.length;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  for (const p of parts) {
    pos = writeVarint(out, pos, (p.field << 3) | WIRE_LEN);
    pos = writeVarint(out, pos, p.bytes.length);
    out.set(p.bytes, pos);
    pos += p.bytes.length;
  }
  return out;
}

/** google.protobuf.Any { type_url = 1; value = 2 }. */
export function encodeAny(typeUrl: string, value: Uint8Array): Buffer {
  return encodeLenFields([
    { field: 1, value: typeUrl },
    { field: 2, value },
  ]);
}

/** Appends `field` as a length-delimited field to `body` holding many repeated elements. */
function repeated(field: number, elements: readonly Uint8Array[]): LenField[] {
  return elements.map((value) => ({ field, value }));
}

/**
 * The part of a DiscoveryResponse that does not depend on the stream: version_info (1),
 * resources (2, cached Any bytes) and type_url (4). The nonce (5) is appended per send.
 */
export function encodeSotwBody(
  versionInfo: string,
  typeUrl: string,
  anys: readonly Uint8Array[],
): Buffer {
  return encodeLenFields([
    { field: 1, value: versionInfo },
    ...repeated(2, anys),
    { field: 4, value: typeUrl },
  ]);
}

/** DiscoveryResponse.nonce (5) / DeltaDiscoveryResponse.nonce (5). */
export function encodeNonceField(nonce: string): Buffer {
  return encodeLenFields([{ field: 5, value: nonce }]);
}

/** DiscoveryResponse.control_plane (6) / DeltaDiscoveryResponse.control_plane (7): { identifier = 1 }. */
export function encodeControlPlane(field: 6 | 7, identifier: string): Buffer {
  return encodeLenFields([{ field, value: encodeLenFields([{ field: 1, value: identifier }]) }]);
}

/** DeltaDiscoveryResponse entry `Resource { version = 1; resource = 2; name = 3 }`. */
export function encodeDeltaResource(name: string, version: string, any: Uint8Array): Buffer {
  return encodeLenFields([
    { field: 1, value: version },
    { field: 2, value: any },
    { field: 3, value: name },
  ]);
}

/**
 * DeltaDiscoveryResponse { system_version_info = 1; resources = 2; type_url = 4; nonce = 5;
 * removed_resources = 6 }.
 */
export function encodeDeltaResponse(
  systemVersionInfo: string,
  typeUrl: string,
  resources: readonly Uint8Array[],
  removed: readonly string[],
  nonce: string,
): Buffer {
  return encodeLenFields([
    { field: 1, value: systemVersionInfo },
    ...repeated(2, resources),
    { field: 4, value: typeUrl },
    { field: 5, value: nonce },
    ...removed.map((value) => ({ field: 6, value })),
  ]);
}
