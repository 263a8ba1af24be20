import test from "ava";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfigRoots,
  isConfigFileName,
  listConfigFiles,
} from "../../src/registry/sources/config-file-tree.js";

test("config file names: yaml, yml and json, not hidden, not editor leftovers", (t) => {
  for (const ok of ["a.yaml", "b.YML", "dir/c.json", "/x/.y/d.yaml"])
    t.true(isConfigFileName(ok), ok);
  for (const no of [".a.yaml", "a.yaml~", "a.yaml.swp", "a.yaml.tmp", "4913", "notes.txt"])
    t.false(isConfigFileName(no), no);
});

test("roots: hidden is judged below the root only; files order by root, then path", (t) => {
  const roots = new ConfigRoots(["/srv/.config/b", "/srv/a", "/srv/a"]);
  t.deepEqual(roots.dirs, ["/srv/.config/b", "/srv/a"]);
  t.false(roots.isHidden("/srv/.config/b/x.yaml"));
  t.true(roots.isHidden("/srv/.config/b/.git/x.yaml"));
  t.true(roots.isHidden("/srv/a/..data/x.yaml"));
  t.is(roots.rootIndexOf("/srv/ab/x.yaml"), -1);
  const files = ["/srv/a/b.yaml", "/srv/a/a.yaml", "/srv/.config/b/z.yaml"];
  t.deepEqual(files.sort(roots.compareFiles), [
    "/srv/.config/b/z.yaml",
    "/srv/a/a.yaml",
    "/srv/a/b.yaml",
  ]);
});

test("listConfigFiles walks recursively, follows links once, skips hidden", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "meshpilot-tree-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, "a", "b"), { recursive: true });
  await mkdir(join(dir, ".hidden"));
  await writeFile(join(dir, "top.yaml"), "");
  await writeFile(join(dir, "a", "b", "deep.yml"), "");
  await writeFile(join(dir, ".hidden", "x.yaml"), "");
  await writeFile(join(dir, "a", "readme.md"), "");
  await symlink(dir, join(dir, "a", "loop")); // a link back to the root must not loop forever
  const found = (await listConfigFiles(dir)).map((f) => f.slice(dir.length + 1)).sort();
  t.deepEqual(found, ["a/b/deep.yml", "top.yaml"]);
});

test("a missing or non-directory root is a clear error", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "meshpilot-tree-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, "file.yaml"), "");
  await t.throwsAsync(() => new ConfigRoots([join(dir, "nope")]).checkExist(), {
    message: `config directory ${join(dir, "nope")} does not exist`,
  });
  await t.throwsAsync(() => new ConfigRoots([join(dir, "file.yaml")]).checkExist(), {
    message: `config directory ${join(dir, "file.yaml")} is not a directory`,
  });
});
