// The per-proxy push queue. A proxy is in the queue at most once, with every request for it merged
// into one; a proxy is handed out by dequeue() at most once at a time. Requests that arrive while
// its push is in flight are held (merged) and queued again, once, when markDone() reports that
// push finished. FIFO by the time a proxy entered the queue; merging does not move it.
//
// Proxy ids should name a connection. remove() forgets a disconnected proxy; if its push is in
// flight, the id stays reserved until markDone(), so a reconnect under the same id is held, not
// handed out next to the old push.

import type { Clock } from "../clock.js";
import { PushRequestMerger, type PushRequest } from "./push-request.js";

export interface QueuedPush<P> {
  readonly proxyId: P;
  readonly request: PushRequest;
  /** When the proxy entered the queue (for istiod's pilot_proxy_queue_time). */
  readonly enqueuedAt: number;
}

interface InFlight {
  /** Requests that arrived during the push, merged; queued again on markDone. */
  held: PushRequestMerger | undefined;
  heldSince: number;
}

export class PushQueue<P = string> {
  /** Map iteration order is insertion order: the FIFO. */
  private readonly pending = new Map<P, { merger: PushRequestMerger; enqueuedAt: number }>();
  private readonly inFlight = new Map<P, InFlight>();

  constructor(private readonly clock: Pick<Clock, "now">) {}

  enqueue(proxyId: P, request: PushRequest): void {
    const flying = this.inFlight.get(proxyId);
    if (flying) {
      if (flying.held === undefined) {
        flying.held = new PushRequestMerger();
        flying.heldSince = this.clock.now();
      }
      flying.held.add(request);
      return;
    }
    const queued = this.pending.get(proxyId);
    if (queued) queued.merger.add(request);
    else
      this.pending.set(proxyId, {
        merger: new PushRequestMerger().add(request),
        enqueuedAt: this.clock.now(),
      });
  }

  /** The proxy that has waited longest, now marked in flight; undefined when none waits. */
  dequeue(): QueuedPush<P> | undefined {
    const first = this.pending.entries().next();
    if (first.done) return undefined;
    const [proxyId, entry] = first.value;
    this.pending.delete(proxyId);
    this.inFlight.set(proxyId, { held: undefined, heldSince: 0 });
    return { proxyId, request: entry.merger.build(), enqueuedAt: entry.enqueuedAt };
  }

  /** The push handed out for `proxyId` has finished (or failed); held requests are queued again. */
  markDone(proxyId: P): void {
    const flying = this.inFlight.get(proxyId);
    if (!flying) return;
    this.inFlight.delete(proxyId);
    if (flying.held)
      this.pending.set(proxyId, { merger: flying.held, enqueuedAt: flying.heldSince });
  }

  /** The proxy disconnected: drop what waits for it. */
  remove(proxyId: P): void {
    this.pending.delete(proxyId);
    const flying = this.inFlight.get(proxyId);
    if (flying) flying.held = undefined; // stays in flight (reserved) until markDone
  }

  /** Proxies waiting to be handed out. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Proxies handed out and not yet marked done. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  isQueued(proxyId: P): boolean {
    return this.pending.has(proxyId);
  }

  isInFlight(proxyId: P): boolean {
    return this.inFlight.has(proxyId);
  }

  /** The merged request waiting for a proxy (queued, or held behind its in-flight push). */
  pendingRequest(proxyId: P): PushRequest | undefined {
    return (this.pending.get(proxyId)?.merger ?? this.inFlight.get(proxyId)?.held)?.build();
  }
}
