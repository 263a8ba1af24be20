// Golden tests: for every scenario and proxy, the generated resources of each kind equal the
// reviewed expected file. Update with `npm run golden:update` and review the diff by hand.

import test from "ava";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { translateContext } from "../../src/translate/context.js";
import { generateAll, type ResourceKind } from "../../src/translate/index.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";

const update = process.env.UPDATE_GOLDEN ?? "";
const updating = (kind: ResourceKind) => update === "1" || update.split(",").includes(kind);

for (const name of await scenarioNames()) {
  test(`scenario ${name}`, async (t) => {
    const scenario = await loadScenario(name);
    for (const proxy of scenario.proxies) {
      const resources = generateAll(translateContext(scenario.model, proxy));
      for (const kind of Object.keys(resources) as ResourceKind[]) {
        const file = join(scenario.dir, "expected", proxy.name, `${kind}.yaml`);
        const actual = stringify(
          resources[kind].map((r) => r.message),
          { lineWidth: 0, aliasDuplicateObjects: false },
        );
        if (updating(kind)) {
          await mkdir(join(scenario.dir, "expected", proxy.name), { recursive: true });
          await writeFile(file, actual);
          t.pass(`updated ${file}`);
          continue;
        }
        const expected = await readFile(file, "utf8").catch(() => undefined);
        t.not(expected, undefined, `${file} is missing: run npm run golden:update and review it`);
        t.is(actual, expected as string, `${name}/${proxy.name}/${kind} differs from ${file}`);
      }
    }
  });
}
