// The supervisor, on the main thread: starts each actor in its own worker thread, gives every
// linked pair of actors a MessageChannel, and restarts an actor whose thread dies (after a
// backoff on the injected clock), logging it and counting it in
// `meshpilot_actor_restarts_total{actor}`. The dead actor's peers are told twice: `peer-down` at
// once (drop what it held), `peer-restarted` once the new thread has started (resynchronise).
// Events: "crashed" (name, error), "restarted" (name, StartInfo), "restart-failed" (name, error).

import { EventEmitter } from "node:events";
import { MessageChannel, Worker } from "node:worker_threads";
import { Counter, type Registry } from "prom-client";
import type { Clock } from "../../clock.js";
import type { Logger } from "../../log.js";
import type { ReplyOf, RequestBody, StartInfo } from "../messages.js";
import type { ActorThreadData } from "./actor-host.js";
import { RestartBackoff } from "./restart-backoff.js";
import { RpcPort } from "./rpc-port.js";

export interface ActorSpec {
  readonly name: string;
  /** The module exporting `createActor` (actor-host.ts). */
  readonly module: URL;
  options?: unknown;
}

export interface SupervisorOptions {
  readonly clock: Clock;
  readonly log: Logger;
  readonly registry: Registry;
  readonly logLevel?: string;
  readonly startTimeoutMs?: number;
  readonly backoff?: RestartBackoff;
}

interface Running {
  readonly worker: Worker;
  readonly port: RpcPort;
  error?: Error;
}

const ENTRY = new URL("./actor-thread.js", import.meta.url);

export class Supervisor extends EventEmitter {
  private readonly specs = new Map<string, ActorSpec>();
  private readonly links: Array<readonly [string, string]> = [];
  private readonly running = new Map<string, Running>();
  private readonly started: string[] = [];
  private readonly restarts: Counter<"actor">;
  private readonly backoff: RestartBackoff;
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.backoff = options.backoff ?? new RestartBackoff(options.clock);
    this.restarts = new Counter({
      name: "meshpilot_actor_restarts_total",
      help: "Actor threads restarted after they died, by actor",
      labelNames: ["actor"],
      registers: [options.registry],
    });
  }

  add(spec: ActorSpec): void {
    this.specs.set(spec.name, spec);
  }

  /** The two actors talk to each other (a MessageChannel, renewed when either restarts). */
  link(a: string, b: string): void {
    this.links.push([a, b]);
  }

  /** Options for the actor's next (re)start. */
  setOptions(name: string, options: unknown): void {
    this.spec(name).options = options;
  }

  /**
   * Creates an actor's thread (its modules load meanwhile) without starting it; start() later.
   * Launching every actor first lets their threads load in parallel.
   */
  launch(name: string): void {
    if (!this.running.has(name)) this.spawn(name);
  }

  /** Starts an actor (launching it if needed); resolves with its StartInfo, rejects if it fails. */
  async start(name: string): Promise<StartInfo> {
    this.launch(name);
    const info = await this.startActor(name);
    this.started.push(name);
    return info;
  }

  /** Actors started (in start order). */
  get names(): readonly string[] {
    return this.started;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** A request to an actor (a debug query, metrics…); rejects if it is down. */
  request<Q extends RequestBody>(
    name: string,
    body: Q,
    timeoutMs?: number,
  ): Promise<ReplyOf[Q["type"]]> {
    const r = this.running.get(name);
    if (!r) return Promise.reject(new Error(`actor ${name} is not running (restarting)`));
    return r.port.request(body, timeoutMs);
  }

  /** One-way message to an actor (e.g. the crash test hook). */
  send(name: string, body: unknown): void {
    this.running.get(name)?.port.send(body);
  }

  /** Stops every actor, last started first (launched, never started ones first of all). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.backoff.cancelAll();
    const order = [...this.running.keys()].filter((n) => !this.started.includes(n));
    for (const name of [...order, ...[...this.started].reverse()]) {
      const r = this.running.get(name);
      if (!r) continue;
      await r.port.request({ type: "stop" }, 10_000).catch(() => undefined);
      r.port.close("stopped");
      await r.worker.terminate();
      this.running.delete(name);
    }
  }

  private spec(name: string): ActorSpec {
    const s = this.specs.get(name);
    if (!s) throw new Error(`no actor named ${name}`);
    return s;
  }

  private startActor(name: string): Promise<StartInfo> {
    return this.request(name, { type: "start" }, this.options.startTimeoutMs ?? 120_000);
  }

  private spawn(name: string): void {
    const spec = this.spec(name);
    const workerData: ActorThreadData = {
      name,
      module: spec.module.href,
      options: spec.options,
      logLevel: this.options.logLevel ?? "info",
    };
    const worker = new Worker(ENTRY, { workerData });
    const port = new RpcPort(worker, this.options.clock, () => null);
    const r: Running = { worker, port };
    this.running.set(name, r);
    worker.on("error", (e) => (r.error = e));
    worker.on("exit", (code) => this.exited(name, r, code));
    for (const [a, b] of this.links) {
      const peer = a === name ? b : b === name ? a : undefined;
      const other = peer === undefined ? undefined : this.running.get(peer);
      if (!other || peer === undefined) continue;
      const { port1, port2 } = new MessageChannel();
      port.send({ type: "connect-peer", peer, port: port1 }, [port1]);
      other.port.send({ type: "connect-peer", peer: name, port: port2 }, [port2]);
    }
  }

  private exited(name: string, r: Running, code: number): void {
    r.port.close(`actor ${name} exited (code ${code})${r.error ? `: ${r.error.message}` : ""}`);
    if (this.running.get(name) !== r) return;
    this.running.delete(name);
    if (this.stopping || !this.started.includes(name)) return;
    const err = r.error ?? new Error(`thread exited with code ${code}`);
    this.restarts.inc({ actor: name });
    const delayMs = this.backoff.next(name);
    this.options.log.error({ actor: name, err, delayMs }, "actor crashed; restarting");
    this.emit("crashed", name, err);
    for (const peer of this.peersOf(name))
      this.request(peer, { type: "peer-down", peer: name })
        .then((info) => this.emit("peer-down", peer, name, info))
        .catch(() => undefined);
    this.backoff.schedule(name, delayMs, () => void this.restart(name));
  }

  private async restart(name: string): Promise<void> {
    if (this.stopping) return;
    try {
      this.spawn(name);
      const info = await this.startActor(name);
      this.options.log.info({ actor: name, ...info }, "actor restarted");
      for (const peer of this.peersOf(name))
        await this.request(peer, { type: "peer-restarted", peer: name }).catch(() => undefined);
      this.emit("restarted", name, info);
    } catch (err) {
      this.options.log.error({ actor: name, err }, "actor restart failed");
      this.emit("restart-failed", name, err);
    }
  }

  private peersOf(name: string): string[] {
    return this.links.flatMap(([a, b]) => (a === name ? [b] : b === name ? [a] : []));
  }
}
