// Every route configuration of every golden scenario satisfies Envoy's proto rules (what Envoy
// checks before accepting a resource), so no proxy NACKs RDS.

import test from "ava";
import { translateContext } from "../../src/translate/context.js";
import { generateRoutes } from "../../src/translate/routes/index.js";
import { checkEnvoyMessage, formatViolation, violationsOf } from "../helpers/envoy-rules/index.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";

const ROUTE_CONFIG = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

test("no route configuration breaks an Envoy proto rule", async (t) => {
  const problems: string[] = [];
  for (const name of await scenarioNames()) {
    const scenario = await loadScenario(name);
    for (const proxy of scenario.proxies)
      for (const r of generateRoutes(translateContext(scenario.model, proxy)))
        for (const v of violationsOf(checkEnvoyMessage(ROUTE_CONFIG, r.message)))
          problems.push(`${name}/${proxy.name}/${r.name}: ${formatViolation(v)}`);
  }
  t.deepEqual(problems, []);
});
