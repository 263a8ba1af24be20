// Every cluster and ClusterLoadAssignment generated for every scenario proxy encodes with the
// generated protobuf code and decodes back to the same message, modulo proto3 defaults.

import test from "ava";
import { generateClusters } from "../../src/translate/clusters/index.js";
import { translateContext } from "../../src/translate/context.js";
import { generateEndpoints } from "../../src/translate/endpoints/index.js";
import { MESSAGE_TYPE } from "../../src/translate/index.js";
import { decodeEnvoyMessage, encodeEnvoyMessage } from "../../src/xds/envoy-json.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";

/** Enum names whose number is 0 (proto3 default, absent once decoded) in what we emit. */
const ZERO_ENUMS = new Set(["ROUND_ROBIN", "UNKNOWN"]);

/** Drops proto3 default values (0, false, "", [], zero enums) so both sides compare alike. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    if (
      child === 0 ||
      child === false ||
      child === "" ||
      (Array.isArray(child) && child.length === 0) ||
      (typeof child === "string" && ZERO_ENUMS.has(child) && k !== "type")
    )
      continue;
    out[k] = normalize(child);
  }
  return out;
}

for (const name of await scenarioNames()) {
  test(`scenario ${name}: clusters and endpoints encode and decode back`, async (t) => {
    const scenario = await loadScenario(name);
    let count = 0;
    for (const proxy of scenario.proxies) {
      const ctx = translateContext(scenario.model, proxy);
      const kinds = [
        ["clusters", generateClusters(ctx)],
        ["endpoints", generateEndpoints(ctx)],
      ] as const;
      for (const [kind, resources] of kinds) {
        const typeUrl = `type.googleapis.com/${MESSAGE_TYPE[kind]}`;
        for (const r of resources) {
          const decoded = decodeEnvoyMessage(typeUrl, encodeEnvoyMessage(typeUrl, r.message));
          t.deepEqual(normalize(decoded), normalize(r.message), `${name}/${proxy.name}/${r.name}`);
          count++;
        }
      }
    }
    t.log(`${count} resources`);
  });
}
