// The parse cache of readConfigFiles: a file read again with the same text is not parsed again
// (the same result object comes back); changed text, or a file gone, is parsed or dropped anew.

import test from "ava";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readConfigFiles, type ParseCache } from "../../src/registry/sources/read-config-files.js";

const SERVICE = (port: number) => `apiVersion: v1
kind: Service
metadata: { name: a, namespace: default }
spec: { ports: [{ name: http, port: ${port} }] }
`;

test("an unchanged file is not parsed again; a changed or removed one is", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "read-config-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "a.yaml");
  await writeFile(file, SERVICE(80));
  const cache: ParseCache = new Map();
  const read = async () => (await readConfigFiles([file], (f) => f, {}, cache))[0]!;

  const first = await read();
  const again = await read();
  t.is(first.state, "read");
  t.true(first.state === "read" && again.state === "read" && first.result === again.result);

  await writeFile(file, SERVICE(81));
  const changed = await read();
  t.true(changed.state === "read" && first.state === "read" && changed.result !== first.result);
  t.is(changed.state === "read" ? changed.result.objects.length : 0, 1);

  await rm(file);
  t.is((await read()).state, "gone");
  t.false(cache.has(file));
});
