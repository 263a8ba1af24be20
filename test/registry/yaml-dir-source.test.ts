// The YAML directory source against real files in a temp dir and the real watcher.

import test from "ava";
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatIssue } from "../../src/registry/config-issue.js";
import { YamlDirSource } from "../../src/registry/sources/yaml-dir-source.js";
import { ConfigDir, docs, virtualService as vs } from "../helpers/config-dir.js";

const key = (name: string) => ({ kind: "VirtualService" as const, namespace: "default", name });
const hostsOf = (h: ConfigDir, name: string) =>
  (h.store.get(key(name))?.body.spec as { hosts?: string[] } | undefined)?.hosts;
const issueText = (h: ConfigDir) => h.source.currentIssues().map(formatIssue).join("\n");

test("initial load reads a nested multi-document tree and skips hidden and non-YAML files", async (t) => {
  const h = await ConfigDir.start({
    "a.yaml": docs(vs("a1", "one"), vs("a2", "two")),
    "sub/b.yml": vs("b", "three"),
    "sub/deeper/c.json": JSON.stringify({
      apiVersion: "networking.istio.io/v1beta1",
      kind: "VirtualService",
      metadata: { name: "c", namespace: "default" },
      spec: { hosts: ["four"], http: [{ route: [{ destination: { host: "four" } }] }] },
    }),
    ".hidden.yaml": vs("hidden", "x"),
    ".git/d.yaml": vs("git", "x"),
    "notes.txt": vs("txt", "x"),
  });
  t.teardown(() => h.close());
  t.deepEqual(h.initial.changes.added, [key("a1"), key("a2"), key("b"), key("c")]);
  t.is(h.initial.changes.version, 1);
  t.deepEqual(h.initial.batch.issues, []);
  t.deepEqual(h.store.get(key("b"))?.source, { file: "sub/b.yml", docIndex: 0, line: 1 });
});

test("a missing directory is a clear error from start()", async (t) => {
  const missing = join(tmpdir(), "meshpilot-no-such-dir-" + process.pid);
  const source = new YamlDirSource({ dirs: [missing], onBatch: () => {} });
  await t.throwsAsync(() => source.start(), {
    message: `config directory ${missing} does not exist`,
  });
});

test("add, modify, touch, and delete a file", async (t) => {
  const h = await ConfigDir.start({ "a.yaml": vs("a", "one") });
  t.teardown(() => h.close());

  const before = Date.now();
  await h.write("b.yaml", vs("b", "two"));
  const added = await h.nextBatch();
  t.deepEqual(added.changes.added, [key("b")]);
  t.true(added.batch.eventAt >= before && added.batch.eventAt <= Date.now(), "when it was seen");

  await h.write("b.yaml", vs("b", "three"));
  const modified = await h.nextBatch();
  t.deepEqual(modified.changes.updated, [key("b")]);
  t.deepEqual(hostsOf(h, "b"), ["three"]);

  // An annotation-only edit reaches the store but changes nothing there.
  await h.write("b.yaml", vs("b", "three", "  annotations: {description: hello}"));
  const annotated = await h.nextBatch();
  t.is(annotated.batch.upserts.length, 1);
  t.deepEqual(annotated.changes.updated, []);
  t.is(annotated.changes.version, modified.changes.version);

  await h.remove("b.yaml");
  const deleted = await h.nextBatch();
  t.deepEqual(deleted.changes.deleted, [key("b")]);
  t.deepEqual(deleted.changes.added, []);
  t.truthy(h.store.get(key("a")));
});

