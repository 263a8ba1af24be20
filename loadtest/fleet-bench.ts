// Fleet benchmark of the push-pipeline issue (npm run bench:fleet): a simulated proxy fleet
// against the real `meshpilot serve`, with endpoint and config churn. See docs/benchmarks.md
// ("Fleet benchmark") and fleet-run.ts.
//
//   node dist/loadtest/fleet-bench.js [--services 1000] [--endpoints 10000] [--namespaces 200]
//       [--proxies 2000] [--procs 2] [--variant sotw|delta] [--transport grpc-js|http2]
//       [--rate 20] [--duration 60] [--singles 3] [--connect-step 500]
//       [--nack 0] [--stall 0] [--client-nice 0] [--out loadtest/results/<date>] [--keep-mesh]

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULTS, markdownReport, runFleet, type FleetOptions } from "./fleet-run.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}
const num = (name: string, def: number): number => {
  const v = Number(arg(name, String(def)));
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: not a number ≥ 0`);
  return v;
};

const root = fileURLToPath(new URL("../../", import.meta.url));
const day = new Date().toISOString().slice(0, 10);
const variant = arg("variant", DEFAULTS.variant);
const transport = arg("transport", DEFAULTS.transport);
if (variant !== "sotw" && variant !== "delta") throw new Error("--variant: sotw or delta");
if (transport !== "grpc-js" && transport !== "http2")
  throw new Error("--transport: grpc-js or http2");

const opts: FleetOptions = {
  services: num("services", DEFAULTS.services),
  endpoints: num("endpoints", DEFAULTS.endpoints),
  namespaces: num("namespaces", DEFAULTS.namespaces),
  proxies: num("proxies", DEFAULTS.proxies),
  procs: Math.max(1, num("procs", DEFAULTS.procs)),
  variant,
  transport,
  rate: num("rate", DEFAULTS.rate),
  duration: num("duration", DEFAULTS.duration),
  singles: num("singles", DEFAULTS.singles),
  connectStep: Math.max(1, num("connect-step", DEFAULTS.connectStep)),
  nackFraction: num("nack", DEFAULTS.nackFraction),
  stallFraction: num("stall", DEFAULTS.stallFraction),
  clientNice: Math.min(19, num("client-nice", DEFAULTS.clientNice)),
  outDir: arg("out", join(root, "loadtest", "results", day)),
  meshDir: join(root, "loadtest", "results", "tmp", `fleet-mesh-${process.pid}`),
  keepMesh: process.argv.includes("--keep-mesh"),
  command: `node dist/loadtest/fleet-bench.js ${process.argv.slice(2).join(" ")}`.trim(),
  log: (line) => console.log(line),
};

const report = await runFleet(opts);
console.log("");
console.log(markdownReport(report));
console.log(`report: ${report.files.json}`);
console.log(`        ${report.files.markdown}`);
console.log(`plots:  ${report.files.latencySvg}`);
console.log(`        ${report.files.rssSvg}`);
process.exit(0);
