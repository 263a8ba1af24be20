// `meshpilot serve`: the control plane process. It loads and watches the config directories into
// the versioned store, reports them on the monitoring address, and runs the xDS server, which
// serves each connected proxy the resources the current mesh model implies for it. Every change
// goes to the push coordinator (src/push/push-coordinator.ts): debounced, the model rebuilt, and
// only the proxies whose scope the change can touch pushed, with only the xDS types it can change.

import type { ConfigObject } from "../registry/config-object.js";
import { formatIssue } from "../registry/config-issue.js";
import { ConfigStore, isEmptyChangeSet, type ChangeSet } from "../registry/config-store.js";
import { YamlDirSource, type SourceBatch } from "../registry/sources/yaml-dir-source.js";
import { createLogger, type Logger } from "../log.js";
import { MonitoringServer } from "../monitoring/http-server.js";
import {
  resolvePushSettings,
  resolveServeSettings,
  type PushSettings,
  type ServeSettings,
} from "../settings.js";
import { XdsServer } from "../xds/ads-server.js";
import { registerXdsDebugRoutes } from "../xds/debug-routes.js";
import { EMPTY_SNAPSHOT } from "../xds/encoded-resource.js";
import { XdsMetrics } from "../xds/metrics.js";
import { collectDefaultMetrics, Registry } from "prom-client";
import { SnapshotPipeline } from "../push/snapshot-pipeline.js";
import { PushCoordinator } from "../push/push-coordinator.js";
import { PushMetrics, typesLabel } from "../push/push-metrics.js";
import { systemClock } from "../clock.js";
import type { XdsConnection } from "../xds/connection.js";

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

  const store = new ConfigStore();
  let ready = false;
  let pipeline: SnapshotPipeline | undefined;
  let coordinator: PushCoordinator<XdsConnection> | undefined;
  const pushLog = log.child({ component: "push" });
  const source = new YamlDirSource({
    dirs: settings.configDir,
    log: log.child({ component: "yaml-dir-source" }),
    onBatch: (batch) => {
      const eventAt = systemClock.now();
      const change = applyBatch(store, batch, log);
      // Before the coordinator exists (the initial load), changes are part of its first model.
      if (change) coordinator?.changed(change, eventAt);
    },
  });
  const monitoring = new MonitoringServer();
  monitoring.route("/ready", "200 once the config has been loaded", () =>
    ready ? { body: "ready\n" } : { status: 503, body: "loading config\n" },
  );
  monitoring.route(
    "/debug/configz",
    "every config object held, as read (istiod's configz)",
    () => ({
      body: store.snapshot().objects.map(configzEntry),
    }),
  );
  monitoring.route(
    "/debug/validationz",
    "config problems outstanding now: source, object, field, message",
    () => ({
      body: source.currentIssues(),
    }),
  );
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  monitoring.route("/metrics", "Prometheus metrics (pilot_xds, pilot_xds_pushes, …)", async () => ({
    contentType: metrics.contentType,
    body: await metrics.metrics(),
  }));
  const xds = new XdsServer({
    transport: settings.xdsTransport === "http2" ? "http2" : "grpc-js",
    metrics: new XdsMetrics(metrics),
    resolver: (proxy) => (pipeline ? pipeline.resolve(proxy) : EMPTY_SNAPSHOT),
    log: (level, msg, fields) => log[level]({ component: "xds", ...fields }, msg),
  });
  registerXdsDebugRoutes(monitoring, xds);
  const pushMetrics = new PushMetrics(metrics);

  try {
    await source.start();
    const initial = store.snapshot();
    pipeline = new SnapshotPipeline(initial.objects, initial.version, {
      onError: (err, p) =>
        pushLog.error({ err, proxy: p.id }, "generating config failed; last good kept"),
    });
    const pushCoordinator = new PushCoordinator<XdsConnection>({
      clock: systemClock,
      store,
      pipeline,
      target: { push: (proxyIds, types) => xds.push(proxyIds, types) },
      settings: pushSettings,
      metrics: pushMetrics,
      onPushed: (s) =>
        pushLog.info(
          {
            ...s,
            types: typesLabel(s.types),
            proxies: s.proxies.length,
            ownWorkload: s.ownWorkload.length,
          },
          "config pushed",
        ),
      onError: (err) => pushLog.error({ err }, "push failed; the last model keeps serving"),
    });
    xds.on("connect", (c: XdsConnection) => {
      if (c.proxy) pushCoordinator.connected(c, c.proxy);
    });
    xds.on("disconnect", (c: XdsConnection) => pushCoordinator.disconnected(c));
    coordinator = pushCoordinator;
    ready = true;
    const monitoringAddress = await monitoring.listen(
      settings.monitoringAddress ?? "127.0.0.1:15014",
    );
    const xdsAddress = await xds.listen(settings.xdsAddress ?? "127.0.0.1:15010");
    log.info(
      {
        monitoringAddress,
        xdsAddress,
        configDirs: settings.configDir,
        objects: store.size,
        version: store.version,
      },
      "meshpilot serving",
    );
  } catch (e) {
    log.error({ err: e }, "start failed");
    process.stderr.write(`meshpilot serve: ${(e as Error).message}\n`);
    coordinator?.stop();
    await Promise.allSettled([source.close(), monitoring.close(), xds.close()]);
    log.flush();
    return 1;
  }

  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  log.info("shutting down");
  coordinator?.stop();
  await Promise.allSettled([source.close(), monitoring.close(), xds.close()]);
  log.flush();
  return 0;
}

/** Applies a batch to the store; the ChangeSet when something changed. */
function applyBatch(store: ConfigStore, batch: SourceBatch, log: Logger): ChangeSet | undefined {
  for (const issue of batch.issues) log.warn({ issue }, formatIssue(issue));
  const change = store.apply(batch.upserts, batch.deletes);
  if (isEmptyChangeSet(change)) return undefined;
  log.info(
    {
      version: change.version,
      added: change.added.length,
      updated: change.updated.length,
      deleted: change.deleted.length,
    },
    "config changed",
  );
  return change;
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

/** One object as istiod's /debug/configz shows it, plus where meshpilot read it from. */
function configzEntry(o: ConfigObject): Record<string, unknown> {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: o.metadata,
    ...o.body,
    source: o.source,
  };
}
