// `meshpilot help`: every setting of `meshpilot serve` and every push knob, from the tables in
// src/settings.ts; MESHPILOT_TEST_HOOKS among them, environment variable only.

import test from "ava";
import { parseServeFlags } from "../../src/cli/main.js";
import {
  PUSH_SETTINGS,
  resolveServeSettings,
  SERVE_SETTINGS,
  type SettingSpec,
} from "../../src/settings.js";
import { runCli } from "../helpers/run-cli.js";

test("help lists every serve setting with its environment variable, and every push knob", async (t) => {
  const help = await runCli(["help"]);
  t.is(help.code, 0);
  for (const s of Object.values(SERVE_SETTINGS as Record<string, SettingSpec>)) {
    t.true(help.stdout.includes(s.env), s.env);
    t.true(help.stdout.includes(s.description), `${s.env} description`);
    if (s.flag !== undefined) t.regex(help.stdout, new RegExp(`^  --${s.flag} `, "m"));
  }
  for (const k of Object.values(PUSH_SETTINGS)) t.true(help.stdout.includes(k.env), k.env);
});

test("MESHPILOT_TEST_HOOKS is in the settings table: for tests only, enables /debug/crash_actor", async (t) => {
  const { stdout } = await runCli(["help"]);
  const row = stdout.split("\n").find((l) => l.startsWith("  MESHPILOT_TEST_HOOKS "));
  t.truthy(row, stdout);
  t.regex(row ?? "", /tests only/);
  t.regex(row ?? "", /\/debug\/crash_actor/);
});

test("MESHPILOT_TEST_HOOKS is read from the environment, and has no flag", (t) => {
  t.is(resolveServeSettings({}, { MESHPILOT_TEST_HOOKS: "1" }).testHooks, "1");
  t.is(resolveServeSettings({}, {}).testHooks, undefined);
  t.throws(() => parseServeFlags(["--test-hooks", "1"]), { message: /Unknown option/ });
});
