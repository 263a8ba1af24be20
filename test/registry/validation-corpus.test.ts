// The corpus of invalid configs (test/fixtures/invalid/): each file holds one mistake and states,
// in its leading comments, the one error it must produce — which object, which field, which words.

import test from "ava";
import { KINDS } from "../../src/registry/kinds.js";
import { readdirSync, readFileSync } from "node:fs";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { formatIssue, type ConfigIssue } from "../../src/registry/config-issue.js";
import { repoPath } from "../helpers/repo.js";

const DIR = repoPath("test/fixtures/invalid");
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

interface Expectation {
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

function expectationsOf(text: string, file: string): Expectation {
  const found: Record<string, string> = {};
  for (const m of text.matchAll(/^# expect-(object|path|message):[ \t]?(.*)$/gm))
    found[m[1] as string] = (m[2] ?? "").trim();
  const { object, path, message } = found;
  if (object === undefined || path === undefined || message === undefined)
    throw new Error(`${file}: needs # expect-object, # expect-path and # expect-message comments`);
  return { object, path, message };
}

function objectName(i: ConfigIssue): string {
  if (!i.object) return "none";
  const ns = i.object.namespace ? `${i.object.namespace}/` : "";
  return `${i.object.kind} ${ns}${i.object.name}`;
}

test("the corpus has at least 40 fixtures", (t) => {
  t.true(FILES.length >= 40, `only ${FILES.length} fixtures`);
});

test("the corpus covers every kind", (t) => {
  const kinds = new Set<string>();
  for (const file of FILES) {
    const { object } = expectationsOf(readFileSync(`${DIR}/${file}`, "utf8"), file);
    if (object !== "none") kinds.add(object.split(" ")[0] ?? "");
  }
  // Every kind meshpilot reads, so a kind added to kinds.ts needs a fixture too.
  for (const kind of KINDS) t.true(kinds.has(kind), `no fixture for ${kind}`);
});

for (const file of FILES) {
  test(`${file}`, (t) => {
    const text = readFileSync(`${DIR}/${file}`, "utf8");
    const want = expectationsOf(text, file);
    const result = readYamlText(text, `test/fixtures/invalid/${file}`);
    const errors = result.issues.filter((i) => i.severity === "error");
    const shown = result.issues.map(formatIssue).join("\n");
    t.is(errors.length, 1, `expected exactly one error, got:\n${shown}`);
    const [error] = errors;
    if (!error) return;
    t.is(objectName(error), want.object, shown);
    t.is(error.path, want.path, shown);
    t.true(
      error.message.includes(want.message),
      `message should contain "${want.message}":\n${shown}`,
    );
    t.is(result.objects.length, 0, "the invalid object must not be accepted");
  });
}
