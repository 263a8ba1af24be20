// Pool output equals the in-thread snapshot byte for byte, for every proxy of every golden
// scenario: one pool, each scenario's config published as one delta replacing the last.

import test from "ava";
import { join } from "node:path";
import { buildProxySnapshot } from "../../src/push/proxy-snapshot.js";
import { proxyViewKey } from "../../src/push/proxy-view.js";
import { ResourceEncoder } from "../../src/push/resource-encoder.js";
import { buildMeshModel } from "../../src/registry/mesh/mesh-model.js";
import { loadConfigObjects, loadScenario, scenarioNames } from "../helpers/scenario.js";
import { ALL_TYPES, assertSameBytes, startPool } from "./helpers/pool-fixture.js";

test("pool results are byte-identical to buildProxySnapshot for the golden scenarios", async (t) => {
  const { pool, feed } = startPool(t, { threads: 2 });
  for (const name of await scenarioNames()) {
    const scenario = await loadScenario(name);
    const objects = await loadConfigObjects(join(scenario.dir, "config"));
    const version = feed.replaceAll(objects)?.version ?? feed.store.version;
    const model = buildMeshModel(objects);
    await Promise.all(
      scenario.proxies.map(async ({ name: proxyName, ...view }) => {
        const result = await pool.generate({
          version,
          viewKey: proxyViewKey(view),
          view,
          types: ALL_TYPES,
        });
        t.is(result.error, undefined, `${name}/${proxyName}`);
        const expected = buildProxySnapshot(model, view, new ResourceEncoder());
        assertSameBytes(t, result, expected, `${name}/${proxyName}`);
      }),
    );
  }
});
