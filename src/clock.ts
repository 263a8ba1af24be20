// Time as a dependency. Anything that waits (coalescing windows, debounce, retries, actor
// timeouts) takes a Clock, so tests drive time with a fake clock instead of sleeping.

declare const timerBrand: unique symbol;

/** An opaque handle for a scheduled callback; only the clock that made it can cancel it. */
export type TimerHandle = { readonly [timerBrand]: true };

export interface Clock {
  /** Current time in milliseconds (the system clock: wall-clock ms since the Unix epoch). */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now (negative or NaN counts as 0). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a callback that has not run yet; a handle that already ran or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: Date.now() and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) =>
    globalThis.clearTimeout(handle as unknown as ReturnType<typeof globalThis.setTimeout>),
};
