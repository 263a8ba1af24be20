// `meshpilot serve`: the control plane process. Its parts run as actors in worker threads
// (src/actors/): ingest loads and watches the config directories into the versioned store; the
// push coordinator debounces every change, rebuilds the model and pushes only the proxies whose
// scope the change can touch, with only the xDS types it can change; the xDS actor serves each
// connected proxy. This thread runs the supervisor (restarts an actor that dies) and the
// monitoring address (/ready, /metrics of every thread, /debug/* answered by the actors).

import { createLogger } from "../log.js";
import { MonitoringServer } from "../monitoring/http-server.js";
import {
  resolvePushSettings,
  resolveServeSettings,
  type PushSettings,
  type ServeSettings,
} from "../settings.js";
import { collectDefaultMetrics, Registry } from "prom-client";
import { systemClock } from "../clock.js";
import { registerServeRoutes } from "../actors/main/monitoring-routes.js";
import { serveSupervisor, startServeActors } from "../actors/main/serve-actors.js";
import { trackEventLoopLag } from "../actors/runtime/event-loop-lag.js";

export async function runServe(
  flags: Record<string, string | string[] | boolean | undefined>,
): Promise<number> {
  const settings = resolveServeSettings(flags, process.env);
  const log = createLogger(settings.logLevel);
  let pushSettings: PushSettings;
  try {
    pushSettings = resolvePushSettings(process.env);
  } catch (e) {
    log.error((e as Error).message);
    process.stderr.write(`meshpilot serve: ${(e as Error).message}\n`);
    return 2;
  }
  const unsupported = unsupportedSettings(settings);
  if (unsupported) {
    log.error(unsupported);
    process.stderr.write(`meshpilot serve: ${unsupported}\n`);
    return 2;
  }
  if (settings.configDir.length === 0) {
    process.stderr.write(
      "meshpilot serve: give at least one --config-dir (or MESHPILOT_CONFIG_DIR)\n",
    );
    return 2;
  }

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const stopLag = trackEventLoopLag(registry, "main");
  const actorOptions = {
    configDirs: settings.configDir,
    xdsAddress: settings.xdsAddress ?? "127.0.0.1:15010",
    transport: settings.xdsTransport === "http2" ? ("http2" as const) : ("grpc-js" as const),
    pushSettings,
    clock: systemClock,
    log,
    logLevel: settings.logLevel ?? "info",
    registry,
  };
  const supervisor = serveSupervisor(actorOptions);
  let ready = false;
  const monitoring = new MonitoringServer();
  registerServeRoutes({
    monitoring,
    supervisor,
    registry,
    ready: () => ready,
    testHooks: settings.testHooks === "1",
  });
  const shutdown = async (): Promise<void> => {
    await Promise.allSettled([supervisor.stop(), monitoring.close()]);
    stopLag();
    log.flush();
  };

  try {
    const actors = await startServeActors(supervisor, actorOptions);
    ready = true;
    const monitoringAddress = await monitoring.listen(
      settings.monitoringAddress ?? "127.0.0.1:15014",
    );
    log.info(
      {
        monitoringAddress,
        xdsAddress: actors.xdsAddress,
        configDirs: settings.configDir,
        objects: actors.objects,
        version: actors.version,
      },
      "meshpilot serving",
    );
  } catch (e) {
    log.error({ err: e }, "start failed");
    process.stderr.write(`meshpilot serve: ${(e as Error).message}\n`);
    await shutdown();
    return 1;
  }

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  log.info("shutting down");
  await shutdown();
  return 0;
}

/** Flags that name parts not built yet: refused plainly rather than ignored. */
function unsupportedSettings(s: ServeSettings): string | undefined {
  if (s.xdsTransport !== "grpc-js" && s.xdsTransport !== "http2")
    return `--xds-transport: "${s.xdsTransport}" is not grpc-js or http2`;
  if (s.redis)
    return "--redis: running several replicas through Redis is not built yet; omit it to run a single replica";
  if (s.kubeconfig.length > 0)
    return "--kubeconfig: reading Kubernetes API servers is not built yet; use --config-dir";
  if (s.meshConfig)
    return "--mesh-config: not built yet; put a ConfigMap `istio` (data.mesh) in a --config-dir instead";
  return undefined;
}
