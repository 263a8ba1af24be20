// Drains the per-proxy queue through the throttle: hands each queued proxy to `push` while a slot
// is free, and on completion (success or failure) marks it done, gives the slot back with the
// time the push took, and pulls the next. This is the loop the push coordinator runs; `push` is
// whatever sends one proxy its merged request (generate via the compute pool, hand bytes to the
// xDS actor, resolve when the proxy's send is done).

import type { Clock } from "../clock.js";
import type { PushQueue } from "./push-queue.js";
import type { PushThrottle } from "./push-queue-throttle.js";
import type { PushRequest } from "./push-request.js";

export interface PushOutcome<P> {
  readonly proxyId: P;
  readonly request: PushRequest;
  /** Time spent queued (istiod's pilot_proxy_queue_time). */
  readonly queueMs: number;
  /** Time the push took. */
  readonly pushMs: number;
  /** From the earliest source event to the end of the push (pilot_proxy_convergence_time). */
  readonly convergenceMs: number;
  readonly error?: unknown;
}

export interface DispatcherOptions<P> {
  readonly clock: Clock;
  readonly queue: PushQueue<P>;
  readonly throttle: PushThrottle;
  readonly push: (proxyId: P, request: PushRequest) => Promise<void>;
  readonly onOutcome?: (outcome: PushOutcome<P>) => void;
}

export class PushDispatcher<P = string> {
  constructor(private readonly options: DispatcherOptions<P>) {}

  /** Queues a request for a proxy (merged with what waits for it) and starts what can start. */
  enqueue(proxyId: P, request: PushRequest): void {
    this.options.queue.enqueue(proxyId, request);
    this.pump();
  }

  /** The proxy disconnected. */
  remove(proxyId: P): void {
    this.options.queue.remove(proxyId);
  }

  /** Starts pushes while proxies wait and slots are free (call after the limit may have grown). */
  pump(): void {
    const { queue, throttle, clock } = this.options;
    while (queue.pendingCount > 0 && throttle.tryAcquire()) {
      const item = queue.dequeue();
      if (!item) {
        throttle.release(Number.NaN);
        return;
      }
      const startedAt = clock.now();
      const finish = (error?: unknown): void => {
        const endedAt = clock.now();
        queue.markDone(item.proxyId);
        throttle.release(endedAt - startedAt);
        this.options.onOutcome?.({
          proxyId: item.proxyId,
          request: item.request,
          queueMs: startedAt - item.enqueuedAt,
          pushMs: endedAt - startedAt,
          convergenceMs: endedAt - item.request.firstEventAt,
          ...(error !== undefined ? { error } : {}),
        });
        this.pump();
      };
      let running: Promise<void>;
      try {
        running = this.options.push(item.proxyId, item.request);
      } catch (err) {
        running = Promise.reject(err);
      }
      running.then(
        () => finish(),
        (err: unknown) => finish(err ?? new Error("push failed")),
      );
    }
  }
}
