// The monitoring routes of `meshpilot serve` on the main thread: each answers from the actor that
// owns the data, by request/reply — configz and validationz from ingest, syncz and config_dump
// from the xDS actor, push_status from the coordinator — and /metrics merges every thread's.
// With test hooks on, /debug/crash_actor?actor=NAME makes an actor's thread throw.

import type { Registry } from "prom-client";
import type { MonitoringServer } from "../../monitoring/http-server.js";
import type { DebugQuery } from "../messages.js";
import type { Supervisor } from "../runtime/supervisor.js";
import { processMetrics } from "./thread-metrics.js";

export interface ServeRoutesOptions {
  readonly monitoring: MonitoringServer;
  readonly supervisor: Supervisor;
  readonly registry: Registry;
  readonly ready: () => boolean;
  readonly testHooks?: boolean;
}

export function registerServeRoutes(o: ServeRoutesOptions): void {
  const { monitoring, supervisor } = o;
  const ask = (actor: string, q: DebugQuery) => supervisor.request(actor, q);
  monitoring.route("/ready", "200 once the config has been loaded", () =>
    o.ready() ? { body: "ready\n" } : { status: 503, body: "loading config\n" },
  );
  monitoring.route(
    "/debug/configz",
    "every config object held, as read (istiod's configz)",
    async () => ({
      body: await ask("ingest", { type: "configz" }),
    }),
  );
  monitoring.route(
    "/debug/validationz",
    "config problems outstanding now: source, object, field, message",
    async () => ({ body: await ask("ingest", { type: "validationz" }) }),
  );
  monitoring.route(
    "/debug/syncz",
    "sync status of every connected proxy, per xDS type (istiod's JSON shape)",
    async () => ({ body: await ask("xds", { type: "syncz" }) }),
  );
  monitoring.route(
    "/debug/config_dump",
    "?proxyID=ID: the xDS resources the server has for one connected proxy",
    async (req) => {
      const id = req.query.get("proxyID") ?? "";
      if (!id) return { status: 400, body: "proxyID query parameter is required\n" };
      const dump = await ask("xds", { type: "config-dump", proxyId: id });
      if (dump === null) return { status: 404, body: `proxy ${id} is not connected\n` };
      return { body: dump };
    },
  );
  monitoring.route(
    "/debug/push_status",
    "the last pushes: config version (ingest's) and model version, cause, types, scopes and proxies pushed",
    async () => ({ body: await ask("coordinator", { type: "push-status" }) }),
  );
  monitoring.route(
    "/metrics",
    "Prometheus metrics of every thread (pilot_xds, pilot_xds_pushes, …)",
    () => processMetrics(o.registry, supervisor),
  );
  if (o.testHooks)
    monitoring.route(
      "/debug/crash_actor",
      "?actor=NAME: test hook, the actor's thread throws",
      (req) => {
        const actor = req.query.get("actor") ?? "";
        if (!supervisor.isRunning(actor))
          return { status: 404, body: `no running actor ${actor}\n` };
        supervisor.send(actor, { type: "crash" });
        return { body: `crashing ${actor}\n` };
      },
    );
}
