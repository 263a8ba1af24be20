// The MeshConfig and MeshNetworks kinds (meshpilot.io/v1alpha1), and the istio ConfigMap whose
// `mesh` and `meshNetworks` keys hold the same settings as YAML text.

import { parse } from "yaml";
import { formatPath } from "../field-path.js";
import type { KindRule } from "./rule-types.js";
import { validateMeshConfigSpec } from "./mesh-config.js";
import { validateMeshNetworksSpec } from "./mesh-networks.js";
import { rec, type IssueSink, type Path } from "./shape.js";

export const meshConfigRule: KindRule = (doc, report) => {
  validateMeshConfigSpec(doc.spec ?? {}, report, ["spec"]);
};

export const meshNetworksRule: KindRule = (doc, report) => {
  validateMeshNetworksSpec(doc.spec ?? {}, report, ["spec"]);
};

/** Name of the ConfigMap that carries mesh settings (Istio keeps it in istio-system). */
export const MESH_CONFIG_MAP_NAME = "istio";

export const configMapRule: KindRule = (doc, report, ctx) => {
  if (ctx.name !== MESH_CONFIG_MAP_NAME) return;
  const data = rec(doc.data) ?? {};
  checkEmbedded(report, "data.mesh", data.mesh, validateMeshConfigSpec);
  checkEmbedded(report, "data.meshNetworks", data.meshNetworks, validateMeshNetworksSpec);
};

type EmbeddedValidator = (spec: unknown, sink: IssueSink, pathPrefix: Path) => void;

/** Reports problems inside an embedded YAML string at `field`, the inner path leading the message. */
function nestedSink(outer: IssueSink, field: string): IssueSink {
  const wrap = (path: Path | string, message: string) => {
    const inner = typeof path === "string" ? path : formatPath(path);
    return inner ? `${inner}: ${message}` : message;
  };
  return {
    error: (path, message) => outer.error(field, wrap(path, message)),
    warn: (path, message) => outer.warn(field, wrap(path, message)),
  };
}

function checkEmbedded(
  report: IssueSink,
  field: string,
  text: unknown,
  validate: EmbeddedValidator,
): void {
  if (text === undefined) return;
  if (typeof text !== "string") {
    report.error(field, "must be a YAML string");
    return;
  }
  let parsed: unknown;
  try {
    parsed = parse(text, { uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    report.error(field, `is not valid YAML: ${first}`);
    return;
  }
  if (parsed === null || parsed === undefined) return;
  validate(parsed, nestedSink(report, field), []);
}
