// Gathers a burst of events into one flush: the flush runs once nothing has happened for
// `quietMs`, or `maxDelayMs` after the first event of the burst, whichever comes first, so a
// constant stream of events still flushes regularly. Knows nothing about what the events are,
// except that some are "slow": a burst holding one waits the `slow` windows instead (the YAML
// source marks removals slow, so a rename or an editor's backup dance, whose file is briefly
// missing, is not read in the middle and turned into a delete followed by an add).

import type { Clock, TimerHandle } from "../../clock.js";

export interface BurstWindows {
  /** Flush after this long without a new event. */
  readonly quietMs: number;
  /** Never hold the first event of a burst longer than this. */
  readonly maxDelayMs: number;
}

export interface BurstCoalescerOptions extends BurstWindows {
  readonly clock: Clock;
  /** The windows of a burst holding a slow event (default: the same as the others). */
  readonly slow?: BurstWindows;
  /** Called once per burst, on the clock's timer. */
  readonly flush: () => void;
}

export class BurstCoalescer {
  private readonly opts: BurstCoalescerOptions;
  /** When the first event of the pending burst arrived; undefined when nothing is pending. */
  private burstStartedAt: number | undefined;
  private lastEventAt = 0;
  private windows: BurstWindows;
  private timer: TimerHandle | undefined;

  constructor(opts: BurstCoalescerOptions) {
    check(opts, "");
    if (opts.slow) check(opts.slow, "slow.");
    this.opts = opts;
    this.windows = opts;
  }

  /** Records that something happened (`slow`: see above); the flush is (re)scheduled. */
  notify(slow = false): void {
    const now = this.opts.clock.now();
    this.lastEventAt = now;
    if (this.burstStartedAt === undefined) {
      this.burstStartedAt = now;
      this.windows = this.opts;
      this.arm(this.opts.quietMs);
    }
    if (slow && this.opts.slow) this.windows = this.opts.slow;
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
    const { quietMs, maxDelayMs } = this.windows;
    const dueAt = Math.min(this.lastEventAt + quietMs, started + maxDelayMs);
    const now = this.opts.clock.now();
    if (now < dueAt) {
      this.arm(dueAt - now);
      return;
    }
    this.burstStartedAt = undefined;
    this.opts.flush();
  }
}

function check(w: BurstWindows, prefix: string): void {
  if (!(w.quietMs >= 0))
    throw new Error(`BurstCoalescer: ${prefix}quietMs must be >= 0, got ${w.quietMs}`);
  if (!(w.maxDelayMs >= w.quietMs))
    throw new Error(
      `BurstCoalescer: ${prefix}maxDelayMs (${w.maxDelayMs}) must be >= ${prefix}quietMs (${w.quietMs})`,
    );
}
