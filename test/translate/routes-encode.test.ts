// Every route configuration generated for every golden scenario's proxies encodes as an Envoy
// RouteConfiguration (nested Anys included), and every cluster a route names is one the proxy
// is sent by CDS.

import test from "ava";
import { translateContext } from "../../src/translate/context.js";
import { generateClusters } from "../../src/translate/clusters/index.js";
import { generateRoutes, referencedClusters } from "../../src/translate/routes/index.js";
import { decodeEnvoyMessage, encodeEnvoyMessage } from "../../src/xds/envoy-json.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";

const ROUTE_CONFIG = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

test("every emitted route configuration encodes and decodes to the same names", async (t) => {
  let count = 0;
  for (const name of await scenarioNames()) {
    const scenario = await loadScenario(name);
    for (const proxy of scenario.proxies)
      for (const r of generateRoutes(translateContext(scenario.model, proxy))) {
        const bytes = encodeEnvoyMessage(ROUTE_CONFIG, r.message);
        t.is(
          decodeEnvoyMessage(ROUTE_CONFIG, bytes).name,
          r.name,
          `${name}/${proxy.name}/${r.name}`,
        );
        count++;
      }
  }
  t.true(count > 20);
});

test("routes never name a cluster the proxy is not sent (CDS)", async (t) => {
  for (const name of await scenarioNames()) {
    const scenario = await loadScenario(name);
    for (const proxy of scenario.proxies) {
      const ctx = translateContext(scenario.model, proxy);
      const sent = new Set(generateClusters(ctx).map((c) => c.name));
      const missing = referencedClusters(generateRoutes(ctx).map((r) => r.message)).filter(
        (c) => !sent.has(c),
      );
      t.deepEqual(missing, [], `${name}/${proxy.name}`);
    }
  }
});
