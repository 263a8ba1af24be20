// Turns one parsed YAML document into a ConfigObject, or rejects it with issues that name the
// source, the object and the field. Order: envelope (apiVersion, kind, metadata) → the maintained
// JSON schema for that apiVersion → Istio's own rules for the kind (rules/*.ts).

import type { ConfigObject, SourceRef } from "../config-object.js";
import type { ConfigIssue } from "../config-issue.js";
import { KIND_INFO, isKind, type Kind } from "../kinds.js";
import { fromJsonPointer } from "./field-path.js";
import { Report } from "./report.js";
import { KIND_RULES } from "./rules/index.js";
import { isDns1123Label, isDns1123Subdomain } from "./rules/names.js";

export interface DocumentResult {
  /** The accepted object; absent when any error was found. */
  readonly object?: ConfigObject;
  readonly issues: readonly ConfigIssue[];
}

export interface ValidateOptions {
  /** Namespace for namespaced objects that do not name one (kubectl's default). */
  readonly defaultNamespace?: string;
}

type Doc = Record<string, unknown>;

function isRecord(v: unknown): v is Doc {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function validateDocument(
  doc: unknown,
  source: SourceRef,
  opts: ValidateOptions = {},
): DocumentResult {
  const envelope = new Report(source);
  if (!isRecord(doc)) {
    envelope.error(
      "",
      "document is not a mapping (expected a Kubernetes-style object with apiVersion, kind and metadata)",
    );
    return { issues: envelope.issues };
  }
  const { apiVersion, kind, metadata } = doc;
  if (typeof kind !== "string" || kind === "") {
    envelope.error("kind", "kind is missing");
    return { issues: envelope.issues };
  }
  if (!isKind(kind)) {
    envelope.error(
      "kind",
      `unknown kind "${kind}" (meshpilot reads ${Object.keys(KIND_INFO).join(", ")})`,
    );
    return { issues: envelope.issues };
  }
  const info = KIND_INFO[kind];
  if (typeof apiVersion !== "string" || !(apiVersion in info.versions)) {
    envelope.error(
      "apiVersion",
      `apiVersion ${JSON.stringify(apiVersion ?? null)} is not served for ${kind}; use one of ${Object.keys(info.versions).join(", ")}`,
    );
    return { issues: envelope.issues };
  }
  if (!isRecord(metadata) || typeof metadata.name !== "string" || metadata.name === "") {
    envelope.error("metadata.name", `${kind} has no metadata.name`);
    return { issues: envelope.issues };
  }
  const name = metadata.name;
  const namespace = info.namespaced
    ? typeof metadata.namespace === "string" && metadata.namespace !== ""
      ? metadata.namespace
      : (opts.defaultNamespace ?? "default")
    : "";
  const report = new Report(source, { kind, namespace, name });

  if (!isDns1123Subdomain(name))
    report.error(
      "metadata.name",
      `name "${name}" is not a valid DNS-1123 subdomain (lower case letters, digits, '-' and '.', at most 253 characters)`,
    );
  if (info.namespaced && !isDns1123Label(namespace))
    report.error("metadata.namespace", `namespace "${namespace}" is not a valid DNS-1123 label`);

  const schema = info.versions[apiVersion];
  if (schema) {
    try {
      new schema({
        ...doc,
        // networking.istio.io/v1 and security.istio.io/v1 PeerAuthentication are checked against
        // the v1beta1 schema (same shape); the schema pins its own apiVersion.
        apiVersion: schema.apiVersion ?? apiVersion,
        metadata: { ...metadata, namespace: namespace || undefined },
      }).validate();
    } catch (e) {
      for (const err of schemaErrors(e)) report.error(err.path, err.message);
    }
  }
  if (!report.hasErrors) KIND_RULES[kind]?.(doc, report, { kind, namespace, name, apiVersion });
  if (report.hasErrors) return { issues: report.issues };

  const { apiVersion: _a, kind: _k, metadata: _m, status, ...rest } = doc;
  // Status is dropped (it is not configuration), except for Pods: the pod IP and readiness the
  // mesh model needs live in status.podIP / status.conditions.
  const body = kind === "Pod" && isRecord(status) ? { ...rest, status } : rest;
  const object: ConfigObject = {
    apiVersion,
    kind: kind as Kind,
    metadata: {
      ...(metadata as unknown as ConfigObject["metadata"]),
      name,
      ...(info.namespaced ? { namespace } : {}),
    },
    body,
    source,
  };
  return { object, issues: report.issues };
}

interface SchemaError {
  path: string;
  message: string;
}

/** Reads @kubernetes-models ValidationError (ajv errors) into plain path + message pairs. */
function schemaErrors(e: unknown): SchemaError[] {
  const errs = (
    e as {
      errors?: Array<{
        instancePath?: string;
        message?: string;
        keyword?: string;
        params?: Record<string, unknown>;
      }>;
    }
  ).errors;
  if (!Array.isArray(errs) || errs.length === 0)
    return [{ path: "", message: String((e as Error).message ?? e) }];
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const err of errs) {
    // ajv reports every failed branch of oneOf/anyOf; the branch errors say more than the summary.
    if (err.keyword === "oneOf" || err.keyword === "anyOf" || err.keyword === "if") continue;
    let path = fromJsonPointer(err.instancePath ?? "");
    let message = err.message ?? "is invalid";
    if (err.keyword === "required" && typeof err.params?.missingProperty === "string") {
      path = path ? `${path}.${err.params.missingProperty}` : err.params.missingProperty;
      message = "is required";
    } else if (err.keyword === "enum" && Array.isArray(err.params?.allowedValues)) {
      message = `must be one of ${(err.params.allowedValues as unknown[]).filter((v) => v !== null).join(", ")}`;
    }
    const k = `${path}|${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ path, message });
  }
  return out.length ? out : [{ path: "", message: "does not match the schema" }];
}
