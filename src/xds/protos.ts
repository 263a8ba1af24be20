// Access to the protobufjs static code generated at build time (scripts/gen-protos.mjs →
// dist/gen/envoy-protos.cjs) from the Envoy .proto files shipped by @grpc/grpc-js-xds.
//
// Why static code: it was the fastest fresh encoder measured here (about 2x protobufjs reflection,
// see docs/benchmarks.md), and it loads in under 100 ms. The protocol edge itself only decodes the
// small request messages; responses are assembled from cached bytes (wire.ts). Types below are
// written by hand for the fields meshpilot reads: pbts cannot type comment-less static code.
// Pitfalls: Any's fields are `type_url`/`value`; enums must be numbers for encode().

import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface GeneratedType {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
  fromObject(object: object): object;
  toObject(message: object, options?: object): Record<string, unknown>;
}

let root: Record<string, unknown> | undefined;

function generated(): Record<string, unknown> {
  if (!root) {
    try {
      root = require("../../gen/envoy-protos.cjs") as Record<string, unknown>;
    } catch (e) {
      throw new Error(
        `generated protobuf code is missing (run "npm run build" or node scripts/gen-protos.mjs): ${(e as Error).message}`,
      );
    }
  }
  return root;
}

/** The generated message class for a full name, e.g. `envoy.config.cluster.v3.Cluster`. */
export function messageType(fullName: string): GeneratedType {
  let node: unknown = generated();
  for (const part of fullName.split(".")) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (typeof node !== "function") throw new Error(`no generated message type ${fullName}`);
  return node as unknown as GeneratedType;
}

/** Looks a type up by its type URL (`type.googleapis.com/<full name>`); undefined if unknown. */
export function messageTypeForUrl(typeUrl: string): GeneratedType | undefined {
  if (byUrl.has(typeUrl)) return byUrl.get(typeUrl);
  const name = typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
  let type: GeneratedType | undefined;
  try {
    type = messageType(name);
  } catch {
    type = undefined;
  }
  byUrl.set(typeUrl, type);
  return type;
}

/** messageTypeForUrl's answers: a lookup walks the generated namespace tree. */
const byUrl = new Map<string, GeneratedType | undefined>();

/** Encodes a plain object (protobufjs static form: camelCase, enums as numbers). */
export function encodeMessage(fullName: string, message: object): Uint8Array {
  return messageType(fullName).encode(message).finish();
}

// ---- decoded request shapes (only what the server reads) ----

export interface ProtoValue {
  nullValue?: number;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: { values?: ProtoValue[] };
  kind?: string;
}
export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}
export interface ProtoLocality {
  region?: string;
  zone?: string;
  subZone?: string;
}
export interface ProtoNode {
  id?: string;
  cluster?: string;
  metadata?: ProtoStruct | null;
  locality?: ProtoLocality | null;
  userAgentName?: string;
  userAgentVersion?: string;
  clientFeatures?: string[];
}
export interface ProtoStatus {
  code?: number;
  message?: string;
}
export interface DiscoveryRequest {
  versionInfo?: string;
  node?: ProtoNode | null;
  resourceNames?: string[];
  typeUrl?: string;
  responseNonce?: string;
  errorDetail?: ProtoStatus | null;
}
export interface DeltaDiscoveryRequest {
  node?: ProtoNode | null;
  typeUrl?: string;
  resourceNamesSubscribe?: string[];
  resourceNamesUnsubscribe?: string[];
  initialResourceVersions?: Record<string, string>;
  responseNonce?: string;
  errorDetail?: ProtoStatus | null;
}

const DR = "envoy.service.discovery.v3.DiscoveryRequest";
const DDR = "envoy.service.discovery.v3.DeltaDiscoveryRequest";

export function decodeDiscoveryRequest(bytes: Uint8Array): DiscoveryRequest {
  return messageType(DR).decode(bytes) as DiscoveryRequest;
}
export function decodeDeltaDiscoveryRequest(bytes: Uint8Array): DeltaDiscoveryRequest {
  return messageType(DDR).decode(bytes) as DeltaDiscoveryRequest;
}

/** Struct → plain JSON value. */
export function structToJson(s: ProtoStruct | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s?.fields ?? {})) out[k] = valueToJson(v);
  return out;
}

function valueToJson(v: ProtoValue): unknown {
  if (v.structValue != null) return structToJson(v.structValue);
  if (v.listValue != null) return (v.listValue.values ?? []).map(valueToJson);
  if (v.stringValue != null && v.kind !== "numberValue" && v.kind !== "boolValue")
    return v.stringValue;
  if (v.numberValue != null && v.kind !== "boolValue") return v.numberValue;
  if (v.boolValue != null) return v.boolValue;
  return null;
}

/** Plain JSON → Struct (for test clients and bootstraps). */
export function jsonToStruct(obj: Record<string, unknown>): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const [k, v] of Object.entries(obj)) fields[k] = jsonToValue(v);
  return { fields };
}

function jsonToValue(v: unknown): ProtoValue {
  if (v === null || v === undefined) return { nullValue: 0 };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "number") return { numberValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(jsonToValue) } };
  return { structValue: jsonToStruct(v as Record<string, unknown>) };
}
