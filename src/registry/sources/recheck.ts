// A second, trailing read of the files a load just read. chokidar drops a file's events that
// come within 5 ms of the previous one and skips changes that leave the mtime equal, so with a
// short window a load can read a file in the middle of an in-place write (truncated, or half
// written) and never hear of the write's end. Every file a watched load read is therefore read
// once more a little later (the removal window's quiet period); the re-read reports only what
// differs, and is not itself re-checked.

import type { Clock, TimerHandle } from "../../clock.js";

export class Recheck {
  private readonly files = new Set<string>();
  private eventAt: number | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly afterMs: number,
    /** Reads these files again; `eventAt`: the earliest event they answered. */
    private readonly reread: (files: string[], eventAt: number) => void,
  ) {}

  /** The files a load read for events first seen at `eventAt`. */
  add(files: Iterable<string>, eventAt: number): void {
    for (const f of files) this.files.add(f);
    if (this.files.size === 0) return;
    this.eventAt = Math.min(this.eventAt ?? eventAt, eventAt);
    this.timer ??= this.clock.setTimeout(() => this.fire(), this.afterMs);
  }

  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.files.clear();
  }

  private fire(): void {
    this.timer = undefined;
    const files = [...this.files];
    const eventAt = this.eventAt ?? this.clock.now();
    this.files.clear();
    this.eventAt = undefined;
    this.reread(files, eventAt);
  }
}
