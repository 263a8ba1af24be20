// Every listener of every golden scenario encodes as envoy.config.listener.v3.Listener, decodes
// back to the same message (so no field was misspelt: protobufjs drops unknown fields silently),
// satisfies the protoc-gen-validate rules Envoy enforces, has no two filter chains with the same
// match (Envoy rejects such a listener), and is generated deterministically.

import test from "ava";
import { isDeepStrictEqual } from "node:util";
import { translateContext } from "../../src/translate/context.js";
import { generateListeners } from "../../src/translate/listeners/index.js";
import { decodeEnvoyMessage, encodeEnvoyMessage } from "../../src/xds/envoy-json.js";
import { checkEnvoyMessage, formatViolation, violationsOf } from "../helpers/envoy-rules/index.js";
import { loadScenario, scenarioNames } from "../helpers/scenario.js";

const LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";

/** Drops proto3 defaults (0, false, "", empty messages and lists), which do not survive decoding. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(v)) {
      const p = prune(c);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === 0 || v === false || v === "" ? undefined : v;
}

for (const name of await scenarioNames()) {
  test(`scenario ${name}: listeners encode, round-trip and are deterministic`, async (t) => {
    const scenario = await loadScenario(name);
    for (const proxy of scenario.proxies) {
      const first = generateListeners(translateContext(scenario.model, proxy));
      const again = generateListeners(translateContext(scenario.model, proxy));
      t.deepEqual(JSON.stringify(again), JSON.stringify(first), `${proxy.name}: not deterministic`);
      t.is(new Set(first.map((l) => l.name)).size, first.length, `${proxy.name}: duplicate names`);
      for (const l of first) {
        const bytes = encodeEnvoyMessage(LISTENER, l.message);
        const back = decodeEnvoyMessage(LISTENER, bytes);
        t.true(
          isDeepStrictEqual(prune(back), prune(JSON.parse(JSON.stringify(l.message)))),
          `${name}/${proxy.name}/${l.name} does not round-trip`,
        );
        const matches = ((l.message.filterChains ?? []) as { filterChainMatch?: unknown }[]).map(
          (c) => JSON.stringify(c.filterChainMatch ?? {}),
        );
        t.is(new Set(matches).size, matches.length, `${l.name}: two chains with the same match`);
        const violations = violationsOf(checkEnvoyMessage(LISTENER, l.message));
        t.deepEqual(violations.map(formatViolation), [], `${name}/${proxy.name}/${l.name}`);
      }
    }
  });
}
