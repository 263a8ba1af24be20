// Smoke run of the fleet benchmark (loadtest/fleet-run.ts) at a tiny size against the real
// `meshpilot serve`: it must complete and produce every report field. No timing is asserted.

import test from "ava";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULTS, runFleet } from "../../loadtest/fleet-run.js";

test("fleet benchmark completes at a tiny size and reports every field", async (t) => {
  t.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), "fleet-smoke-"));
  try {
    const report = await runFleet({
      ...DEFAULTS,
      services: 20,
      endpoints: 100,
      namespaces: 5,
      proxies: 50,
      procs: 2,
      rate: 5,
      duration: 3,
      singles: 1,
      connectStep: 25,
      nackFraction: 0.04,
      stallFraction: 0.04,
      outDir: join(dir, "out"),
      meshDir: join(dir, "mesh"),
      command: "fleet-smoke.test",
      log: (line) => t.log(line),
    });
    for (const f of Object.values(report.files)) t.true(existsSync(f), f);
    const json = JSON.parse(readFileSync(report.files.json, "utf8")) as Record<string, unknown>;
    for (const k of [
      "date",
      "machine",
      "loadAverage",
      "connect",
      "memoryPerProxyKB",
      "singleEndpointChange",
      "singles",
      "pushesToUnaffectedProxies",
      "globalDestinationRule",
      "globalDestinationRuleWindow",
      "targets",
      "churn",
      "totals",
      "churnEvents",
    ])
      t.true(k in json, `report has ${k}`);
    t.is(report.connect.at(-1)?.proxies, 50);
    t.is(report.fleet.nack, 2);
    t.is(report.fleet.stall, 2);
    t.is(report.singleEndpointChange.length, 1);
    t.true(report.churn.events > 0);
    for (const k of ["p50", "p99", "max"] as const)
      t.is(typeof report.churn.eventToLastAckMs[k], "number");
    for (const k of [
      "pushesPerSecond",
      "serverCpuSPer1000Pushes",
      "bytesSent",
      "serverModelVersionsPushed",
    ] as const)
      t.is(typeof report.churn[k], "number");
    for (const w of [report.singles.window, report.globalDestinationRuleWindow]) {
      t.true(w.serverPushes > 0);
      for (const k of ["pushesPerSecond", "serverCpuSPer1000Pushes", "bytesSent"] as const)
        t.is(typeof w[k], "number");
    }
    t.is(typeof report.singles.eventToLastAckMs.p99, "number");
    t.true("lag" in report.churn);
    t.is(report.targets.length, 6);
    for (const target of report.targets) t.not(target.value, "");
    t.is(typeof report.totals.bytesSent, "number");
    t.true(report.totals.bytesSent > 0);
    t.true(readFileSync(report.files.latencySvg, "utf8").startsWith("<svg"));
    t.true(readFileSync(report.files.rssSvg, "utf8").startsWith("<svg"));
    const md = readFileSync(report.files.markdown, "utf8");
    t.true(md.includes("| figure | value |"));
    t.regex(md, /\| target \| this run \| verdict \|/);
    t.regex(
      md,
      /one endpoint change: event-to-last-ACK p99 ≤ 300 ms \|[^\n]*\| (\*\*pass\*\*|\*\*FAIL\*\*) \|/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
