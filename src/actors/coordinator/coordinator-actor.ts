// The push coordinator actor: the PushCoordinator (src/push/) in its own thread, fed by the
// ingest actor's ConfigDeltas through a store replica, and by the xDS actor's connect and
// disconnect reports. Each push becomes, per proxy view, a SnapshotUpdate with the encoded
// resources and then a push order to the xDS actor (snapshot-dispatch.ts). On a restart it
// rebuilds from the ingest actor's snapshot, asks the xDS actor which proxies are connected, and
// sends them everything again: streams send only what differs from what each proxy has.

import { PushCoordinator, type PushSummary } from "../../push/push-coordinator.js";
import { PushMetrics, typesLabel } from "../../push/push-metrics.js";
import { fullPushForAll } from "../../push/push-request.js";
import { SnapshotPipeline } from "../../push/snapshot-pipeline.js";
import { resolveComputeNice, resolveComputeThreads, type PushSettings } from "../../settings.js";
import { lowerThreadPriority } from "../../thread-priority.js";
import type { Proxy } from "../../xds/proxy-identity.js";
import type { ConfigDelta, CoordinatorMessage, StartInfo } from "../messages.js";
import type { Actor, ActorContext } from "../runtime/actor-host.js";
import { ConfigReplica } from "./config-replica.js";
import { ConnectedViews } from "./connected-views.js";
import { SnapshotDispatch } from "./snapshot-dispatch.js";
import { PoolGenerator } from "./pool-generator.js";
import { InThreadGenerator, type ViewGenerator } from "./view-generator.js";

export interface CoordinatorOptions {
  readonly pushSettings: PushSettings;
}

/** Push summaries kept for /debug/push_status. */
const RECENT_PUSHES = 50;
/** Longest one slice of background re-indexing keeps the coordinator's thread. */
const REINDEX_SLICE_MS = 10;

/** A push as /debug/push_status shows it and the "config pushed" log line says it. */
export interface PushStatusEntry extends Omit<PushSummary, "version"> {
  /** The ingest actor's config version the pushed model holds (its numbering: restarts at 1). */
  readonly configVersion: number;
  /** The model version: the coordinator replica's own numbering, the snapshots' version. */
  readonly modelVersion: number;
}

export function createActor(ctx: ActorContext): Actor {
  return new CoordinatorActor(ctx);
}

class CoordinatorActor implements Actor {
  private readonly replica = new ConfigReplica();
  private readonly views = new ConnectedViews();
  private readonly recent: PushStatusEntry[] = [];
  private readonly log;
  private pipeline?: SnapshotPipeline;
  private coordinator?: PushCoordinator<string>;
  private dispatch?: SnapshotDispatch;
  private pool?: PoolGenerator;

  constructor(private readonly ctx: ActorContext) {
    this.log = ctx.log.child({ component: "push" });
  }

  async start(): Promise<StartInfo> {
    const { ctx, log } = this;
    lowerThreadPriority(resolveComputeNice(process.env), log);
    await this.resync();
    const { objects, version } = this.replica.store.snapshot();
    const pipeline = new SnapshotPipeline(objects, version);
    this.pipeline = pipeline;
    const threads = resolveComputeThreads(process.env);
    let generator: ViewGenerator = new InThreadGenerator(pipeline);
    if (threads > 0) generator = this.pool = new PoolGenerator(this.replica.store, threads);
    log.info(
      { computeThreads: threads },
      "config generation: %s",
      threads > 0 ? "compute pool" : "in thread",
    );
    const metrics = new PushMetrics(ctx.registry);
    const dispatch = new SnapshotDispatch({
      clock: ctx.clock,
      onOutcome: (o) => {
        metrics.queued(o.queueMs);
        if (dispatch.queue.pendingCount === 0 && dispatch.queue.inFlightCount === 0)
          this.reindexWhenIdle();
      },
      generator,
      xds: () => ctx.peer("xds"),
      version: () => pipeline.version,
      log,
    });
    this.dispatch = dispatch;
    this.coordinator = new PushCoordinator<string>({
      clock: ctx.clock,
      store: this.replica.store,
      pipeline,
      target: {
        push: (ids, _types, request) =>
          dispatch.send(this.views.group(ids), request, false, "types"),
      },
      settings: (ctx.options as CoordinatorOptions).pushSettings,
      metrics,
      onPushed: (s) => this.pushed(s),
      onError: (err) => log.error({ err }, "push failed; the last model keeps serving"),
    });
    const xds = ctx.peer("xds");
    const { connections } = xds
      ? await xds.request({ type: "connected-proxies" })
      : { connections: [] };
    for (const c of connections) this.connected(c.connectionId, c.proxy, false);
    if (connections.length > 0) {
      const ids = this.views.proxyIds();
      const request = fullPushForAll("proxy", ctx.clock.now(), pipeline.version);
      dispatch.send(this.views.group(ids), request, true, "all");
      log.info({ proxies: ids.length }, "coordinator took over connected proxies");
    }
    return { version: this.replica.sourceVersion };
  }

