// The server-wide write budget: how many response bytes all streams together may have written
// but not yet flushed to their sockets. A push to thousands of streams proceeds as fast as the
// sockets drain instead of holding a framed copy per stream in memory at once. A stream whose
// oldest write has not flushed for `stuckAfterMs` is taken out of the budget, so clients that
// stop reading cannot hold up the others (their own memory stays bounded per stream).

/** The part of a connection the budget needs. */
export interface BudgetedStream {
  readonly oldestPendingWriteAt: number | undefined;
  releaseBudget(): void;
  resumeFlush(): void;
}

export class WriteBudget<S extends BudgetedStream> {
  private inFlight = 0;
  private readonly waiting = new Set<S>();
  private draining = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly maxBytes: number,
    private readonly stuckAfterMs: number,
    private readonly now: () => number,
    private readonly streams: () => Iterable<S>,
  ) {}

  /** Bytes written and not yet flushed. */
  get pendingBytes(): number {
    return this.inFlight;
  }

  /** Streams waiting for room. */
  get waitingStreams(): number {
    return this.waiting.size;
  }

  sent(bytes: number): void {
    this.inFlight += bytes;
  }

  /** True if `s` may write now; otherwise it is resumed when room frees up. */
  mayWrite(s: S): boolean {
    if (this.inFlight < this.maxBytes) return true;
    this.waiting.add(s);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.releaseStuck();
    }, this.stuckAfterMs).unref();
    return false;
  }

  /** `bytes` were flushed (or their stream went away): let waiting streams go on. */
  written(bytes: number): void {
    this.inFlight -= bytes;
    if (this.draining) return;
    this.draining = true;
    try {
      for (const s of this.waiting) {
        if (this.inFlight >= this.maxBytes) break;
        this.waiting.delete(s);
        s.resumeFlush();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Takes streams stuck for stuckAfterMs out of the budget; returns how many. */
  releaseStuck(): number {
    const now = this.now();
    let released = 0;
    for (const s of this.streams()) {
      const at = s.oldestPendingWriteAt;
      if (at !== undefined && now - at >= this.stuckAfterMs) {
        s.releaseBudget();
        released++;
      }
    }
    this.written(0);
    return released;
  }

  forget(s: S): void {
    this.waiting.delete(s);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
