// `meshpilot validate PATH…`: reads YAML files and directories the way `serve` does, prints
// every problem, and exits 0 when there is no error (warnings allowed), 1 otherwise.

import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { describeSource, keyString, type ConfigObject } from "../registry/config-object.js";
import { formatIssue, type ConfigIssue } from "../registry/config-issue.js";
import { readYamlText } from "../registry/sources/yaml-text.js";

export interface ValidateResult {
  readonly files: number;
  readonly objects: number;
  readonly issues: readonly ConfigIssue[];
}

const YAML_FILE = /\.(ya?ml|json)$/i;

export async function validatePaths(
  paths: readonly string[],
  cwd = process.cwd(),
): Promise<ValidateResult> {
  const files: string[] = [];
  const issues: ConfigIssue[] = [];
  for (const p of paths) {
    try {
      files.push(...(await collectFiles(p)));
    } catch (e) {
      issues.push({
        severity: "error",
        source: { file: p },
        path: "",
        message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      });
    }
  }
  files.sort();
  const firstDefinition = new Map<string, ConfigObject>();
  let objects = 0;
  for (const file of files) {
    const shown = relative(cwd, file) || file;
    const result = readYamlText(await readFile(file, "utf8"), shown);
    issues.push(...result.issues);
    for (const o of result.objects) {
      const key = keyString({
        kind: o.kind,
        namespace: o.metadata.namespace ?? "",
        name: o.metadata.name,
      });
      const first = firstDefinition.get(key);
      if (first) {
        issues.push({
          severity: "error",
          source: o.source,
          object: { kind: o.kind, namespace: o.metadata.namespace ?? "", name: o.metadata.name },
          path: "metadata.name",
          message: `defined twice: here and in ${describeSource(first.source)}; the first definition is used`,
        });
        continue;
      }
      firstDefinition.set(key, o);
      objects++;
    }
  }
  return { files: files.length, objects, issues };
}

async function collectFiles(path: string): Promise<string[]> {
  const s = await stat(path);
  if (s.isFile()) return [path];
  const out: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await collectFiles(full)));
    else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

export function renderValidateText(r: ValidateResult): string {
  const errors = r.issues.filter((i) => i.severity === "error").length;
  const warnings = r.issues.length - errors;
  const lines = r.issues.map(formatIssue);
  lines.push(
    `${r.files} files, ${r.objects} valid objects, ${errors} errors, ${warnings} warnings`,
  );
  return lines.join("\n") + "\n";
}

export function renderValidateJson(r: ValidateResult): string {
  return JSON.stringify({ files: r.files, objects: r.objects, issues: r.issues }, null, 2) + "\n";
}

export function hasErrors(r: ValidateResult): boolean {
  return r.issues.some((i) => i.severity === "error");
}
