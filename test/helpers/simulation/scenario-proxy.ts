// One golden scenario proxy's generated resources as a simulation input, and call spreading.

import { translateContext } from "../../../src/translate/context.js";
import { generateAll } from "../../../src/translate/index.js";
import { loadScenario } from "../scenario.js";
import { proxyConfig, simulate } from "./index.js";
import type { ProxyConfig, SimRequest } from "./types.js";

export async function scenarioProxy(scenario: string, name: string): Promise<ProxyConfig> {
  const s = await loadScenario(scenario);
  const p = s.proxies.find((x) => x.name === name);
  if (!p) throw new Error(`${scenario} has no proxy ${name}`);
  return proxyConfig(generateAll(translateContext(s.model, p)));
}

/** How many of `calls` calls (callNum 0…calls-1) land on each cluster. */
export function spread(cfg: ProxyConfig, req: SimRequest, calls: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let n = 0; n < calls; n++) {
    const c = simulate(cfg, { ...req, callNum: n }).cluster ?? "(none)";
    out[c] = (out[c] ?? 0) + 1;
  }
  return out;
}
