// From the coordinator to the xDS actor, through the per-view push queue. A push to some proxies
// becomes one queued entry per proxy view (proxies with equal views share one snapshot): a view is
// in the queue at most once, whatever number of pushes named it, and never generated twice at
// once; what arrives while it is being generated is merged and queued again (PushQueue). The
// dispatcher hands views out while the throttle has a free slot, the throttle's limit following
// measured CPU and event-loop lag (PushThrottle, processLoadProbe). Each view is generated at the
// model version current when its turn comes — a view queued behind several model versions is
// generated once, at the newest — then sent as a SnapshotUpdate (WireTable: what the xDS actor
// has is named by id, only new bytes travel) and, if proxies are to be pushed, a push order. What
// one event-loop turn produces goes out as one SnapshotBatch (at most BATCH_SIZE messages).

import type { Clock } from "../../clock.js";
import type { Logger } from "../../log.js";
import type { ProxyView } from "../../registry/mesh/types.js";
import { PushDispatcher, type PushOutcome } from "../../push/push-queue-dispatcher.js";
import { processLoadProbe, type LoadProbe } from "../../push/push-queue-load-probe.js";
import { PushThrottle } from "../../push/push-queue-throttle.js";
import { PushQueue } from "../../push/push-queue.js";
import { ALL_ENVOY_TYPES, type PushRequest } from "../../push/push-request.js";
import type { PushOrder, SnapshotUpdate } from "../messages.js";
import type { RpcPort } from "../runtime/rpc-port.js";
import type { ViewGroup } from "./connected-views.js";
import type { ViewGenerator } from "./view-generator.js";
import { WireTable } from "./wire-table.js";

const ALL_TYPES = [...ALL_ENVOY_TYPES].sort();
/** Most messages in one SnapshotBatch. */
const BATCH_SIZE = 16;

export interface SnapshotDispatchOptions {
  readonly clock: Clock;
  readonly generator: ViewGenerator;
  /** The port to the xDS actor (none while it is down). */
  readonly xds: () => RpcPort | undefined;
  /** The model version generation runs at now. */
  readonly version: () => number;
  readonly log: Logger;
  /** Generation slots: fixed, or adapted between 1 and maxConcurrency to measured load. */
  readonly fixedConcurrency?: number;
  readonly maxConcurrency?: number;
  /** The load the throttle adapts to (default: this thread's event-loop lag and process CPU). */
  readonly probe?: LoadProbe;
  readonly onOutcome?: (outcome: PushOutcome<string>) => void;
}

/** What is waiting for a view besides its merged PushRequest. */
interface ViewWork {
  view: ProxyView;
  /** The xDS actor must get every type (it holds nothing for the view, or may hold stale). */
  complete: boolean;
  /** Proxies to push after the update: the request's types, or (`orderAll`) all they subscribe to. */
  readonly proxies: Set<string>;
  orderAll: boolean;
}

export class SnapshotDispatch {
  readonly table = new WireTable();
  readonly queue: PushQueue<string>;
  readonly throttle: PushThrottle;
  private readonly dispatcher: PushDispatcher<string>;
  private readonly probe: LoadProbe;
  private readonly work = new Map<string, ViewWork>();
  private outbox: (SnapshotUpdate | PushOrder)[] = [];
  private flushScheduled = false;

  constructor(private readonly options: SnapshotDispatchOptions) {
    const { clock } = options;
    this.queue = new PushQueue<string>(clock);
    this.probe = options.probe ?? processLoadProbe();
    this.throttle = new PushThrottle({
      clock,
      measure: () => this.probe.sample(),
      initialLimit: 4,
      maxLimit: options.maxConcurrency ?? 64,
      ...(options.fixedConcurrency !== undefined ? { fixedLimit: options.fixedConcurrency } : {}),
    });
    this.throttle.start();
    this.dispatcher = new PushDispatcher<string>({
      clock,
      queue: this.queue,
      throttle: this.throttle,
      push: (viewKey, request) => this.pushView(viewKey, request),
      ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
    });
  }

  /**
   * Queues `types` of each view (`complete`: the xDS actor must get every type), and a push of
   * those types to the groups' proxies when `order` (`"all"`: every type they subscribe to).
   */
  send(
    groups: readonly ViewGroup[],
    request: PushRequest,
    complete: boolean,
    order?: "types" | "all",
  ): void {
    for (const g of groups) {
      let w = this.work.get(g.viewKey);
      if (!w) {
        w = { view: g.view, complete, proxies: new Set(), orderAll: false };
        this.work.set(g.viewKey, w);
      }
      w.view = g.view;
      w.complete ||= complete;
      if (order) for (const id of g.proxyIds) w.proxies.add(id);
      w.orderAll ||= order === "all";
      this.dispatcher.enqueue(g.viewKey, request);
    }
  }

  /** The xDS actor restarted: its table is empty, and what waited to be sent is for the old one. */
  reset(): void {
    this.table.reset();
    this.outbox = [];
  }

  stop(): void {
    this.throttle.stop();
    this.probe.stop();
  }

  /** One view's turn: generate what it waits for at the current model, send it, push it. */
  private async pushView(viewKey: string, request: PushRequest): Promise<void> {
    const w = this.work.get(viewKey);
    this.work.delete(viewKey);
    if (!w) return;
    const { generator, version, log } = this.options;
    const pushed = [...request.types].sort();
    const types = w.complete ? ALL_TYPES : pushed;
    const r = await generator.generate({ version: version(), viewKey, view: w.view, types });
    if (r.error !== undefined)
      log.error(
        { err: { message: r.error }, view: r.viewKey },
        "generating config failed; last good kept",
      );
    if (!this.options.xds()) return;
    this.post(this.table.update(r, w.complete));
    if (w.proxies.size > 0)
      this.post({
        type: "push-order",
        proxyIds: [...w.proxies],
        ...(w.orderAll ? {} : { types: pushed }),
      });
  }

  /** Queues a message for the xDS actor; the batch goes at the end of this turn, or when full. */
  private post(m: SnapshotUpdate | PushOrder): void {
    this.outbox.push(m);
    if (this.outbox.length >= BATCH_SIZE) this.flushOutbox();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flushOutbox();
      });
    }
  }

  private flushOutbox(): void {
    const messages = this.outbox;
    if (messages.length === 0) return;
    this.outbox = [];
    const transfer = messages.flatMap((m) => (m.type === "snapshot-update" ? [m.bytes] : []));
    // The xDS actor gone: what it would have held is sent anew (WireTable reset) when it is back.
    this.options.xds()?.send({ type: "snapshot-batch", messages }, transfer);
  }
}
