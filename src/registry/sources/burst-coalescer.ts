// Gathers a burst of events into one flush: the flush runs once nothing has happened for
// `quietMs`, or `maxDelayMs` after the first event of the burst, whichever comes first, so a
// constant stream of events still flushes regularly. Knows nothing about what the events are.

import type { Clock, TimerHandle } from "../../clock.js";

export interface BurstCoalescerOptions {
  readonly clock: Clock;
  /** Flush after this long without a new event. */
  readonly quietMs: number;
  /** Never hold the first event of a burst longer than this. */
  readonly maxDelayMs: number;
  /** Called once per burst, on the clock's timer. */
  readonly flush: () => void;
}

export class BurstCoalescer {
  private readonly opts: BurstCoalescerOptions;
  /** When the first event of the pending burst arrived; undefined when nothing is pending. */
  private burstStartedAt: number | undefined;
  private lastEventAt = 0;
  private timer: TimerHandle | undefined;

  constructor(opts: BurstCoalescerOptions) {
    if (!(opts.quietMs >= 0))
      throw new Error(`BurstCoalescer: quietMs must be >= 0, got ${opts.quietMs}`);
    if (!(opts.maxDelayMs >= opts.quietMs))
      throw new Error(
        `BurstCoalescer: maxDelayMs (${opts.maxDelayMs}) must be >= quietMs (${opts.quietMs})`,
      );
    this.opts = opts;
  }

  /** Records that something happened; the flush is (re)scheduled accordingly. */
  notify(): void {
    const now = this.opts.clock.now();
    this.lastEventAt = now;
    if (this.burstStartedAt === undefined) {
      this.burstStartedAt = now;
      this.arm(this.opts.quietMs);
    }
    // A burst already pending keeps its timer: when it fires it checks whether the tree has been
    // quiet long enough and re-arms for the remainder if not. That avoids one timer per event.
  }

  /** True when events are waiting for a flush. */
  get pending(): boolean {
    return this.burstStartedAt !== undefined;
  }

  /** Drops the pending burst without flushing. */
  cancel(): void {
    if (this.timer !== undefined) this.opts.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.burstStartedAt = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.opts.clock.setTimeout(() => this.onTimer(), ms);
  }

  private onTimer(): void {
    this.timer = undefined;
    const started = this.burstStartedAt;
    if (started === undefined) return;
    const dueAt = Math.min(this.lastEventAt + this.opts.quietMs, started + this.opts.maxDelayMs);
    const now = this.opts.clock.now();
    if (now < dueAt) {
      this.arm(dueAt - now);
      return;
    }
    this.burstStartedAt = undefined;
    this.opts.flush();
  }
}
