// An actor's mailbox: messages are handled in arrival order, one at a time; a handler that
// returns a promise is awaited before the next message starts, so an actor's state is only ever
// touched by one message. A mailbox starts paused (the actor is starting) and can be stopped.
// A backlog is handled in slices of about SLICE_MS, each its own event-loop turn: messages that
// arrive together (a MessagePort delivers everything queued in one go) would otherwise be handled
// in one long turn, with the thread's sockets and timers waiting behind them.

/** Longest a mailbox handles messages without giving its event loop a turn. */
const SLICE_MS = 4;

export type MailboxHandler<M> = (message: M) => unknown;

interface Entry<M> {
  readonly message: M;
  readonly done: (result: { value?: unknown; error?: unknown }) => void;
}

export class Mailbox<M> {
  private readonly queue: Entry<M>[] = [];
  private running = false;
  private paused = true;
  private stopped = false;

  constructor(
    private readonly handler: MailboxHandler<M>,
    /** Milliseconds, for slicing (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Messages waiting, plus the one being handled. */
  get depth(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Queues a message; resolves with what the handler returned (rejects with what it threw). */
  post(message: M): Promise<unknown> {
    if (this.stopped) return Promise.reject(new Error("mailbox stopped"));
    return new Promise((resolve, reject) => {
      this.queue.push({
        message,
        done: (r) => ("error" in r ? reject(r.error) : resolve(r.value)),
      });
      void this.drain();
    });
  }

  /** Starts (or resumes) handling messages. */
  resume(): void {
    this.paused = false;
    void this.drain();
  }

  /** Refuses new messages and fails those still queued. */
  stop(): void {
    this.stopped = true;
    for (const e of this.queue.splice(0)) e.done({ error: new Error("mailbox stopped") });
  }

  private async drain(): Promise<void> {
    if (this.running || this.paused) return;
    this.running = true;
    let sliceStart = this.now();
    try {
      for (let e = this.queue.shift(); e; e = this.paused ? undefined : this.queue.shift()) {
        try {
          e.done({ value: await this.handler(e.message) });
        } catch (error) {
          e.done({ error });
        }
        if (this.queue.length > 0 && this.now() - sliceStart >= SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = this.now();
        }
      }
    } finally {
      this.running = false;
    }
  }
}
