import test from "ava";
import { once } from "node:events";
import { pino } from "pino";
import { Registry } from "prom-client";
import { Supervisor } from "../../src/actors/runtime/supervisor.js";
import { FakeClock } from "../helpers/fake-clock.js";

const TEST_ACTOR = new URL("./helpers/test-actor.js", import.meta.url);

function setup() {
  const clock = new FakeClock(1_000_000);
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const registry = new Registry();
  const supervisor = new Supervisor({ clock, log, registry, logLevel: "silent" });
  for (const name of ["a", "b"])
    supervisor.add({ name, module: TEST_ACTOR, options: { incarnation: 1 } });
  supervisor.link("a", "b");
  return { clock, lines, registry, supervisor };
}

test("an actor whose thread throws is restarted after the backoff, logged and counted; its peer reaches the new one", async (t) => {
  const { clock, lines, registry, supervisor } = setup();
  t.teardown(() => supervisor.stop());
  t.deepEqual(await supervisor.start("a"), { version: 1 });
  await supervisor.start("b");
  t.deepEqual(await supervisor.request("a", { type: "config-dump", proxyId: "b" }), [
    { actor: "b", incarnation: 1 },
  ]);

  supervisor.setOptions("b", { incarnation: 2 });
  const crashed = once(supervisor, "crashed");
  const peerDown = once(supervisor, "peer-down");
  void supervisor.request("b", { type: "validationz" }).catch(() => undefined);
  const [name, err] = (await crashed) as [string, Error];
  t.is(name, "b");
  t.regex(err.message, /b failed on purpose/);
  t.deepEqual((await peerDown).slice(0, 2), ["a", "b"], "its peer was told it is down");
  t.false(supervisor.isRunning("b"));
  const logged = lines.find((l) => l["msg"] === "actor crashed; restarting");
  t.like(logged, { actor: "b", delayMs: 100, err: { message: "b failed on purpose" } });
  const restarts = await registry.getSingleMetricAsString("meshpilot_actor_restarts_total");
  t.regex(restarts, /meshpilot_actor_restarts_total\{actor="b"\} 1/);

  const restarted = once(supervisor, "restarted");
  clock.advance(99);
  t.false(supervisor.isRunning("b"), "waits for the backoff");
  clock.advance(1);
  t.deepEqual((await restarted) as unknown[], ["b", { version: 2 }]);
  t.deepEqual(await supervisor.request("a", { type: "config-dump", proxyId: "b" }), [
    { actor: "b", incarnation: 2 },
  ]);
  t.true(lines.some((l) => l["msg"] === "actor restarted" && l["actor"] === "b"));
});

test("a second crash soon after the first waits twice as long", async (t) => {
  const { clock, lines, supervisor } = setup();
  t.teardown(() => supervisor.stop());
  await supervisor.start("a");
  for (const delay of [100, 200]) {
    const crashed = once(supervisor, "crashed");
    void supervisor.request("a", { type: "validationz" }).catch(() => undefined);
    await crashed;
    t.is(lines.filter((l) => l["msg"] === "actor crashed; restarting").at(-1)?.["delayMs"], delay);
    const restarted = once(supervisor, "restarted");
    clock.advance(delay);
    await restarted;
  }
});
