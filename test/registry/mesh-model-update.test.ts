// updateMeshModel (endpoint-only changes from the previous model) must give the model a full
// build gives: for the golden scenarios and a generated mesh, a seeded sequence of random
// EndpointSlice / Endpoints changes (addresses dropped or added, readiness flipped, objects
// deleted, copied, re-labelled to another Service) is applied incrementally, each model built
// from the last incremental one, and every proxy's generated output is compared with a full
// rebuild's at every step. Any other kind falls back to a full build.

import test from "ava";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyOf, type ConfigObject } from "../../src/registry/config-object.js";
import { buildMeshModel, type MeshModel } from "../../src/registry/mesh/mesh-model.js";
import { updateMeshModel } from "../../src/registry/mesh/mesh-model-update.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import { listConfigFiles } from "../../src/registry/sources/config-file-tree.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { translateContext } from "../../src/translate/context.js";
import { generateAll } from "../../src/translate/index.js";
import { generateMesh } from "../../loadtest/fleet-mesh.js";
import { loadConfigObjects, loadScenario, scenarioNames } from "../helpers/scenario.js";

/** Park–Miller, so a failure can be replayed. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
}

type Body = Record<string, unknown>;
const isEndpointKind = (o: ConfigObject) => o.kind === "EndpointSlice" || o.kind === "Endpoints";

/** One random change to an endpoint object: the new object list and the key changed. */
function change(objects: ConfigObject[], pick: (n: number) => number, step: number) {
  const candidates = objects.filter(isEndpointKind);
  const o = candidates[pick(candidates.length)]!;
  const rest = objects.filter((x) => x !== o);
  const copy = structuredClone(o) as ConfigObject & {
    body: Body;
    metadata: { name: string; labels?: Record<string, string> };
  };
  const list = (o.kind === "EndpointSlice" ? copy.body.endpoints : copy.body.subsets) as
    Body[] | undefined;
  const op = pick(5);
  switch (op === 2 && candidates.length < 2 ? 0 : op) {
    case 0: // drop an endpoint / subset
      if (list && list.length > 0) list.splice(pick(list.length), 1);
      return { objects: [...rest, copy], key: keyOf(o) };
    case 1: // flip readiness (slices) or move addresses to not ready (Endpoints)
      for (const e of list ?? []) {
        if (o.kind === "EndpointSlice") {
          const c = (e.conditions ?? {}) as Body;
          e.conditions = { ...c, ready: c.ready === false };
        } else if (e.addresses) [e.addresses, e.notReadyAddresses] = [[], e.addresses];
      }
      return { objects: [...rest, copy], key: keyOf(o) };
    case 2: // delete
      return { objects: rest, key: keyOf(o) };
    case 3: {
      // a copy under a new name (slices: for another Service of the namespace)
      copy.metadata.name = `${o.metadata.name}-copy${step}`;
      const services = objects.filter(
        (s) => s.kind === "Service" && s.metadata.namespace === o.metadata.namespace,
      );
      const other = services[pick(Math.max(1, services.length))];
      if (o.kind === "EndpointSlice" && other)
        copy.metadata.labels = {
          ...copy.metadata.labels,
          "kubernetes.io/service-name": other.metadata.name,
        };
      return { objects: [...objects, copy], key: keyOf(copy) };
    }
    default: // duplicate the addresses (a second endpoint per address)
      if (list && list[0]) list.push(structuredClone(list[0]));
      return { objects: [...rest, copy], key: keyOf(o) };
  }
}

const output = (model: MeshModel, views: readonly ProxyView[]) =>
  views.map((v) => JSON.stringify(generateAll(translateContext(model, v))));

function checkSequence(
  t: { is: (a: unknown, b: unknown, m?: string) => void },
  start: ConfigObject[],
  views: readonly ProxyView[],
  seed: number,
  steps: number,
): void {
  const pick = rng(seed);
  let objects = start;
  let model = buildMeshModel(objects);
  for (let i = 0; i < steps; i++) {
    const c = change(objects, pick, i);
    objects = c.objects;
    model = updateMeshModel(model, objects, [c.key]);
    const full = output(buildMeshModel(objects), views);
    const incremental = output(model, views);
    views.forEach((v, j) =>
      t.is(
        incremental[j],
        full[j],
        `step ${i} (${JSON.stringify(c.key)}), view ${JSON.stringify(v)}`,
      ),
    );
  }
}

for (const name of await scenarioNames()) {
  test(`scenario ${name}: random endpoint changes, incremental = full build`, async (t) => {
    const scenario = await loadScenario(name);
    const objects = await loadConfigObjects(join(scenario.dir, "config"));
    if (!objects.some(isEndpointKind)) return t.pass("no endpoint objects");
    checkSequence(t, objects, scenario.proxies, 7 + name.length, 25);
  });
}

test("generated mesh: random endpoint changes, incremental = full build", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-update-"));
  const mesh = generateMesh(dir, { services: 24, endpoints: 96, namespaces: 4, sharedServices: 2 });
  const objects: ConfigObject[] = [];
  for (const f of await listConfigFiles(dir))
    objects.push(...readYamlText(readFileSync(f, "utf8"), f).objects);
  rmSync(dir, { recursive: true, force: true });
  const views: ProxyView[] = mesh.services.slice(0, 8).map((s) => ({
    kind: "sidecar",
    namespace: s.namespace,
    labels: { app: s.name, version: "v1" },
    ips: [s.addresses[0]!],
    clusterId: "Kubernetes",
  }));
  checkSequence(t, objects, views, 42, 40);
});

test("a change to any other kind builds the model whole", (t) => {
  const model = buildMeshModel([]);
  const next = updateMeshModel(model, [], [{ kind: "Service", namespace: "a", name: "b" }]);
  t.not(next.sidecars, model.sidecars);
});
