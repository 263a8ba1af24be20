// Same model, same bytes: clusters and endpoints do not depend on the order config arrived in.

import test from "ava";
import { join } from "node:path";
import { buildMeshModel } from "../../src/registry/mesh/index.js";
import { generateClusters } from "../../src/translate/clusters/index.js";
import { translateContext } from "../../src/translate/context.js";
import { generateEndpoints } from "../../src/translate/endpoints/index.js";
import { MESSAGE_TYPE } from "../../src/translate/index.js";
import { encodeEnvoyMessage } from "../../src/xds/envoy-json.js";
import { loadConfigObjects, loadScenario, SCENARIOS_DIR } from "../helpers/scenario.js";

const SCENARIOS = ["bookinfo-cds-eds", "cds-serviceentry-resolutions", "eds-locality-lb"];

function encodedAll(
  model: ReturnType<typeof buildMeshModel>,
  proxy: Parameters<typeof translateContext>[1],
) {
  const ctx = translateContext(model, proxy);
  const enc = (kind: "clusters" | "endpoints", rs: ReturnType<typeof generateClusters>) =>
    rs.map((r) => [
      r.name,
      Buffer.from(
        encodeEnvoyMessage(`type.googleapis.com/${MESSAGE_TYPE[kind]}`, r.message),
      ).toString("hex"),
    ]);
  return [...enc("clusters", generateClusters(ctx)), ...enc("endpoints", generateEndpoints(ctx))];
}

for (const name of SCENARIOS) {
  test(`${name}: config in reverse order gives byte-identical clusters and endpoints`, async (t) => {
    const scenario = await loadScenario(name);
    const reversed = buildMeshModel(
      (await loadConfigObjects(join(SCENARIOS_DIR, name, "config"))).reverse(),
    );
    for (const proxy of scenario.proxies)
      t.deepEqual(encodedAll(reversed, proxy), encodedAll(scenario.model, proxy), proxy.name);
  });
}
