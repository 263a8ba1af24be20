// A DiscoveryRequest decoder that walks the wire itself so that resource_names can be compared
// as raw bytes: Envoy repeats the full EDS name list in every ACK, and with a thousand streams
// decoding those strings again on every push would dominate the server's CPU. Names are decoded
// only when asked for; node and error_detail go through the generated code.

import { messageType, type DiscoveryRequest, type ProtoNode, type ProtoStatus } from "./protos.js";

export interface DecodedDiscoveryRequest extends DiscoveryRequest {
  /** The bytes of every resource_names entry (tags included), when they are contiguous. */
  readonly namesRaw?: Buffer;
}

/** Reads a varint at `cursor.pos`, advancing it (no allocation per call). */
function readVarint(b: Buffer, cursor: { pos: number }): number {
  let pos = cursor.pos;
  let x = b[pos++];
  if (x === undefined) throw new Error("truncated varint");
  if (x < 0x80) {
    cursor.pos = pos;
    return x;
  }
  let n = x & 0x7f;
  let mul = 128;
  for (;;) {
    x = b[pos++];
    if (x === undefined) throw new Error("truncated varint");
    n += (x & 0x7f) * mul;
    if (x < 0x80) break;
    mul *= 128;
    if (mul > 2 ** 63) throw new Error("varint too long");
  }
  cursor.pos = pos;
  return n;
}

export function decodeDiscoveryRequestFast(b: Buffer): DecodedDiscoveryRequest {
  let versionInfo = "";
  let typeUrl = "";
  let responseNonce = "";
  let node: ProtoNode | null = null;
  let errorDetail: ProtoStatus | null = null;
  const nameRanges: number[] = [];
  let namesStart = -1;
  let namesEnd = -1;
  let contiguous = true;
  const cursor = { pos: 0 };
  while (cursor.pos < b.length) {
    const tagStart = cursor.pos;
    const tag = readVarint(b, cursor);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      readVarint(b, cursor);
      continue;
    }
    if (wire === 1 || wire === 5) {
      cursor.pos += wire === 1 ? 8 : 4;
      continue;
    }
    if (wire !== 2) throw new Error(`invalid wire type ${wire} at offset ${tagStart}`);
    const len = readVarint(b, cursor);
    const pos = cursor.pos;
    const end = pos + len;
    if (end > b.length) throw new Error(`field ${field} overruns the message`);
    switch (field) {
      case 1:
        versionInfo = b.toString("utf8", pos, end);
        break;
      case 2:
        node = messageType("envoy.config.core.v3.Node").decode(b.subarray(pos, end)) as ProtoNode;
        break;
      case 3: {
        if (namesEnd !== -1 && namesEnd !== tagStart) contiguous = false;
        if (namesStart === -1) namesStart = tagStart;
        nameRanges.push(pos, end);
        // Fast path over the following names with one-byte lengths (almost all of them).
        let p = end;
        while (b[p] === 0x1a && p + 1 < b.length && (b[p + 1] as number) < 0x80) {
          const e = p + 2 + (b[p + 1] as number);
          if (e > b.length) throw new Error("field 3 overruns the message");
          nameRanges.push(p + 2, e);
          p = e;
        }
        namesEnd = p;
        cursor.pos = p;
        continue;
      }
      case 4:
        typeUrl = b.toString("utf8", pos, end);
        break;
      case 5:
        responseNonce = b.toString("utf8", pos, end);
        break;
      case 6:
        errorDetail = messageType("google.rpc.Status").decode(b.subarray(pos, end)) as ProtoStatus;
        break;
    }
    cursor.pos = end;
  }
  let names: string[] | undefined;
  return {
    versionInfo,
    typeUrl,
    responseNonce,
    node,
    errorDetail,
    namesRaw: contiguous && namesStart >= 0 ? b.subarray(namesStart, namesEnd) : undefined,
    get resourceNames(): string[] {
      if (!names) {
        names = [];
        for (let i = 0; i < nameRanges.length; i += 2)
          names.push(b.toString("utf8", nameRanges[i], nameRanges[i + 1]));
      }
      return names;
    },
  };
}
