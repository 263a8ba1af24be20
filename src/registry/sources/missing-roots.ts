// Config directories that vanished while being watched. A directory removed at runtime is far
// more likely an accident (an unmounted volume, a checkout being replaced) than a wish to empty the
// mesh, so the source keeps serving what it defined, reports the problem, and looks for the
// directory again every `pollMs` (the watcher cannot see a removed root come back).

import { stat } from "node:fs/promises";
import type { Clock, TimerHandle } from "../../clock.js";

export class MissingRoots {
  private readonly missing = new Set<string>();
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly pollMs: number,
    /** Called once for each missing root that exists again. */
    private readonly onReturn: (root: string) => void,
  ) {}

  has(root: string): boolean {
    return this.missing.has(root);
  }

  list(): string[] {
    return [...this.missing];
  }

  add(root: string): void {
    if (this.closed) return;
    this.missing.add(root);
    this.timer ??= this.clock.setTimeout(() => void this.poll(), this.pollMs);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    for (const root of [...this.missing]) {
      if (!(await isDirectory(root)) || this.closed) continue;
      this.missing.delete(root);
      this.onReturn(root);
    }
    this.timer = undefined;
    if (this.missing.size > 0 && !this.closed)
      this.timer = this.clock.setTimeout(() => void this.poll(), this.pollMs);
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
