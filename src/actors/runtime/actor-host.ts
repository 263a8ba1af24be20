// The worker-thread side of an actor: loads the actor's module (named in workerData), gives it
// a context (logger, metrics registry, clock, ports to its peers), and runs every message from
// its peers and from the supervisor through one mailbox. Lifecycle messages (ports, start, stop,
// metrics, the crash test hook) are the host's own and do not wait in the mailbox.

import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { Gauge, Registry } from "prom-client";
import { systemClock, type Clock } from "../../clock.js";
import { createLogger, type Logger } from "../../log.js";
import type { LifecycleMessage, StartInfo } from "../messages.js";
import { trackEventLoopLag } from "./event-loop-lag.js";
import { Mailbox } from "./mailbox.js";
import { RpcPort, type PortLike } from "./rpc-port.js";

/** What the supervisor passes to a new actor thread. */
export interface ActorThreadData {
  readonly name: string;
  /** URL of the module exporting `createActor`. */
  readonly module: string;
  readonly options: unknown;
  readonly logLevel: string;
}

export interface ActorContext {
  readonly name: string;
  readonly options: unknown;
  readonly log: Logger;
  readonly registry: Registry;
  readonly clock: Clock;
  /** The current port to a peer actor (replaced when it restarts; none while it is down). */
  peer(name: string): RpcPort | undefined;
}

export interface Actor {
  /** Runs before the mailbox opens; what it returns answers the supervisor's start. */
  start(): Promise<StartInfo> | StartInfo;
  /** One message from a peer or the supervisor; the return value answers a request. */
  handle(message: { readonly type: string }): unknown;
  stop?(): Promise<void> | void;
}

export type ActorFactory = (context: ActorContext) => Actor;

export async function runActorThread(): Promise<void> {
  const data = workerData as ActorThreadData;
  const { createActor } = (await import(data.module)) as { createActor: ActorFactory };
  const log = createLogger(data.logLevel).child({ thread: data.name });
  const registry = new Registry();
  const stopLag = trackEventLoopLag(registry, data.name);
  const peers = new Map<string, RpcPort>();
  const mailbox = new Mailbox<{ type: string }>((m) => actor.handle(m));
  new Gauge({
    name: "meshpilot_actor_mailbox_depth",
    help: "Messages waiting in an actor's mailbox, plus the one being handled",
    labelNames: ["actor"],
    registers: [registry],
    collect() {
      this.set({ actor: data.name }, mailbox.depth);
    },
  });
  const toMailbox = (body: unknown, isRequest: boolean): Promise<unknown> => {
    const done = mailbox.post(body as { type: string });
    if (!isRequest)
      done.catch((err: unknown) =>
        log.error({ err, message: (body as { type?: string }).type }, "actor message failed"),
      );
    return done;
  };
  const context: ActorContext = {
    name: data.name,
    options: data.options,
    log,
    registry,
    clock: systemClock,
    peer: (name) => peers.get(name),
  };
  const actor = createActor(context);
  const lifecycle = async (body: unknown, isRequest: boolean): Promise<unknown> => {
    const m = body as LifecycleMessage;
    switch (m.type) {
      case "connect-peer":
        peers.get(m.peer)?.close(`${m.peer} was replaced`);
        peers.set(m.peer, new RpcPort(m.port as MessagePort, systemClock, toMailbox));
        return null;
      case "start": {
        const info = await actor.start();
        mailbox.resume();
        return info;
      }
      case "stop":
        mailbox.stop();
        await actor.stop?.();
        stopLag();
        for (const p of peers.values()) p.close("stopping");
        log.flush();
        return null;
      case "metrics":
        return registry.getMetricsAsJSON();
      case "crash":
        setImmediate(() => {
          throw new Error(`${data.name}: crash requested (test hook)`);
        });
        return null;
      case "peer-down":
        // Whatever the dead peer still had in flight is dropped, not handled.
        peers.get(m.peer)?.close(`${m.peer} died`);
        peers.delete(m.peer);
        return toMailbox(m, isRequest);
      default:
        return toMailbox(m, isRequest);
    }
  };
  new RpcPort(parentPort as unknown as PortLike, systemClock, lifecycle);
}
