// Same model, same bytes: the route configurations of every scenario do not depend on the order
// the config objects arrive in.

import test from "ava";
import { join } from "node:path";
import { parse } from "yaml";
import { readFile } from "node:fs/promises";
import { buildMeshModel } from "../../src/registry/mesh/mesh-model.js";
import { translateContext } from "../../src/translate/context.js";
import { generateRoutes } from "../../src/translate/routes/index.js";
import { encodeEnvoyMessage } from "../../src/xds/envoy-json.js";
import {
  loadConfigObjects,
  scenarioNames,
  SCENARIOS_DIR,
  type ScenarioProxy,
} from "../helpers/scenario.js";

const ROUTE_CONFIG = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

test("route configurations are byte-identical whatever the config order", async (t) => {
  for (const name of await scenarioNames()) {
    const dir = join(SCENARIOS_DIR, name);
    const objects = await loadConfigObjects(join(dir, "config"));
    const proxies = parse(await readFile(join(dir, "proxies.yaml"), "utf8")) as ScenarioProxy[];
    const forward = buildMeshModel(objects);
    const reversed = buildMeshModel([...objects].reverse());
    for (const p of proxies) {
      const proxy = { ...p, labels: p.labels ?? {}, ips: p.ips ?? [] };
      const bytes = (m: typeof forward) =>
        generateRoutes(translateContext(m, proxy)).map((r) =>
          Buffer.from(encodeEnvoyMessage(ROUTE_CONFIG, r.message)).toString("base64"),
        );
      t.deepEqual(bytes(reversed), bytes(forward), `${name}/${p.name}`);
    }
  }
});
