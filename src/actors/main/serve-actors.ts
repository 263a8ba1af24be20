// The actors of `meshpilot serve` and how they are wired: ingest ⇄ coordinator ⇄ xds, each in its
// own worker thread under one supervisor. Started in dependency order: ingest (the initial load),
// the xDS actor (listening; proxies that connect now wait for their snapshot), then the
// coordinator (which builds from ingest's snapshot and picks up the connected proxies).

import type { Registry } from "prom-client";
import type { Clock } from "../../clock.js";
import type { Logger } from "../../log.js";
import type { PushSettings } from "../../settings.js";
import type { CoordinatorOptions } from "../coordinator/coordinator-actor.js";
import type { IngestOptions } from "../ingest/ingest-actor.js";
import { Supervisor } from "../runtime/supervisor.js";
import type { XdsActorOptions } from "../xds/xds-actor.js";

export interface ServeActorsOptions {
  readonly configDirs: readonly string[];
  readonly xdsAddress: string;
  readonly transport: "grpc-js" | "http2";
  readonly pushSettings: PushSettings;
  readonly clock: Clock;
  readonly log: Logger;
  readonly logLevel: string;
  readonly registry: Registry;
}

export interface ServeActors {
  readonly supervisor: Supervisor;
  /** Objects and ingest version after the initial load. */
  readonly objects: number;
  readonly version: number;
  readonly xdsAddress: string;
}

/** Creates the supervisor; the actors are started by startServeActors. */
export function serveSupervisor(o: ServeActorsOptions): Supervisor {
  const supervisor = new Supervisor({
    clock: o.clock,
    log: o.log.child({ component: "supervisor" }),
    registry: o.registry,
    logLevel: o.logLevel,
  });
  const actor = (path: string) => new URL(path, import.meta.url);
  supervisor.add({
    name: "ingest",
    module: actor("../ingest/ingest-actor.js"),
    options: { configDirs: o.configDirs, pushSettings: o.pushSettings } satisfies IngestOptions,
  });
  supervisor.add({
    name: "xds",
    module: actor("../xds/xds-actor.js"),
    options: { transport: o.transport, address: o.xdsAddress } satisfies XdsActorOptions,
  });
  supervisor.add({
    name: "coordinator",
    module: actor("../coordinator/coordinator-actor.js"),
    options: { pushSettings: o.pushSettings } satisfies CoordinatorOptions,
  });
  supervisor.link("ingest", "coordinator");
  supervisor.link("coordinator", "xds");
  supervisor.on("peer-down", (peer: string, dead: string, info: { streamsLost?: number }) => {
    if (dead === "xds" && peer === "coordinator")
      o.log.warn(
        { actor: "xds", streamsLost: info.streamsLost ?? 0 },
        `${info.streamsLost ?? 0} streams lost; proxies will reconnect`,
      );
  });
  return supervisor;
}

export async function startServeActors(
  supervisor: Supervisor,
  o: ServeActorsOptions,
): Promise<ServeActors> {
  for (const name of ["ingest", "xds", "coordinator"]) supervisor.launch(name);
  const ingest = await supervisor.start("ingest");
  const { xdsAddress = "" } = await supervisor.start("xds");
  // A restarted xDS actor listens where the first one did (port 0 picked it).
  supervisor.setOptions("xds", {
    transport: o.transport,
    address: xdsAddress,
  } satisfies XdsActorOptions);
  await supervisor.start("coordinator");
  return { supervisor, objects: ingest.objects ?? 0, version: ingest.version ?? 0, xdsAddress };
}
