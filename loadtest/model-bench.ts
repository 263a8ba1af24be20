// Model and generation benchmark (npm run bench:model): Workload A of the push-pipeline issue
// (fleet-mesh.ts) read from the YAML it writes, then the CPU cost of each step the push pipeline
// repeats: building the mesh model, an endpoint-only model update, and generating the four xDS
// types for one proxy view and for all proxy views of the fleet (10 per namespace, each with its
// own IP and labels, as fleet-run.ts connects them). Prints figures; asserts nothing.
//
//   node dist/loadtest/model-bench.js [--services 1000] [--endpoints 10000] [--namespaces 200]
//       [--proxies 2000] [--reps 5]

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResourceEncoder } from "../src/push/resource-encoder.js";
import { buildProxySnapshot } from "../src/push/proxy-snapshot.js";
import { keyOf, keyString, type ConfigObject } from "../src/registry/config-object.js";
import { buildMeshModel, type MeshModel } from "../src/registry/mesh/mesh-model.js";
import { updateMeshModel } from "../src/registry/mesh/mesh-model-update.js";
import type { ProxyView } from "../src/registry/mesh/types.js";
import { listConfigFiles } from "../src/registry/sources/config-file-tree.js";
import { readYamlText } from "../src/registry/sources/yaml-text.js";
import { translateContext } from "../src/translate/context.js";
import { generateClusters } from "../src/translate/clusters/index.js";
import { generateEndpoints } from "../src/translate/endpoints/index.js";
import { generateListeners } from "../src/translate/listeners/index.js";
import { generateRoutes } from "../src/translate/routes/index.js";
import { generateMesh, loopback, sliceYaml, WORKLOAD_A, type Mesh } from "./fleet-mesh.js";

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: not a number ≥ 0`);
  return v;
}

const spec = {
  ...WORKLOAD_A,
  services: arg("services", WORKLOAD_A.services),
  endpoints: arg("endpoints", WORKLOAD_A.endpoints),
  namespaces: arg("namespaces", WORKLOAD_A.namespaces),
};
const proxies = arg("proxies", 2000);
const reps = Math.max(1, arg("reps", 5));

/** CPU time of this process (ms): less disturbed than wall time by other load on the machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** Median CPU time (ms) of `reps` runs of fn. */
function timeMs(fn: () => void, n = reps): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = cpuMs();
    fn();
    t.push(cpuMs() - t0);
  }
  return median(t);
}

/** The fleet's proxies as the model sees them (fleet-run.ts proxySpecs → proxyViewOf). */
function fleetViews(mesh: Mesh, count: number): ProxyView[] {
  const NS = mesh.namespaces.length;
  return Array.from({ length: count }, (_, j) => {
    const nsIdx = j % NS;
    const inNs = mesh.services.filter((_s, i) => i % NS === nsIdx);
    const svc = inNs[Math.floor(j / NS) % Math.max(1, inNs.length)];
    const ip =
      svc?.addresses[Math.floor(j / NS / inNs.length) % svc.addresses.length] ??
      loopback(500_000 + j);
    return {
      kind: "sidecar",
      namespace: mesh.namespaces[nsIdx]!,
      labels: { app: svc?.name ?? "app", version: "v1" },
      ips: [ip],
      clusterId: "Kubernetes",
      serviceAccount: "default",
    };
  });
}

const TYPES = {
  clusters: generateClusters,
  endpoints: generateEndpoints,
  listeners: generateListeners,
  routes: generateRoutes,
} as const;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "model-bench-"));
  const mesh = generateMesh(join(dir, "mesh"), spec);
  const objects: ConfigObject[] = [];
  for (const f of await listConfigFiles(mesh.dir))
    objects.push(...readYamlText(readFileSync(f, "utf8"), f).objects);
  rmSync(dir, { recursive: true, force: true });
  const views = fleetViews(mesh, proxies);
  const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
  console.log(
    `workload: ${spec.services} services, ${spec.endpoints} endpoints, ${spec.namespaces} namespaces, ` +
      `${objects.length} objects; ${views.length} sidecar views (${new Set(views.map((v) => v.namespace)).size} namespaces); ` +
      `CPU ms, median of ${reps}; node ${process.version}`,
  );

  let model: MeshModel = buildMeshModel(objects);
  console.log(`buildMeshModel: ${fmt(timeMs(() => (model = buildMeshModel(objects))))}`);

  // One endpoint-only change: the first service's EndpointSlice loses its last address.
  const svc = mesh.services[0]!;
  const changed = { ...svc, addresses: svc.addresses.slice(0, -1) };
  const slice = readYamlText(sliceYaml(changed), svc.sliceFile).objects[0]!;
  const sliceKey = keyString(keyOf(slice));
  const after = objects.map((o) => (keyString(keyOf(o)) === sliceKey ? slice : o));
  const base = model;
  console.log(`endpoint change, full rebuild: ${fmt(timeMs(() => buildMeshModel(after)))}`);
  console.log(
    `endpoint change, updateMeshModel: ${fmt(timeMs(() => updateMeshModel(base, after, [keyOf(slice)])))}`,
  );

  const one = views[0]!;
  const perType = (vs: readonly ProxyView[], fresh: boolean): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [type, gen] of Object.entries(TYPES)) {
      const runs: number[] = [];
      for (let i = 0; i < reps; i++) {
        const m = fresh ? buildMeshModel(objects) : model;
        const t0 = cpuMs();
        for (const v of vs) gen(translateContext(m, v));
        runs.push(cpuMs() - t0);
      }
      out[type] = median(runs);
    }
    return out;
  };
  const show = (label: string, r: Record<string, number>): void => {
    const total = Object.values(r).reduce((a, x) => a + x, 0);
    const parts = Object.entries(r).map(([t, ms]) => `${t} ${fmt(ms)}`);
    console.log(`${label}: ${fmt(total)} (${parts.join(", ")})`);
  };
  perType([one], false);
  show("generate 4 types, one view (warm model)", perType([one], false));
  show(`generate 4 types, ${views.length} views (new model each time)`, perType(views, true));

  const encoder = new ResourceEncoder();
  const first = buildMeshModel(objects);
  const t0 = cpuMs();
  for (const v of views) buildProxySnapshot(first, v, encoder);
  const all = cpuMs() - t0;
  console.log(
    `buildProxySnapshot (generate + encode), ${views.length} views, empty encoder: ${fmt(all)} ` +
      `(${encoder.encodes} encodes, ${encoder.hits} hits)`,
  );
  const next = timeMs(() => {
    encoder.nextGeneration();
    const m = buildMeshModel(objects);
    for (const v of views) buildProxySnapshot(m, v, encoder);
  });
  console.log(
    `buildProxySnapshot, ${views.length} views, next model version (same content, encoder warm): ` +
      `${fmt(next)} (${((next / views.length) * 1000).toFixed(0)} µs per view, model build included)`,
  );
}

await main();
