// LDS and RDS agree: every route configuration a listener's HTTP connection manager asks for is
// generated (a listener waits for its RDS before it serves), and no route configuration is
// generated that no listener asks for.

import test from "ava";
import { translateContext } from "../../src/translate/context.js";
import { generateAll } from "../../src/translate/index.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";

/** Every `rds.routeConfigName` anywhere in a message. */
function rdsNames(v: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) rdsNames(x, out);
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const rds = o.rds as { routeConfigName?: unknown } | undefined;
    if (typeof rds?.routeConfigName === "string") out.add(rds.routeConfigName);
    for (const x of Object.values(o)) rdsNames(x, out);
  }
  return out;
}

test("sidecars and gateways: the RDS names listeners use are exactly the route configurations", async (t) => {
  for (const name of await scenarioNames()) {
    const scenario = await loadScenario(name);
    for (const proxy of scenario.proxies) {
      if (proxy.kind === "proxyless") continue;
      const all = generateAll(translateContext(scenario.model, proxy));
      const wanted = [
        ...rdsNames(
          all.listeners.map((l) => l.message),
          new Set(),
        ),
      ].sort();
      const made = all.routes.map((r) => r.name).sort();
      t.deepEqual(made, wanted, `${name}/${proxy.name}`);
    }
  }
});
