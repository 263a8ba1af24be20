// Envoy resources as plain objects ↔ protobuf bytes. The translate layer writes resources in the
// form protobufjs `fromObject` accepts (camelCase fields, enum names as strings, Duration as
// {seconds, nanos}) with one addition: a nested `google.protobuf.Any` is written inline as
// `{"@type": "type.googleapis.com/<message>", ...fields}` (as in Envoy's JSON config). The
// generated static code has no Any support for that form, so Any values are packed here, bottom
// up, before the outer message is built; decoding unpacks them again for goldens and config dumps.

import { messageTypeForUrl } from "./protos.js";

/** An Envoy message in the form above. */
export type EnvoyMessage = { readonly [field: string]: unknown };

export function encodeEnvoyMessage(typeUrl: string, message: EnvoyMessage): Uint8Array {
  const type = messageTypeForUrl(typeUrl);
  if (!type) throw new Error(`no generated message type for ${typeUrl}`);
  return type.encode(type.fromObject(packAnys(message) as object)).finish();
}

export function decodeEnvoyMessage(typeUrl: string, bytes: Uint8Array): EnvoyMessage {
  const type = messageTypeForUrl(typeUrl);
  if (!type) throw new Error(`no generated message type for ${typeUrl}`);
  const plain = type.toObject(type.decode(bytes), {
    enums: String,
    longs: Number,
    bytes: String,
    defaults: false,
  });
  return unpackAnys(plain) as EnvoyMessage;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * Packed Anys of frozen objects, by identity: generators share frozen pieces (filters, transport
 * sockets) across many resources, and a frozen object cannot change, so its bytes are computed
 * once.
 */
const packedFrozen = new WeakMap<object, { type_url: string; value: Uint8Array }>();

function packAnys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(packAnys);
  if (!isPlainObject(v)) return v;
  const typeUrl = v["@type"];
  const frozen = typeof typeUrl === "string" && Object.isFrozen(v);
  const known = frozen ? packedFrozen.get(v) : undefined;
  if (known) return known;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) if (k !== "@type") out[k] = packAnys(child);
  if (typeof typeUrl !== "string") return out;
  const packed = { type_url: typeUrl, value: encodeEnvoyMessage(typeUrl, out) };
  if (frozen) packedFrozen.set(v, packed);
  return packed;
}

function unpackAnys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unpackAnys);
  if (!isPlainObject(v)) return v;
  const typeUrl = v.type_url ?? v.typeUrl;
  if (typeof typeUrl === "string" && "value" in v && Object.keys(v).length === 2) {
    const raw = v.value;
    const bytes = typeof raw === "string" ? Buffer.from(raw, "base64") : (raw as Uint8Array);
    if (messageTypeForUrl(typeUrl))
      return { "@type": typeUrl, ...decodeEnvoyMessage(typeUrl, bytes) };
    return { "@type": typeUrl, value: Buffer.from(bytes).toString("base64") };
  }
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) out[k] = unpackAnys(child);
  return out;
}
