// Builds a mesh model from inline YAML for the model tests; any rejected document fails the test.

import { formatIssue } from "../../src/registry/config-issue.js";
import { buildMeshModel, type MeshModel } from "../../src/registry/mesh/index.js";
import type { MeshModelOptions } from "../../src/registry/mesh/types.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";

export function modelFromYaml(text: string, options: MeshModelOptions = {}): MeshModel {
  const { objects, issues } = readYamlText(text, "inline.yaml");
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new Error(errors.map(formatIssue).join("\n"));
  return buildMeshModel(objects, options);
}

/** A sidecar proxy in `namespace` with `labels` (and optionally IPs). */
export function sidecar(
  namespace: string,
  labels: Record<string, string> = {},
  ips: string[] = [],
) {
  return { kind: "sidecar" as const, namespace, labels, ips };
}
