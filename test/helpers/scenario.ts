// Translation scenarios: test/fixtures/scenarios/<name>/ holds the input mesh (config/*.yaml), the
// proxies to generate for (proxies.yaml), and the expected resources per proxy and kind
// (expected/<proxy>/<kind>.yaml, reviewed by hand). `npm run golden:update` rewrites the expected
// files from the current generators (UPDATE_GOLDEN=1, or a comma list of kinds, e.g. routes).

import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { buildMeshModel } from "../../src/registry/mesh/mesh-model.js";
import type { MeshModel } from "../../src/registry/mesh/mesh-model.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import type { ConfigObject } from "../../src/registry/config-object.js";
import { formatIssue } from "../../src/registry/config-issue.js";
import { repoPath } from "./repo.js";

export const SCENARIOS_DIR = repoPath("test/fixtures/scenarios");

export interface ScenarioProxy extends ProxyView {
  /** Name of the proxy in the scenario (the expected/<name>/ folder). */
  readonly name: string;
}

export interface Scenario {
  readonly name: string;
  readonly dir: string;
  readonly model: MeshModel;
  readonly proxies: readonly ScenarioProxy[];
}

export async function scenarioNames(): Promise<string[]> {
  const entries = await readdir(SCENARIOS_DIR, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Reads every YAML file under `dir` (recursively) as one mesh; any config error throws. */
export async function loadConfigObjects(dir: string): Promise<ConfigObject[]> {
  const objects: ConfigObject[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true, recursive: true })).sort((a, b) =>
    join(a.parentPath, a.name).localeCompare(join(b.parentPath, b.name)),
  )) {
    if (!e.isFile() || !/\.ya?ml$/.test(e.name)) continue;
    const file = join(e.parentPath, e.name);
    const r = readYamlText(await readFile(file, "utf8"), file);
    const errors = r.issues.filter((i) => i.severity === "error");
    if (errors.length > 0)
      throw new Error(`scenario config is invalid:\n${errors.map(formatIssue).join("\n")}`);
    objects.push(...r.objects);
  }
  return objects;
}

export async function loadScenario(name: string): Promise<Scenario> {
  const dir = join(SCENARIOS_DIR, name);
  const objects = await loadConfigObjects(join(dir, "config"));
  const proxies = parse(await readFile(join(dir, "proxies.yaml"), "utf8")) as ScenarioProxy[];
  for (const p of proxies) {
    if (!p.name || !p.kind || !p.namespace)
      throw new Error(`${name}/proxies.yaml: each proxy needs name, kind, namespace`);
  }
  return {
    name,
    dir,
    model: buildMeshModel(objects),
    proxies: proxies.map((p) => ({ ...p, labels: p.labels ?? {}, ips: p.ips ?? [] })),
  };
}
