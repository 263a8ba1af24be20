// Adaptive debounce: turns a stream of push requests into as few flushes as keep latency low.
//
// - An isolated change (nothing received for `debounceAfter`, nothing pending, no flush running)
//   is flushed at once. istiod always waits its 100 ms quiet period; we do not.
// - Further events of a burst are merged and flushed when `debounceAfter` has passed without an
//   event, or when `debounceMax` has passed since the first merged event, whichever is first.
// - Backlog: while a flush is being processed (onFlush returned a promise that has not settled),
//   nothing else is flushed. Events merge and are flushed as one request the moment it settles,
//   so the window stretches to exactly the time the consumer needs, and no model version is
//   computed that is never pushed (istio/istio#45142). This may exceed `debounceMax`.
// - With `edsDebounce` false, an endpoint-only request skips the quiet period (when no flush is
//   running), as istiod's PILOT_ENABLE_EDS_DEBOUNCE=false; a pending burst keeps waiting.

import type { Clock, TimerHandle } from "../clock.js";
import { isEndpointOnly, PushRequestMerger, type PushRequest } from "./push-request.js";

export type FlushCause = "immediate" | "quiet" | "max-delay" | "backlog" | "eds-fast-path";

export interface FlushInfo {
  readonly cause: FlushCause;
  /** Source events merged into this flush. */
  readonly events: number;
  /** From receiving the first merged event to the flush (istiod's pilot_debounce_time). */
  readonly delayMs: number;
  readonly request: PushRequest;
}

export interface DebounceOptions {
  readonly clock: Clock;
  /** Quiet period that ends a burst (ms). */
  readonly debounceAfter: number;
  /** Longest a burst may keep delaying its flush (ms), unless a flush is still running. */
  readonly debounceMax: number;
  /** Debounce endpoint-only requests like any other (default true, as istiod). */
  readonly edsDebounce?: boolean;
  /** Consumes a flushed request; a returned promise holds back the next flush until it settles. */
  readonly onFlush: (req: PushRequest) => void | Promise<void>;
  /** Told about every flush, for metrics. */
  readonly onFlushed?: (info: FlushInfo) => void;
  /** Told when onFlush throws or rejects (the debouncer carries on). */
  readonly onError?: (err: unknown) => void;
}

export interface DebounceStats {
  readonly received: number;
  readonly flushes: number;
  readonly byCause: Readonly<Record<FlushCause, number>>;
  readonly maxEventsPerFlush: number;
  readonly totalDelayMs: number;
  readonly maxDelayMs: number;
  readonly flushErrors: number;
  /** Events waiting now, and whether a flush is running. */
  readonly pendingEvents: number;
  readonly busy: boolean;
}

export class Debouncer {
  /** The burst waiting to be flushed (merged in linear time). */
  private pending: PushRequestMerger | undefined;
  private pendingEvents = 0;
  private burstStart = 0;
  private lastEventAt = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;
  private busy = false;
  private stopped = false;
  private readonly counters = {
    received: 0,
    flushes: 0,
    byCause: { immediate: 0, quiet: 0, "max-delay": 0, backlog: 0, "eds-fast-path": 0 },
    maxEventsPerFlush: 0,
    totalDelayMs: 0,
    maxDelayMs: 0,
    flushErrors: 0,
  };

  constructor(private readonly options: DebounceOptions) {
    if (!(options.debounceAfter >= 0) || !(options.debounceMax >= options.debounceAfter))
      throw new Error(
        `Debouncer: need 0 <= debounceAfter <= debounceMax, got ${options.debounceAfter} and ${options.debounceMax}`,
      );
  }

  push(req: PushRequest): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    this.counters.received++;
    const quiet = now - this.lastEventAt >= this.options.debounceAfter;
    this.lastEventAt = now;
    if (!this.busy) {
      if (this.options.edsDebounce === false && isEndpointOnly(req))
        return this.flush(req, 1, now, "eds-fast-path");
      if (this.pending === undefined && quiet) return this.flush(req, 1, now, "immediate");
    }
    if (this.pending === undefined) {
      this.pending = new PushRequestMerger();
      this.pendingEvents = 0;
      this.burstStart = now;
    }
    this.pending.add(req);
    this.pendingEvents++;
    // armed once per burst; onTimer re-arms while the burst is still going
    if (!this.busy && this.timer === undefined) this.arm();
  }

  /** Stops timers and returns what was still pending (nothing is flushed after this). */
  stop(): PushRequest | undefined {
    this.stopped = true;
    this.disarm();
    const left = this.pending?.build();
    this.pending = undefined;
    this.pendingEvents = 0;
    return left;
  }

  get stats(): DebounceStats {
    return {
      ...this.counters,
      byCause: { ...this.counters.byCause },
      pendingEvents: this.pendingEvents,
      busy: this.busy,
    };
  }

  private arm(): void {
    this.disarm();
    const due = Math.min(
      this.lastEventAt + this.options.debounceAfter,
      this.burstStart + this.options.debounceMax,
    );
    this.timer = this.options.clock.setTimeout(
      () => this.onTimer(),
      due - this.options.clock.now(),
    );
  }

  private disarm(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.busy || this.pending === undefined || this.stopped) return;
    const now = this.options.clock.now();
    if (now - this.burstStart >= this.options.debounceMax) this.flushPending("max-delay");
    else if (now - this.lastEventAt >= this.options.debounceAfter) this.flushPending("quiet");
    else this.arm();
  }

  private flushPending(cause: FlushCause): void {
    const req = this.pending?.build();
    if (req === undefined) return;
    this.pending = undefined;
    const events = this.pendingEvents;
    this.pendingEvents = 0;
    this.flush(req, events, this.burstStart, cause);
  }

  private flush(req: PushRequest, events: number, firstAt: number, cause: FlushCause): void {
    if (this.pending === undefined) this.disarm();
    const delayMs = this.options.clock.now() - firstAt;
    const c = this.counters;
    c.flushes++;
    c.byCause[cause]++;
    c.maxEventsPerFlush = Math.max(c.maxEventsPerFlush, events);
    c.totalDelayMs += delayMs;
    c.maxDelayMs = Math.max(c.maxDelayMs, delayMs);
    this.options.onFlushed?.({ cause, events, delayMs, request: req });
    this.busy = true;
    let result: void | Promise<void>;
    try {
      result = this.options.onFlush(req);
    } catch (err) {
      this.failed(err);
      result = undefined;
    }
    if (result && typeof (result as Promise<void>).then === "function") {
      (result as Promise<void>).then(
        () => this.settled(),
        (err: unknown) => {
          this.failed(err);
          this.settled();
        },
      );
    } else {
      this.settled();
    }
  }

  private failed(err: unknown): void {
    this.counters.flushErrors++;
    this.options.onError?.(err);
  }

  /**
   * The running flush is done. What waited behind it (its window ran out meanwhile, or it
   * started meanwhile) goes out now, as one request; a burst whose window is still open keeps
   * waiting for its timer.
   */
  private settled(): void {
    this.busy = false;
    if (this.stopped || this.pending === undefined || this.timer !== undefined) return;
    this.flushPending("backlog");
  }
}
