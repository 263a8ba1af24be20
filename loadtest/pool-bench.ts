// Compute pool micro benchmark (npm run bench:pool): Workload A (fleet-mesh.ts), every xDS type
// of V proxy views generated and encoded (1) in this thread, as SnapshotPipeline does, and (2)
// through the compute pool into PooledSnapshots. Two rounds each: "initial" (first model, cold
// encoders) and "after change" (one EndpointSlice changed: a new model version, every view
// regenerated, encoders warm). Prints wall time, process CPU (all threads), main-thread busy time
// (event-loop utilisation) and the bytes transferred back from the workers. See docs/benchmarks.md.
//
//   node dist/loadtest/pool-bench.js [--views 2000] [--threads N] [--keep-mesh]

import { readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { ConfigDelta } from "../src/actors/messages.js";
import { buildProxySnapshot, typeUrlOf } from "../src/push/proxy-snapshot.js";
import { proxyViewKey } from "../src/push/proxy-view.js";
import { ResourceEncoder } from "../src/push/resource-encoder.js";
import type { ConfigObject } from "../src/registry/config-object.js";
import { ConfigStore } from "../src/registry/config-store.js";
import { buildMeshModel } from "../src/registry/mesh/mesh-model.js";
import type { ProxyView } from "../src/registry/mesh/types.js";
import { readYamlText } from "../src/registry/sources/yaml-text.js";
import { resolveComputeThreads } from "../src/settings.js";
import { ComputePool } from "../src/workers/compute-pool.js";
import { PooledSnapshots } from "../src/workers/pooled-snapshots.js";
import { generateMesh, loopback, WORKLOAD_A, type Mesh } from "./fleet-mesh.js";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}
const VIEWS = Number(arg("views", "2000"));
const THREADS = Number(arg("threads", String(resolveComputeThreads(process.env))));
const TYPES = (["clusters", "endpoints", "listeners", "routes"] as const).map(typeUrlOf);

function readObjects(dir: string): ConfigObject[] {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  return files.flatMap((f) => readYamlText(readFileSync(join(dir, f), "utf8"), f).objects);
}

/** V sidecar views as the fleet benchmark's proxies: round-robin over namespaces and services. */
function views(mesh: Mesh, count: number): Array<{ key: string; view: ProxyView }> {
  const ns = mesh.namespaces;
  return Array.from({ length: count }, (_, j) => {
    const namespace = ns[j % ns.length] as string;
    const inNs = mesh.services.filter((s) => s.namespace === namespace);
    const svc = inNs[Math.floor(j / ns.length) % Math.max(1, inNs.length)];
    const ip = svc?.addresses[0] ?? loopback(500_000 + j);
    const view: ProxyView = {
      kind: "sidecar",
      namespace,
      labels: { app: svc?.name ?? "app", version: "v1" },
      ips: [ip],
    };
    return { key: proxyViewKey(view), view };
  });
}

interface Figures {
  wallMs: number;
  cpuMs: number;
  mainBusyMs: number;
  bytes?: number;
}

async function measure(run: () => unknown): Promise<Figures> {
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, mainBusyMs: elu.active };
}

/** One changed EndpointSlice (its first address moved), as the delta ingest would publish. */
function endpointChange(store: ConfigStore): ConfigDelta {
  const slice = store.list("EndpointSlice").find((o) => o.metadata.namespace === "ns-000");
  if (!slice) throw new Error("no EndpointSlice in ns-000");
  const endpoints = (slice.body["endpoints"] as Array<Record<string, unknown>>).map((e, i) =>
    i === 0 ? { ...e, addresses: ["127.250.0.1"] } : e,
  );
  const changed = { ...slice, body: { ...slice.body, endpoints } };
  const base = store.version;
  const c = store.apply([changed], []);
  return {
    type: "config-delta",
    version: c.version,
    baseVersion: base,
    eventAt: Date.now(),
    upserts: [changed],
    deletes: [],
  };
}

const meshDir = join(tmpdir(), `meshpilot-pool-bench-${process.pid}`);
const mesh = generateMesh(meshDir, WORKLOAD_A);
const objects = readObjects(meshDir);
const list = views(mesh, VIEWS);
console.log(
  `Workload A: ${objects.length} objects, ${list.length} views (${new Set(list.map((v) => v.key)).size} distinct); ` +
    `${THREADS} pool threads; ${cpus().length} CPUs; load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
);

// (1) In this thread: build the model, then every view's snapshot through one ResourceEncoder.
const store = new ConfigStore();
store.apply(objects, []);
const encoder = new ResourceEncoder();
const inThreadRound = () => {
  const model = buildMeshModel(store.list());
  encoder.nextGeneration();
  const done = new Set<string>(); // as SnapshotPipeline: one snapshot per view key and version
  for (const { key, view } of list)
    if (!done.has(key)) {
      buildProxySnapshot(model, view, encoder);
      done.add(key);
    }
};
const inThread = [await measure(inThreadRound)];
endpointChange(store);
inThread.push(await measure(inThreadRound));

// (2) Through the pool: a fresh store at the same starting point, the pool started first and
// warmed (threads up, replicas caught up by snapshot) before measuring.
const poolStore = new ConfigStore();
poolStore.apply(objects, []);
const pool = new ComputePool({ store: poolStore, threads: THREADS });
const warm = await measure(() =>
  Promise.all(
    Array.from({ length: THREADS }, () =>
      pool.generate({
        version: poolStore.version,
        viewKey: "warm",
        view: list[0]!.view,
        types: [],
      }),
    ),
  ),
);
const snapshots = new PooledSnapshots(pool);
const pooled: Figures[] = [];
for (const round of [0, 1]) {
  if (round === 1) pool.publish(endpointChange(poolStore));
  const bytes0 = pool.bytesReceived;
  const f = await measure(() => snapshots.prepare(list, TYPES, poolStore.version));
  pooled.push({ ...f, bytes: pool.bytesReceived - bytes0 });
}
await pool.close();
if (!process.argv.includes("--keep-mesh")) rmSync(meshDir, { recursive: true, force: true });

const ms = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
const mb = (x: number | undefined) => (x === undefined ? "—" : `${(x / 1e6).toFixed(1)} MB`);
console.log(
  `\npool start (threads up, snapshot, first model per worker): ${ms(warm.wallMs)} wall, ${ms(warm.cpuMs)} CPU\n`,
);
console.log("| round | where | wall | CPU (all threads) | main-thread busy | bytes transferred |");
console.log("|---|---|---|---|---|---|");
for (const [i, name] of ["initial", "after change"].entries()) {
  const a = inThread[i]!;
  const b = pooled[i]!;
  console.log(
    `| ${name} | in-thread | ${ms(a.wallMs)} | ${ms(a.cpuMs)} | ${ms(a.mainBusyMs)} | — |`,
  );
  console.log(
    `| ${name} | pool (${THREADS}) | ${ms(b.wallMs)} | ${ms(b.cpuMs)} | ${ms(b.mainBusyMs)} | ${mb(b.bytes)} |`,
  );
}
console.log(
  `\nresult resources: ${snapshots.resources.created} created, ${snapshots.resources.hits} shared from cache; ` +
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
);
process.exit(0);
