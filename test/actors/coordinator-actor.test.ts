// The coordinator actor in this thread, its ingest peer faked: what a push says about versions
// ("config pushed" log line and /debug/push_status carry the ingest's config version and the
// model version), and how it follows an ingest actor that died and counts from 1 again.

import test from "ava";
import { pino } from "pino";
import { Registry } from "prom-client";
import {
  createActor,
  type PushStatusEntry,
} from "../../src/actors/coordinator/coordinator-actor.js";
import type { ConfigDelta, ConfigSnapshot, CoordinatorMessage } from "../../src/actors/messages.js";
import type { ActorContext } from "../../src/actors/runtime/actor-host.js";
import type { RpcPort } from "../../src/actors/runtime/rpc-port.js";
import type { ConfigObject } from "../../src/registry/config-object.js";
import { DEFAULT_PUSH_SETTINGS } from "../../src/settings.js";
import { FakeClock } from "../helpers/fake-clock.js";

process.env["MESHPILOT_COMPUTE_THREADS"] = "0";

function service(name: string): ConfigObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default" },
    body: { spec: { ports: [{ name: "http", port: 80 }] } },
    source: { file: "test.yaml", docIndex: 0 },
  };
}

function delta(version: number, names: readonly string[]): ConfigDelta {
  const upserts = names.map(service);
  return {
    type: "config-delta",
    version,
    baseVersion: version - 1,
    eventAt: 0,
    upserts,
    deletes: [],
  };
}

/** A coordinator whose ingest peer answers snapshot requests with `ingest.snapshot`. */
async function startCoordinator(t: { teardown(fn: () => unknown): void }, first: ConfigSnapshot) {
  const clock = new FakeClock(1_000_000);
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const ingest = { snapshot: first, requests: 0 };
  const ingestPort = {
    request: () => {
      ingest.requests++;
      return Promise.resolve(ingest.snapshot);
    },
    send: () => undefined,
  } as unknown as RpcPort;
  const ctx: ActorContext = {
    name: "coordinator",
    options: { pushSettings: DEFAULT_PUSH_SETTINGS },
    log,
    registry: new Registry(),
    clock,
    peer: (name) => (name === "ingest" ? ingestPort : undefined),
  };
  const actor = createActor(ctx);
  t.teardown(() => actor.stop?.());
  const info = await actor.start();
  /** Hands a message to the actor, then lets the debouncer's quiet period pass. */
  const handle = async (m: CoordinatorMessage) => {
    const reply = await actor.handle(m);
    clock.advance(1_000);
    return reply;
  };
  const pushedLines = () => lines.filter((l) => l["msg"] === "config pushed");
  const pushStatus = async () => (await actor.handle({ type: "push-status" })) as PushStatusEntry[];
  return { info, ingest, handle, pushedLines, pushStatus };
}

test("a push names the ingest's config version and the model version, in the log and in push_status", async (t) => {
  const c = await startCoordinator(t, {
    type: "config-snapshot",
    version: 7,
    objects: [service("a")],
  });
  t.deepEqual(c.info, { version: 7 });

  await c.handle(delta(8, ["b"]));
  const [line] = c.pushedLines();
  t.like(line, { configVersion: 8, modelVersion: 2 }, "ingest is at 8; the replica's model at 2");
  t.false(line !== undefined && "version" in line, "no ambiguous `version` field");
  const [entry] = await c.pushStatus();
  t.like(entry, { configVersion: 8, modelVersion: 2, full: true });
  t.false(entry !== undefined && "version" in entry);
});

test("after the ingest actor died, the first delta of its successor (counting from 1) makes it resync", async (t) => {
  const c = await startCoordinator(t, {
    type: "config-snapshot",
    version: 1,
    objects: [service("a")],
  });
  await c.handle(delta(2, ["b"]));
  await c.handle(delta(3, ["c"]));
  t.is(c.ingest.requests, 1, "the start's snapshot only");

  await c.handle({ type: "peer-down", peer: "ingest" });
  // The successor re-read the directories as its version 1 (a, b, c), then d changed: 2 on 1.
  const objects = ["a", "b", "c", "d"].map(service);
  c.ingest.snapshot = { type: "config-snapshot", version: 2, objects };
  await c.handle(delta(2, ["d"]));
  t.is(c.ingest.requests, 2, "the delta was a gap: the coordinator asked for a snapshot");
  t.like((await c.pushStatus()).at(-1), { configVersion: 2, modelVersion: 4 });

  await c.handle({ type: "peer-restarted", peer: "ingest" });
  t.is(c.ingest.requests, 3);
  t.is((await c.pushStatus()).length, 3, "nothing new to push");

  await c.handle(delta(3, ["e"]));
  t.is(c.ingest.requests, 3, "deltas follow on again");
  t.like((await c.pushStatus()).at(-1), { configVersion: 3, modelVersion: 5 });
  t.deepEqual(
    c.pushedLines().map((l) => [l["configVersion"], l["modelVersion"]]),
    [
      [2, 2],
      [3, 3],
      [2, 4],
      [3, 5],
    ],
  );
});

test("when the ingest actor is restarted, the coordinator resyncs from its snapshot and pushes the difference", async (t) => {
  const c = await startCoordinator(t, {
    type: "config-snapshot",
    version: 4,
    objects: ["a", "b"].map(service),
  });
  await c.handle({ type: "peer-down", peer: "ingest" });
  // While it was down, b was removed and c added: the new one read them as its version 1.
  c.ingest.snapshot = { type: "config-snapshot", version: 1, objects: ["a", "c"].map(service) };
  await c.handle({ type: "peer-restarted", peer: "ingest" });
  t.is(c.ingest.requests, 2);
  t.like(await c.pushStatus(), [{ configVersion: 1, modelVersion: 2, events: 2 }]);
});
