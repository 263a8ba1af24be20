// How long the supervisor waits before restarting a dead actor: 100 ms after the first crash,
// doubling with each further crash of the same actor (at most 10 s), back to 100 ms once it has
// stayed up for a minute. Time is the injected clock's.

import type { Clock, TimerHandle } from "../../clock.js";

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  /** Up this long since the previous crash: the next crash counts as a first one. */
  readonly resetAfterMs?: number;
}

export class RestartBackoff {
  private readonly crashes = new Map<string, { count: number; at: number }>();
  private readonly timers = new Set<TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly options: BackoffOptions = {},
  ) {}

  /** Records a crash of `name`; returns the delay before its restart. */
  next(name: string): number {
    const now = this.clock.now();
    const prev = this.crashes.get(name);
    const fresh = !prev || now - prev.at > (this.options.resetAfterMs ?? 60_000);
    const count = fresh ? 1 : prev.count + 1;
    this.crashes.set(name, { count, at: now });
    const initial = this.options.initialMs ?? 100;
    return Math.min(initial * 2 ** (count - 1), this.options.maxMs ?? 10_000);
  }

  schedule(_name: string, delayMs: number, fn: () => void): void {
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, delayMs);
    this.timers.add(handle);
  }

  cancelAll(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers.clear();
  }
}
