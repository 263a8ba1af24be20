// Typed request/reply over a MessagePort (or a Worker, or a worker's parentPort): requests carry
// an id, replies are matched to it, and a request with no reply within its timeout (measured on
// the injected clock) fails. Incoming requests and one-way sends go to one handler (the actor's
// mailbox); whatever it returns is the reply.

import type { Transferable } from "node:worker_threads";
import type { Clock, TimerHandle } from "../../clock.js";
import type { Envelope, ReplyOf, RequestBody } from "../messages.js";

/** What Worker, MessagePort and parentPort have in common. */
export interface PortLike {
  postMessage(message: unknown, transfer?: readonly Transferable[]): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
  off(event: "message", listener: (message: unknown) => void): unknown;
}

export type IncomingHandler = (body: unknown, isRequest: boolean) => unknown;

export class RequestTimeoutError extends Error {
  override readonly name = "RequestTimeoutError";
}

interface Pending {
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: Error) => void;
  readonly timer: TimerHandle;
}

export class RpcPort {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listener = (m: unknown): void => this.receive(m as Envelope);
  private closed = false;

  constructor(
    readonly port: PortLike,
    private readonly clock: Clock,
    private readonly onIncoming: IncomingHandler,
    private readonly defaultTimeoutMs = 10_000,
  ) {
    port.on("message", this.listener);
  }

  /** One-way message; `transfer` lists buffers handed over rather than copied. */
  send(body: unknown, transfer: readonly Transferable[] = []): void {
    if (!this.closed) this.port.postMessage({ kind: "send", body } satisfies Envelope, transfer);
  }

  /** A request; resolves with the peer's reply, rejects on its error or after the timeout. */
  request<Q extends RequestBody>(
    body: Q,
    timeoutMs = this.defaultTimeoutMs,
  ): Promise<ReplyOf[Q["type"]]> {
    if (this.closed) return Promise.reject(new Error(`port closed; ${body.type} not sent`));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeoutError(`${body.type}: no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.port.postMessage({ kind: "request", id, body } satisfies Envelope);
    });
  }

  /** Requests waiting for a reply. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Stops listening; requests still waiting fail. */
  close(reason = "port closed"): void {
    this.closed = true;
    this.port.off("message", this.listener);
    for (const [id, p] of this.pending) {
      this.clock.clearTimeout(p.timer);
      p.reject(new Error(reason));
      this.pending.delete(id);
    }
  }

  private receive(m: Envelope): void {
    if (m.kind === "reply") {
      const p = this.pending.get(m.id);
      if (!p) return; // timed out already
      this.pending.delete(m.id);
      this.clock.clearTimeout(p.timer);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.body);
      return;
    }
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(this.onIncoming(m.body, m.kind === "request"));
    } catch (e) {
      result = Promise.reject(e);
    }
    if (m.kind === "send") {
      result.catch(() => undefined); // the handler reports its own failures
      return;
    }
    const id = m.id;
    result.then(
      (body) => this.reply(id, { body: body ?? null }, replyTransfer(body)),
      (e: unknown) => this.reply(id, { error: e instanceof Error ? e.message : String(e) }),
    );
  }

  private reply(
    id: number,
    r: { body?: unknown; error?: string },
    transfer: Transferable[] = [],
  ): void {
    if (!this.closed)
      this.port.postMessage({ kind: "reply", id, ...r } satisfies Envelope, transfer);
  }
}

/** A reply that carries `bytes: ArrayBuffer` (a snapshot) hands the buffer over. */
function replyTransfer(body: unknown): Transferable[] {
  const bytes = (body as { bytes?: unknown } | null)?.bytes;
  return bytes instanceof ArrayBuffer ? [bytes] : [];
}
