// The generators' memo (src/translate/memo.ts) shares pieces between proxies of one model; a key
// that missed an input would give one proxy another's output. For every golden scenario, each
// proxy and variants of it that mix in the others' labels, IPs, namespaces and kinds are generated
// on one shared model (in two orders) and each must equal its output from a model of its own.

import test from "ava";
import { join } from "node:path";
import { buildMeshModel } from "../../src/registry/mesh/mesh-model.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import { translateContext } from "../../src/translate/context.js";
import { generateAll } from "../../src/translate/index.js";
import { loadConfigObjects, loadScenario, scenarioNames } from "../helpers/scenario.js";

function variants(proxies: readonly ProxyView[]): ProxyView[] {
  const out: ProxyView[] = [];
  for (const p of proxies) {
    out.push(p);
    for (const q of proxies) {
      if (q === p) continue;
      out.push({ ...p, labels: q.labels });
      out.push({ ...p, ips: q.ips });
      out.push({ ...p, namespace: q.namespace });
      out.push({ ...q, kind: p.kind });
    }
    out.push({ ...p, labels: {} }, { ...p, ips: [] }, { ...p, locality: "r1/z1/s1" });
  }
  return out;
}

for (const name of await scenarioNames()) {
  test(`scenario ${name}: shared memo output equals a fresh model's, per proxy`, async (t) => {
    const scenario = await loadScenario(name);
    const objects = await loadConfigObjects(join(scenario.dir, "config"));
    const views = variants(scenario.proxies.map(({ name: _n, ...view }) => view));
    const alone = views.map((v) =>
      JSON.stringify(generateAll(translateContext(buildMeshModel(objects), v))),
    );
    for (const order of [views.map((_v, i) => i), views.map((_v, i) => views.length - 1 - i)]) {
      const shared = buildMeshModel(objects);
      for (const i of order) {
        const out = JSON.stringify(generateAll(translateContext(shared, views[i]!)));
        t.is(out, alone[i]!, `${name}: view ${JSON.stringify(views[i])}`);
      }
    }
  });
}
