// Every resource the generators emit, for every scenario and proxy, encodes against Envoy's protos
// and satisfies the protoc-gen-validate rules declared in them (what Envoy checks before it ACKs).

import test from "ava";
import { translateContext } from "../../src/translate/context.js";
import { generateAll, MESSAGE_TYPE, type ResourceKind } from "../../src/translate/index.js";
import { checkEnvoyMessage, formatViolation } from "../helpers/envoy-rules/index.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";

for (const name of await scenarioNames()) {
  test(`scenario ${name}: every resource passes Envoy's proto rules`, async (t) => {
    const scenario = await loadScenario(name);
    const problems: string[] = [];
    const unchecked = new Set<string>();
    const deprecated = new Set<string>();
    let count = 0;
    for (const proxy of scenario.proxies) {
      const resources = generateAll(translateContext(scenario.model, proxy));
      for (const kind of Object.keys(resources) as ResourceKind[]) {
        const typeUrl = `type.googleapis.com/${MESSAGE_TYPE[kind]}`;
        for (const r of resources[kind]) {
          count++;
          for (const v of checkEnvoyMessage(typeUrl, r.message)) {
            if (v.kind === "unchecked") unchecked.add(v.rule);
            else if (v.kind === "deprecated") deprecated.add(v.message);
            else problems.push(`${proxy.name} ${kind} ${r.name}: ${formatViolation(v)}`);
          }
        }
      }
    }
    t.log(`${count} resources checked`);
    if (unchecked.size > 0)
      t.log(`declared but unchecked rules: ${[...unchecked].sort().join(", ")}`);
    if (deprecated.size > 0) t.log(`deprecated fields set: ${[...deprecated].sort().join(", ")}`);
    t.deepEqual(problems, []);
  });
}
