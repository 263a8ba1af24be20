import test from "ava";
import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/run-cli.js";

const SERVICE = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 9080}]
`;

const BAD_WEIGHT_VS = `apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: "ninety"
`;

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "meshpilot-validate-"));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

test("the bundled examples validate clean (exit 0)", async (t) => {
  const r = await runCli(["validate", "examples/"]);
  t.is(r.code, 0, r.stdout + r.stderr);
  const m = /(\d+) files, (\d+) valid objects, 0 errors/.exec(r.stdout);
  t.truthy(m, r.stdout);
  t.true(Number(m![2]) >= 30, `only ${m![2]} objects in examples/`);
});

test("a clean tree exits 0 and counts its objects", async (t) => {
  const dir = await tree({
    "a.yaml": SERVICE("a"),
    "sub/b.yml": SERVICE("b") + "---\n" + SERVICE("c"),
  });
  const r = await runCli(["validate", dir]);
  t.is(r.code, 0, r.stdout);
  t.regex(r.stdout, /2 files, 3 valid objects, 0 errors/);
});

test("an invalid object exits 1 and names file, document, object and field", async (t) => {
  const dir = await tree({
    "ok.yaml": SERVICE("a"),
    "vs.yaml": SERVICE("reviews") + "---\n" + BAD_WEIGHT_VS,
  });
  const r = await runCli(["validate", dir], dir);
  t.is(r.code, 1);
  t.regex(
    r.stdout,
    /^vs\.yaml#1 \(line \d+\): VirtualService default\/reviews: spec\.http\[0\]\.route\[0\]\.weight: must be integer$/m,
  );
  t.regex(r.stdout, /2 files, 2 valid objects, 1 errors/);
});

test("--output json lists issues with source, object and path", async (t) => {
  const dir = await tree({ "vs.yaml": BAD_WEIGHT_VS });
  const r = await runCli(["validate", "--output", "json", dir], dir);
  t.is(r.code, 1);
  const out = JSON.parse(r.stdout);
  t.is(out.objects, 0);
  t.deepEqual(out.issues, [
    {
      severity: "error",
      source: { file: "vs.yaml", docIndex: 0, line: 1 },
      object: { kind: "VirtualService", namespace: "default", name: "reviews" },
      path: "spec.http[0].route[0].weight",
      message: "must be integer",
    },
  ]);
});

test("the same object in two files is an error naming both files", async (t) => {
  const dir = await tree({ "a.yaml": SERVICE("dup"), "b.yaml": SERVICE("dup") });
  const r = await runCli(["validate", dir], dir);
  t.is(r.code, 1);
  t.regex(
    r.stdout,
    /^b\.yaml#0 \(line 1\): Service default\/dup: metadata\.name: defined twice: here and in a\.yaml#0/m,
  );
});

test("usage errors exit 2", async (t) => {
  t.is((await runCli(["validate"])).code, 2);
  t.is((await runCli(["validate", "--output", "xml", "examples"])).code, 2);
  t.is((await runCli(["frobnicate"])).code, 2);
});

test("a path that does not exist is an error, not silence", async (t) => {
  const r = await runCli(["validate", "/nonexistent/meshpilot"]);
  t.is(r.code, 1);
  t.regex(r.stdout, /\/nonexistent\/meshpilot: cannot read: ENOENT/);
});

test("a YAML alias bomb is one error for its document, not a crash", async (t) => {
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 0; i < 12; i++)
    bomb.push(
      `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
    );
  const dir = await tree({ "bomb.yaml": bomb.join("\n") + "\n---\n" + SERVICE("after") });
  const r = await runCli(["validate", dir], dir);
  t.is(r.code, 1);
  t.regex(r.stdout, /^bomb\.yaml#0 \(line 1\): YAML: .*alias/im);
  t.regex(r.stdout, /1 valid objects, 1 errors/);
});