test("rename inside the tree is no change; renamed out of the tree is a delete", async (t) => {
  const h = await ConfigDir.start({ "a.yaml": docs(vs("a", "one"), vs("b", "two")) });
  const outside = await mkdtemp(join(tmpdir(), "meshpilot-outside-"));
  t.teardown(async () => {
    await h.close();
    await rm(outside, { recursive: true, force: true });
  });

  await h.rename("a.yaml", "sub-renamed.yaml");
  const renamed = await h.nextBatch();
  t.deepEqual(renamed.changes, { version: 1, added: [], updated: [], deleted: [] });
  t.is(h.store.get(key("a"))?.source.file, "sub-renamed.yaml");
  t.deepEqual(renamed.batch.deletes, []);

  await h.rename("sub-renamed.yaml", join(outside, "gone.yaml"));
  const out = await h.nextBatch();
  t.deepEqual(out.changes.deleted, [key("a"), key("b")]);
  t.is(h.store.size, 0);
});

test("atomic saves (temp file renamed over; vim's backup dance) are one update", async (t) => {
  // A wider quiet window than usual: the steps below are separate awaits, and a loaded CI
  // machine must not split them (an editor does them within microseconds).
  const h = await ConfigDir.start({ "a.yaml": vs("a", "one") }, { quietMs: 300, maxDelayMs: 1000 });
  t.teardown(() => h.close());

  await h.write("a.yaml.tmp", vs("a", "two"));
  await h.rename("a.yaml.tmp", "a.yaml");
  const atomic = await h.nextBatch();
  t.deepEqual(atomic.changes.updated, [key("a")]);
  t.deepEqual(atomic.changes.deleted, []);
  t.deepEqual(hostsOf(h, "a"), ["two"]);

  await h.rename("a.yaml", "a.yaml~");
  await h.write("a.yaml", vs("a", "three"));
  await h.remove("a.yaml~");
  const vim = await h.nextBatch();
  t.deepEqual(vim.changes, { version: 3, added: [], updated: [key("a")], deleted: [] });
  t.deepEqual(hostsOf(h, "a"), ["three"]);
});

test("an object that turns invalid keeps its last good version until fixed", async (t) => {
  const h = await ConfigDir.start({ "a.yaml": docs(vs("a", "one"), vs("b", "two")) });
  t.teardown(() => h.close());

  const invalidA = vs("a", "one").replace("hosts: [one]", "hosts: 5");
  await h.write("a.yaml", docs(invalidA, vs("b", "three")));
  const broken = await h.nextBatch();
  t.deepEqual(broken.changes.updated, [key("b")], "the valid neighbour still applies");
  t.deepEqual(broken.batch.deletes, []);
  t.deepEqual(hostsOf(h, "a"), ["one"], "last good version keeps serving");
  t.regex(
    issueText(h),
    /a\.yaml#0 \(line 1\): VirtualService default\/a: spec\.hosts: must be array/,
  );
  t.regex(issueText(h), /last valid version .* keeps serving/);
  t.true(broken.batch.issues.some((i) => i.severity === "error" && i.object?.name === "a"));

  await h.write("a.yaml", docs(vs("a", "fixed"), vs("b", "three")));
  const fixed = await h.nextBatch();
  t.deepEqual(fixed.changes.updated, [key("a")]);
  t.deepEqual(hostsOf(h, "a"), ["fixed"]);
  t.deepEqual(h.source.currentIssues(), []);
});

