// Last-good and duplicate rules of the directory source, without a filesystem.

import test from "ava";
import type { ConfigIssue } from "../../src/registry/config-issue.js";
import type { ConfigObject } from "../../src/registry/config-object.js";
import { DefinitionTable } from "../../src/registry/sources/definition-table.js";
import type { YamlTextResult } from "../../src/registry/sources/yaml-text.js";

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const K = (name: string) => `Gateway/default/${name}`;
const tagOf = (o: ConfigObject | undefined) => (o?.body.spec as { tag?: string } | undefined)?.tag;

function gw(file: string, docIndex: number, name: string, tag = ""): ConfigObject {
  return {
    apiVersion: "networking.istio.io/v1beta1",
    kind: "Gateway",
    metadata: { name, namespace: "default" },
    body: { spec: { tag } },
    source: { file, docIndex },
  };
}

function invalid(file: string, docIndex: number, name?: string): ConfigIssue {
  return {
    severity: "error",
    source: { file, docIndex },
    ...(name ? { object: { kind: "Gateway", namespace: "default", name } } : {}),
    path: name ? "spec.servers" : "",
    message: "broken",
  };
}

function read(
  objects: ConfigObject[],
  issues: ConfigIssue[] = [],
  unreadable = false,
): YamlTextResult {
  return { objects, issues, hasUnreadableDocuments: unreadable };
}

test("a file's objects are served; leaving one out of a clean file deletes it", (t) => {
  const table = new DefinitionTable(byName);
  t.deepEqual([...table.readFile("a", read([gw("a", 0, "x"), gw("a", 1, "y")]))], [K("x"), K("y")]);
  t.is(table.winner(K("y"))?.metadata.name, "y");
  table.readFile("a", read([gw("a", 0, "x")]));
  t.is(table.winner(K("y")), undefined);
  t.deepEqual(table.issues(), []);
});

test("an object that turns invalid keeps its last good definition, with a warning", (t) => {
  const table = new DefinitionTable(byName);
  const good = gw("a", 0, "x", "v1");
  table.readFile("a", read([good]));
  table.readFile("a", read([], [invalid("a", 0, "x")]));
  t.is(table.winner(K("x")), good);
  const issues = table.issues();
  t.deepEqual(
    issues.map((i) => i.severity),
    ["error", "warning"],
  );
  t.regex(
    issues[1]!.message,
    /new version is invalid; the last valid version \(a#0\) keeps serving/,
  );
  // An object that was never valid has nothing to keep.
  table.readFile("a", read([good], [invalid("a", 1, "z")]));
  t.is(table.winner(K("z")), undefined);
});

test("an unreadable or unnamed document keeps everything no longer seen", (t) => {
  const table = new DefinitionTable(byName);
  const x = gw("a", 0, "x");
  const y = gw("a", 1, "y");
  table.readFile("a", read([x, y]));
  table.readFile("a", read([gw("a", 1, "y", "new")], [invalid("a", 0)], true));
  t.is(table.winner(K("x")), x, "kept: it may be in the unreadable document");
  t.is(tagOf(table.winner(K("y"))), "new");
  // A document rejected before its name was known is as ambiguous as bad YAML.
  table.readFile("a", read([], [invalid("a", 0)], false));
  t.is(table.winner(K("x")), x);
  t.truthy(table.winner(K("y")));
  // Deleting the file deletes what it defined, kept or not.
  t.deepEqual([...table.removeFile("a")].sort(), [K("x"), K("y")]);
  t.is(table.winner(K("x")), undefined);
  t.deepEqual(table.issues(), []);
});

test("duplicates: first accepted serves, the error names both, the next takes over", (t) => {
  const table = new DefinitionTable(byName);
  const fromB = gw("b", 0, "x", "b");
  table.readFile("b", read([fromB]));
  table.readFile("a", read([gw("a", 0, "x", "a")]));
  t.is(table.winner(K("x")), fromB, "b was accepted first, whatever the names");
  const [dup] = table.issues();
  t.is(dup?.source.file, "a");
  t.regex(dup!.message, /^defined twice: in a#0 and in b#0; the one in b#0 is used$/);
  // Re-reading the winner keeps its place in line.
  const fromB2 = gw("b", 0, "x", "b2");
  table.readFile("b", read([fromB2]));
  t.is(table.winner(K("x")), fromB2);
  table.removeFile("b");
  t.is(tagOf(table.winner(K("x"))), "a");
  t.deepEqual(table.issues(), []);
});

test("the same key twice in one file: the earlier document serves", (t) => {
  const table = new DefinitionTable(byName);
  table.readFile("a", read([gw("a", 0, "x", "first"), gw("a", 2, "x", "second")]));
  t.is(tagOf(table.winner(K("x"))), "first");
  t.regex(table.issues()[0]!.message, /in a#2 and in a#0/);
});

test("an unreadable file keeps its definitions and reports why", (t) => {
  const table = new DefinitionTable(byName);
  const x = gw("a", 0, "x");
  table.readFile("a", read([x]));
  table.fileUnreadable("a", invalid("a", 0));
  t.is(table.winner(K("x")), x);
  t.is(table.issues().length, 1);
});
