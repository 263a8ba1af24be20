import test from "ava";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoPath } from "../helpers/repo.js";
import { eventually, startServe } from "../helpers/serve-process.js";
import { runCli } from "../helpers/run-cli.js";

interface ConfigzEntry {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { http?: Array<{ route?: Array<{ destination: { subset?: string }; weight?: number }> }> };
  source: { file: string };
}

interface Issue {
  severity: "error" | "warning";
  object?: { kind: string; name: string };
  path: string;
  message: string;
}

test("serve loads the bookinfo example and lists it at /debug/configz", async (t) => {
  const serve = await startServe(["--config-dir", "examples/bookinfo"]);
  t.teardown(() => serve.stop());
  t.is((await serve.get("/ready")).status, 200);
  const configz = await serve.getJson<ConfigzEntry[]>("/debug/configz");
  const names = configz.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
  for (const expected of [
    "Service/default/reviews",
    "VirtualService/default/reviews",
    "DestinationRule/default/reviews",
    "Gateway/default/bookinfo-gateway",
    "WorkloadEntry/default/ratings-v2",
    "ConfigMap/istio-system/istio",
  ])
    t.true(names.includes(expected), expected);
  t.is(configz.length, 32);
  t.deepEqual(await serve.getJson("/debug/validationz"), []);
  t.deepEqual(await serve.getJson("/debug/syncz"), []);
  const metrics = await serve.get("/metrics");
  t.is(metrics.status, 200);
  t.regex(metrics.body, /^pilot_xds 0$/m);
  t.regex(metrics.body, /^process_resident_memory_bytes \d+/m);
  t.regex(metrics.body, /^process_start_time_seconds \d+/m);
  t.is((await serve.get("/debug/crash_actor?actor=ingest")).status, 404, "test hooks are off");
  t.is(await serve.stop(), 0);
});

test("serve keeps the last good version of an object edited into an invalid one, and takes the fix", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "meshpilot-serve-"));
  await cp(repoPath("examples/front-tomcat"), dir, { recursive: true });
  const serve = await startServe(["--config-dir", dir]);
  t.teardown(() => serve.stop());
  const file = join(dir, "virtual-service.yaml");
  const good = await readFile(file, "utf8");
  const weightsOf = async () => {
    const configz = await serve.getJson<ConfigzEntry[]>("/debug/configz");
    const vs = configz.find(
      (o) => o.kind === "VirtualService" && o.metadata.name === "front-tomcat",
    );
    return vs?.spec?.http?.[0]?.route?.map((r) => r.weight);
  };
  t.deepEqual(await weightsOf(), [90, 10]);

  await writeFile(file, good.replace("weight: 10", "weight: 20"));
  const issues = await eventually(async () => {
    const i = await serve.getJson<Issue[]>("/debug/validationz");
    return i.length > 0 ? i : undefined;
  }, "the invalid edit to be reported");
  const errors = issues.filter((i) => i.severity === "error");
  t.is(errors.length, 1, JSON.stringify(issues, null, 1));
  t.like(errors[0], {
    object: { kind: "VirtualService", name: "front-tomcat" },
    path: "spec.http[0].route",
  });
  t.regex(errors[0]!.message, /weights sum to 110/);
  t.true(
    issues.some(
      (i) => i.severity === "warning" && /last valid version .* keeps serving/.test(i.message),
    ),
  );
  t.deepEqual(await weightsOf(), [90, 10], "last good version still served");

  await writeFile(
    file,
    good.replace("weight: 90", "weight: 80").replace("weight: 10", "weight: 20"),
  );
  await eventually(
    async () => ((await weightsOf())?.[0] === 80 ? true : undefined),
    "the fix to apply",
  );
  t.deepEqual(await weightsOf(), [80, 20]);
  t.deepEqual(await serve.getJson("/debug/validationz"), []);
});

test("serve refuses a config dir that does not exist, and flags not built yet", async (t) => {
  const missing = await runCli([
    "serve",
    "--config-dir",
    "/nonexistent/meshpilot",
    "--monitoring-address",
    "127.0.0.1:0",
    "--xds-address",
    "127.0.0.1:0",
  ]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /\/nonexistent\/meshpilot/);
  const redis = await runCli([
    "serve",
    "--config-dir",
    "examples/bookinfo",
    "--redis",
    "redis://127.0.0.1:6379",
  ]);
  t.is(redis.code, 2);
  t.regex(redis.stderr, /--redis: .* not built yet/);
  const transport = await runCli([
    "serve",
    "--config-dir",
    "examples/bookinfo",
    "--xds-transport",
    "quic",
  ]);
  t.is(transport.code, 2);
  t.regex(transport.stderr, /--xds-transport: "quic" is not grpc-js or http2/);
  const none = await runCli(["serve"]);
  t.is(none.code, 2);
});
