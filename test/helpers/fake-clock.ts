// A Clock for tests: time stands still until advance() moves it, and timers that come due run
// then, in order of due time (ties in the order they were scheduled), each seeing now() equal to
// its own due time. Timers scheduled by a running timer run too if they fall inside the advance.

import type { Clock, TimerHandle } from "../../src/clock.js";

interface FakeTimer {
  readonly id: number;
  readonly dueAt: number;
  readonly fn: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer: FakeTimer = { id: this.nextId++, dueAt: this.current + delay, fn };
    this.timers.set(timer.id, timer);
    return timer.id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as unknown as number);
  }

  /** Moves time forward by `ms`, running every timer that comes due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`FakeClock.advance: ms must be >= 0, got ${ms}`);
    const until = this.current + ms;
    for (;;) {
      const next = this.earliestDue();
      if (next === undefined || next.dueAt > until) break;
      this.timers.delete(next.id);
      this.current = next.dueAt;
      next.fn();
    }
    this.current = until;
  }

  /** Moves time to the next due timer and runs it (and any due at the same instant); false if none. */
  runNext(): boolean {
    const next = this.earliestDue();
    if (next === undefined) return false;
    this.advance(next.dueAt - this.current);
    return true;
  }

  /** How many timers are scheduled and not yet run or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Due time of the earliest scheduled timer, if any. */
  nextDueAt(): number | undefined {
    return this.earliestDue()?.dueAt;
  }

  private earliestDue(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers.values()) {
      if (best === undefined || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.id < best.id))
        best = t;
    }
    return best;
  }
}
