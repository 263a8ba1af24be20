// Envoy's .proto files loaded with protobufjs reflection (not the static code meshpilot encodes
// with), so the `(validate.rules)` field options and `(validate.required)` oneof options declared
// in them are visible. Files come from the @grpc/grpc-js-xds package (deps/). Message types that
// appear only inside an Any (filters, transport sockets, …) are loaded on demand: the package of a
// type names its folder (envoy.extensions.filters.http.fault.v3 → envoy/extensions/filters/http/
// fault/v3/), and every .proto file of that folder is read.

import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import protobuf from "protobufjs";

const require = createRequire(import.meta.url);
const depsDir = join(dirname(require.resolve("@grpc/grpc-js-xds/package.json")), "deps");
const INCLUDE_DIRS = [
  ...["envoy-api", "xds", "googleapis", "protoc-gen-validate"].map((d) => join(depsDir, d)),
  // google/protobuf/descriptor.proto and friends ship with protobufjs itself.
  dirname(require.resolve("protobufjs/package.json")),
];

/** Files every check needs: the four xDS resource types and their imports. */
const BASE_FILES = [
  "envoy/config/listener/v3/listener.proto",
  "envoy/config/route/v3/route.proto",
  "envoy/config/cluster/v3/cluster.proto",
  "envoy/config/endpoint/v3/endpoint.proto",
  "envoy/extensions/transport_sockets/tls/v3/secret.proto",
];

let root: protobuf.Root | undefined;
const loadedDirs = new Set<string>();

function resolveImport(_origin: string, target: string): string | null {
  for (const dir of INCLUDE_DIRS) {
    const file = join(dir, target);
    if (existsSync(file)) return file;
  }
  return existsSync(target) ? target : null;
}

function envoyRoot(): protobuf.Root {
  if (!root) {
    root = new protobuf.Root();
    root.resolvePath = resolveImport;
    root.loadSync(BASE_FILES, { keepCase: false, alternateCommentMode: false });
    root.resolveAll();
  }
  return root;
}

/** Reads every .proto file of the folder a package names, once. */
function loadPackageDir(pkg: string): void {
  const rel = pkg.split(".").join("/");
  if (loadedDirs.has(rel)) return;
  loadedDirs.add(rel);
  for (const inc of INCLUDE_DIRS) {
    const dir = join(inc, rel);
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".proto"))
      .map((f) => `${rel}/${f}`);
    if (files.length === 0) continue;
    const r = envoyRoot();
    try {
      r.loadSync(files, { keepCase: false, alternateCommentMode: false });
      r.resolveAll();
    } catch (e) {
      // The type stays unknown (and is reported as such); keep the reason for the report.
      loadErrors.set(rel, (e as Error).message);
    }
  }
}

const loadErrors = new Map<string, string>();

/** Why the folder of a type's package could not be read, if it could not. */
export function loadErrorFor(fullName: string): string | undefined {
  const parts = fullName.split(".");
  for (let n = parts.length - 1; n > 0; n--) {
    const err = loadErrors.get(parts.slice(0, n).join("/"));
    if (err) return err;
  }
  return undefined;
}

function lookup(fullName: string): protobuf.Type | undefined {
  try {
    return envoyRoot().lookupType(fullName);
  } catch {
    return undefined;
  }
}

/** The reflected message type for a full name (loading its package on demand), or undefined. */
export function reflectedType(fullName: string): protobuf.Type | undefined {
  const found = lookup(fullName);
  if (found) return found;
  const parts = fullName.split(".");
  // The package is the name without its last part(s); nested messages have several.
  for (let n = parts.length - 1; n > 0; n--) loadPackageDir(parts.slice(0, n).join("."));
  return lookup(fullName);
}

/** `type.googleapis.com/<full name>` → the reflected type, or undefined if Envoy has no such type. */
export function reflectedTypeForUrl(typeUrl: string): protobuf.Type | undefined {
  const slash = typeUrl.lastIndexOf("/");
  if (slash < 0) return undefined;
  return reflectedType(typeUrl.slice(slash + 1));
}

/** The report for a type URL that names no loadable Envoy message. */
export function unknownTypeMessage(typeUrl: string): string {
  const err = loadErrorFor(typeUrl.slice(typeUrl.lastIndexOf("/") + 1));
  return `${typeUrl} names no message in Envoy's protos${err ? ` (its protos did not load: ${err})` : ""}`;
}
