// How many proxy pushes may be in flight at once, adapted to measured load instead of fixed
// (istiod's PILOT_PUSH_THROTTLE is a fixed semaphore; too high a value on few cores made a
// rollout take 25 minutes to converge, istio/istio#44985).
//
// Every `adjustEveryMs` the throttle samples the load (event-loop lag of the coordinator's thread,
// CPU busy fraction of the process over the cores it may use) and:
//   - halves the limit (not below minLimit) when lag or CPU is above its target;
//   - adds one (not above maxLimit) when the limit was actually reached in the interval (someone
//     was refused) and the mean push time per proxy did not rise by more than `pushTimeGrowth`
//     over the previous interval's (rising push time under more concurrency = contention);
//   - otherwise keeps it.
// With `fixedLimit` it never adapts. The measurement is injected, so tests drive it.

import type { Clock, TimerHandle } from "../clock.js";

export interface LoadSample {
  /** Event-loop delay of the coordinator's thread over the last interval (ms, e.g. p99). */
  readonly eventLoopLagMs: number;
  /** CPU time used over wall time × usable cores, over the last interval (0..1). */
  readonly cpuBusy: number;
}

export interface ThrottleOptions {
  readonly clock: Clock;
  readonly measure: () => LoadSample;
  readonly initialLimit: number;
  readonly minLimit?: number;
  readonly maxLimit: number;
  /** Use exactly this limit and never adapt. */
  readonly fixedLimit?: number;
  readonly adjustEveryMs?: number;
  readonly targetLoopLagMs?: number;
  readonly targetCpuBusy?: number;
  /** Largest growth of mean push time between intervals that still allows an increase. */
  readonly pushTimeGrowth?: number;
}

export interface ThrottleStats {
  readonly limit: number;
  readonly inFlight: number;
  readonly increases: number;
  readonly decreases: number;
  readonly refused: number;
  readonly lastSample?: LoadSample;
  /** Mean push time per proxy over the last completed interval (ms). */
  readonly lastMeanPushMs?: number;
}

export class PushThrottle {
  private current: number;
  private active = 0;
  private timer: TimerHandle | undefined;
  private intervalPushes = 0;
  private intervalPushMs = 0;
  private intervalRefused = false;
  private previousMeanPushMs: number | undefined;
  private lastSample: LoadSample | undefined;
  private readonly counts = { increases: 0, decreases: 0, refused: 0 };
  private readonly minLimit: number;

  constructor(private readonly options: ThrottleOptions) {
    this.minLimit = Math.max(1, options.minLimit ?? 1);
    const start = options.fixedLimit ?? options.initialLimit;
    this.current = Math.max(this.minLimit, Math.min(options.maxLimit, Math.floor(start)));
    if (options.fixedLimit !== undefined) this.current = Math.max(1, options.fixedLimit);
  }

  get limit(): number {
    return this.current;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Takes a slot if one is free. */
  tryAcquire(): boolean {
    if (this.active >= this.current) {
      this.counts.refused++;
      this.intervalRefused = true;
      return false;
    }
    this.active++;
    return true;
  }

  /** Gives a slot back; `pushMs` is how long that proxy's push took. */
  release(pushMs: number): void {
    if (this.active === 0) throw new Error("PushThrottle.release without acquire");
    this.active--;
    if (Number.isFinite(pushMs) && pushMs >= 0) {
      this.intervalPushes++;
      this.intervalPushMs += pushMs;
    }
  }

  /** Starts adapting on the clock (no-op with a fixed limit). */
  start(): void {
    if (this.options.fixedLimit !== undefined || this.timer !== undefined) return;
    const every = this.options.adjustEveryMs ?? 1000;
    const tick = (): void => {
      this.adjust();
      this.timer = this.options.clock.setTimeout(tick, every);
    };
    this.timer = this.options.clock.setTimeout(tick, every);
  }

  stop(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One adaptation step (the timer calls this; tests may too). */
  adjust(): void {
    if (this.options.fixedLimit !== undefined) return;
    const sample = this.options.measure();
    this.lastSample = sample;
    const mean = this.intervalPushes > 0 ? this.intervalPushMs / this.intervalPushes : undefined;
    const overloaded =
      sample.eventLoopLagMs > (this.options.targetLoopLagMs ?? 20) ||
      sample.cpuBusy > (this.options.targetCpuBusy ?? 0.85);
    const pushTimeSteady =
      mean === undefined ||
      this.previousMeanPushMs === undefined ||
      mean <= this.previousMeanPushMs * (this.options.pushTimeGrowth ?? 1.5);
    if (overloaded) {
      const next = Math.max(this.minLimit, Math.floor(this.current / 2));
      if (next < this.current) this.counts.decreases++;
      this.current = next;
    } else if (this.intervalRefused && pushTimeSteady && this.current < this.options.maxLimit) {
      this.current++;
      this.counts.increases++;
    }
    if (mean !== undefined) this.previousMeanPushMs = mean;
    this.intervalPushes = 0;
    this.intervalPushMs = 0;
    this.intervalRefused = false;
  }

  get stats(): ThrottleStats {
    return {
      limit: this.current,
      inFlight: this.active,
      ...this.counts,
      ...(this.lastSample ? { lastSample: this.lastSample } : {}),
      ...(this.previousMeanPushMs !== undefined ? { lastMeanPushMs: this.previousMeanPushMs } : {}),
    };
  }
}
