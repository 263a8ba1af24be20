// For every scenario and proxy: every route configuration, cluster and load assignment that one of
// the proxy's resources names was sent to that proxy (ARCHITECTURE.md invariant 2).

import test from "ava";
import { translateContext } from "../../src/translate/context.js";
import { generateAll } from "../../src/translate/index.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";
import { proxyConfig } from "../helpers/simulation/index.js";
import { danglingReferences } from "../helpers/simulation/references.js";
import {
  assignment,
  edsCluster,
  hcmFilter,
  listener,
  tcpProxyFilter,
  toCluster,
  vhost,
} from "../helpers/simulation/build.js";

// Scenario names are read before any test is declared (ava needs all declarations in one go).
const names = await scenarioNames();

test("hand-written: each kind of dangling name is reported", (t) => {
  const mirrored = {
    match: { prefix: "/m" },
    route: { cluster: "a", requestMirrorPolicies: [{ cluster: "shadow" }] },
  };
  const split = {
    match: { prefix: "/s" },
    route: {
      weightedClusters: {
        clusters: [
          { name: "a", weight: 1 },
          { name: "gone", weight: 1 },
        ],
      },
    },
  };
  const problems = danglingReferences({
    listeners: [
      listener("l80", "0.0.0.0", 80, [
        { filters: [hcmFilter("80")] },
        { filters: [hcmFilter("missing-rds")] },
      ]),
      listener("l9000", "0.0.0.0", 9000, [
        {
          filters: [
            tcpProxyFilter([
              ["a", 1],
              ["tcp-gone", 1],
            ]),
          ],
        },
      ]),
    ],
    routes: [{ name: "80", virtualHosts: [vhost("v", ["*"], [toCluster("a"), mirrored, split])] }],
    clusters: [edsCluster("a"), edsCluster("no-cla")],
    endpoints: [assignment("a", "10.0.0.1:80")],
  });
  t.deepEqual(problems, [
    "listener l80 → route configuration missing-rds not sent",
    "listener l9000 tcp_proxy → cluster tcp-gone not sent",
    "route (unnamed) in 80/v → cluster shadow not sent",
    "route (unnamed) in 80/v → cluster gone not sent",
    "EDS cluster no-cla → load assignment no-cla not sent",
  ]);
});

for (const name of names) {
  test(`scenario ${name}: no proxy is sent a name it was not sent the resource of`, async (t) => {
    const scenario = await loadScenario(name);
    const problems: string[] = [];
    for (const proxy of scenario.proxies) {
      const cfg = proxyConfig(generateAll(translateContext(scenario.model, proxy)));
      for (const p of danglingReferences(cfg)) problems.push(`${proxy.name}: ${p}`);
    }
    t.deepEqual(problems, []);
  });
}