  async handle(m: CoordinatorMessage): Promise<unknown> {
    switch (m.type) {
      case "config-delta":
        return this.delta(m);
      case "proxy-connected":
        return this.connected(m.connectionId, m.proxy, true);
      case "proxy-disconnected":
        if (this.views.remove(m.connectionId)) this.coordinator?.disconnected(m.connectionId);
        return null;
      case "peer-down": {
        // A restarted ingest counts from 1 again: its deltas are gaps until the next resync.
        if (m.peer === "ingest") this.replica.sourceDied();
        if (m.peer !== "xds") return {};
        // The restarted xDS actor starts with an empty resource table.
        this.dispatch?.reset();
        const lost = this.views.connectionIds();
        for (const id of lost) {
          this.views.remove(id);
          this.coordinator?.disconnected(id);
        }
        return { streamsLost: lost.length } satisfies StartInfo;
      }
      case "peer-restarted":
        if (m.peer === "ingest") await this.resync();
        return {};
      case "push-status":
        return this.recent;
    }
  }

  async stop(): Promise<void> {
    this.coordinator?.stop();
    this.dispatch?.stop();
    await this.pool?.close();
  }

  private async delta(d: ConfigDelta): Promise<null> {
    const outcome = this.replica.apply(d);
    if (outcome.kind === "applied" && outcome.change) {
      this.pool?.changed(outcome.change, d.eventAt);
      this.coordinator?.changed(outcome.change, d.eventAt);
    }
    if (outcome.kind === "gap") await this.resync(d.eventAt);
    return null;
  }

  /** Brings the replica to the ingest actor's snapshot and pushes the difference. */
  private async resync(eventAt = this.ctx.clock.now()): Promise<void> {
    const ingest = this.ctx.peer("ingest");
    if (!ingest) return;
    const snapshot = await ingest.request({
      type: "config-snapshot-request",
      haveVersion: this.replica.sourceVersion,
    });
    const change = this.replica.resync(snapshot);
    if (!change) return;
    this.pool?.changed(change, eventAt);
    this.coordinator?.changed(change, eventAt);
  }

  private connected(connectionId: string, proxy: Proxy, sendNewView: boolean): null {
    const joined = this.views.add(connectionId, proxy);
    if (!joined) return null;
    this.coordinator?.connected(connectionId, proxy);
    // A view the xDS actor has no snapshot of: its streams wait for this one.
    if (joined.newView && sendNewView && this.pipeline)
      this.dispatch?.send(
        this.views.group([proxy.id]),
        fullPushForAll("proxy", this.ctx.clock.now(), this.pipeline.version),
        true,
      );
    return null;
  }

  private reindexing = false;

  /** Pushes are out: bring the dependency index up to date in slices, between other work. */
  private reindexWhenIdle(): void {
    if (this.reindexing) return;
    this.reindexing = true;
    const slice = (): void => {
      if (this.coordinator?.reindexSome(REINDEX_SLICE_MS)) setImmediate(slice);
      else this.reindexing = false;
    };
    setImmediate(slice);
  }

  private pushed({ version, ...s }: PushSummary): void {
    // The model was built from the replica in this same turn: sourceVersion is the one it holds.
    const entry = { configVersion: this.replica.sourceVersion, modelVersion: version, ...s };
    this.log.info(
      {
        ...entry,
        types: typesLabel(s.types),
        proxies: s.proxies.length,
        ownWorkload: s.ownWorkload.length,
      },
      "config pushed",
    );
    this.recent.push(entry);
    if (this.recent.length > RECENT_PUSHES) this.recent.shift();
  }
}