test("bad YAML in one document: the others apply, objects of the unreadable part are kept", async (t) => {
  const h = await ConfigDir.start({ "a.yaml": docs(vs("a", "one"), vs("b", "two")) });
  t.teardown(() => h.close());

  const badYaml =
    "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nspec: {hosts: [a\n";
  await h.write("a.yaml", docs(badYaml, vs("b", "changed"), vs("c", "new")));
  const batch = await h.nextBatch();
  t.deepEqual(batch.changes.added, [key("c")]);
  t.deepEqual(batch.changes.updated, [key("b")]);
  t.deepEqual(batch.changes.deleted, [], "a cannot be told apart from breakage, so it stays");
  t.deepEqual(hostsOf(h, "a"), ["one"]);
  t.regex(issueText(h), /a\.yaml#0.*YAML:/);

  // Once the file reads cleanly again, leaving `a` out deletes it.
  await h.write("a.yaml", docs(vs("b", "changed"), vs("c", "new")));
  const clean = await h.nextBatch();
  t.deepEqual(clean.changes.deleted, [key("a")]);
  t.deepEqual(h.source.currentIssues(), []);
});

test("bad YAML at initial load is reported and the rest of the directory applies", async (t) => {
  const h = await ConfigDir.start({
    "a.yaml": docs("kind: [oops\n", vs("a", "one")),
    "b.yaml": vs("b", "two"),
  });
  t.teardown(() => h.close());
  t.deepEqual(h.initial.changes.added, [key("a"), key("b")]);
  t.regex(h.initial.batch.issues.map(formatIssue).join("\n"), /a\.yaml#0.*YAML:/);
});

test("a file the YAML library refuses outright is reported; what it defined keeps serving", async (t) => {
  const h = await ConfigDir.start({ "a.yaml": vs("a", "one"), "b.yaml": vs("b", "two") });
  t.teardown(() => h.close());
  const aliasBomb = [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "",
  ].join("\n");
  await h.write("a.yaml", aliasBomb);
  await h.write("b.yaml", vs("b", "three"));
  let updated = 0;
  while (updated === 0) updated = (await h.nextBatch()).changes.updated.length;
  t.deepEqual(hostsOf(h, "b"), ["three"]);
  t.deepEqual(hostsOf(h, "a"), ["one"]);
  t.regex(issueText(h), /a\.yaml#0 \(line 1\): YAML: Excessive alias count/);
});

test("the same object in two files: error names both, the first serves, then hands over", async (t) => {
  const h = await ConfigDir.start({
    "a.yaml": vs("x", "from-a"),
    "b.yaml": vs("x", "from-b"),
  });
  t.teardown(() => h.close());
  t.deepEqual(h.initial.changes.added, [key("x")]);
  t.deepEqual(hostsOf(h, "x"), ["from-a"]);
  const issues = h.source.currentIssues();
  t.is(issues.length, 1);
  t.is(issues[0]?.severity, "error");
  t.regex(formatIssue(issues[0]!), /b\.yaml#0.*defined twice.*b\.yaml#0.*a\.yaml#0/);

  // Editing the loser changes nothing served (that alone delivers no batch; `c` is the marker).
  await h.write("b.yaml", vs("x", "from-b-2"));
  await h.write("c.yaml", vs("c", "marker"));
  const loser = await h.nextBatch();
  t.deepEqual(loser.changes.added, [key("c")]);
  t.deepEqual(loser.changes.updated, []);
  t.deepEqual(hostsOf(h, "x"), ["from-a"]);

  await h.remove("a.yaml");
  const handover = await h.nextBatch();
  t.deepEqual(handover.changes.updated, [key("x")]);
  t.deepEqual(hostsOf(h, "x"), ["from-b-2"]);
  t.deepEqual(h.source.currentIssues(), []);
});

test("with several directories, the first directory given wins a duplicate", async (t) => {
  const h = await ConfigDir.start(
    { "second/a.yaml": vs("x", "from-second"), "first/z.yaml": vs("x", "from-first") },
    { roots: ["first", "second"] },
  );
  t.teardown(() => h.close());
  t.deepEqual(hostsOf(h, "x"), ["from-first"]);
  t.regex(issueText(h), /second\/a\.yaml#0.*defined twice.*the one in first\/z\.yaml#0 is used/);
  await h.write("second/b.yaml", vs("y", "two"));
  t.deepEqual((await h.nextBatch()).changes.added, [key("y")]);
});

test("a file renamed to a config name is picked up", async (t) => {
  const h = await ConfigDir.start({ "draft.txt": vs("d", "draft") });
  t.teardown(() => h.close());
  t.is(h.store.size, 0);
  await h.rename("draft.txt", "draft.yaml");
  t.deepEqual((await h.nextBatch()).changes.added, [key("d")]);
});

test("the same object twice in one file names both documents", async (t) => {
  const h = await ConfigDir.start({ "a.yaml": docs(vs("x", "first"), vs("x", "second")) });
  t.teardown(() => h.close());
  t.deepEqual(hostsOf(h, "x"), ["first"]);
  t.regex(issueText(h), /a\.yaml#1.*defined twice.*a\.yaml#0/);
});

test("a burst of 20 writes coalesces into one or a few batches", async (t) => {
  const h = await ConfigDir.start({});
  t.teardown(() => h.close());
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => h.write(`burst-${i}.yaml`, vs(`v${i}`, `host${i}`))),
  );
  let batches = 0;
  while (h.store.size < 20) {
    await h.nextBatch();
    batches++;
  }
  t.true(batches <= 3, `${batches} batches`);
  t.is(h.store.version, batches, "every batch changed something");
});

test("a directory moved into the tree is loaded; moved out, its objects are deleted", async (t) => {
  const h = await ConfigDir.start({ "a.yaml": vs("a", "one") });
  const outside = await mkdtemp(join(tmpdir(), "meshpilot-outside-"));
  t.teardown(async () => {
    await h.close();
    await rm(outside, { recursive: true, force: true });
  });
  await mkdir(join(outside, "team", "nested"), { recursive: true });
  await writeFile(join(outside, "team", "t.yaml"), vs("t", "team"));
  await writeFile(join(outside, "team", "nested", "n.yaml"), vs("n", "nested"));

  await h.rename(join(outside, "team"), "team");
  const added: string[] = [];
  while (added.length < 2) added.push(...(await h.nextBatch()).changes.added.map((k) => k.name));
  t.deepEqual(added.sort(), ["n", "t"]);

  await h.rename("team", join(outside, "team-again"));
  const deleted: string[] = [];
  while (deleted.length < 2)
    deleted.push(...(await h.nextBatch()).changes.deleted.map((k) => k.name));
  t.deepEqual(deleted.sort(), ["n", "t"]);
  t.truthy(h.store.get(key("a")));
});

test("a removed config directory keeps serving; when it comes back it is read again", async (t) => {
  const h = await ConfigDir.start(
    { "a.yaml": vs("a", "one"), "sub/b.yaml": vs("b", "two") },
    { rootPollMs: 50 },
  );
  t.teardown(() => h.close());

  await rm(h.dir, { recursive: true });
  let gone = await h.nextBatch();
  while (!gone.batch.issues.some((i) => /disappeared/.test(i.message))) gone = await h.nextBatch();
  t.deepEqual(gone.batch.deletes, []);
  t.is(h.store.size, 2, "nothing deleted");
  t.regex(issueText(h), /config directory disappeared; what it defined keeps serving/);

  await mkdir(h.dir);
  await h.write("a.yaml", vs("a", "back"));
  let back = await h.nextBatch();
  while (back.batch.upserts.length + back.batch.deletes.length === 0) back = await h.nextBatch();
  t.deepEqual(back.changes.updated, [key("a")]);
  t.deepEqual(back.changes.deleted, [key("b")], "b.yaml is not in the directory that came back");
  t.deepEqual(h.source.currentIssues(), []);

  // And it is watched again.
  await h.write("c.yaml", vs("c", "three"));
  t.deepEqual((await h.nextBatch()).changes.added, [key("c")]);
});

test("a Kubernetes ConfigMap volume update (the ..data symlink swap) is an update", async (t) => {
  // The layout kubelet writes: files are links into ..data, which links to a timestamped folder.
  const h = await ConfigDir.start({ "..v1/a.yaml": vs("a", "one") });
  t.teardown(() => h.close());
  await symlink("..v1", h.path("..data"));
  await symlink("..data/a.yaml", h.path("a.yaml"));
  t.deepEqual((await h.nextBatch()).changes.added, [key("a")]);

  await h.write("..v2/a.yaml", vs("a", "two"));
  await symlink("..v2", h.path("..data_tmp"));
  await rename(h.path("..data_tmp"), h.path("..data"));
  await h.remove("..v1");
  const swapped = await h.nextBatch();
  t.deepEqual(swapped.changes.updated, [key("a")]);
  t.deepEqual(hostsOf(h, "a"), ["two"]);
});
