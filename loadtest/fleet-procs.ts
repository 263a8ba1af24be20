// Fleet benchmark: the fleet processes (fleet-client.ts, forked), and their stats summed.

import { fork, type ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import type { ClientStats, EventAnswer, EventQuery, ProxySpec } from "./fleet-client.js";

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

type Msg = { cmd: string } & Record<string, unknown>;

export function nextMessage<T>(p: ChildProcess, cmd: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      p.off("message", on);
      reject(new Error(`no "${cmd}" from fleet process ${p.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: Msg) => {
      if (m.cmd !== cmd) return;
      clearTimeout(timer);
      p.off("message", on);
      resolve(m as unknown as T);
    };
    p.on("message", on);
  });
}

// ------------------------------------------------------------------------------ the fleet

export class FleetProcs {
  readonly procs: ChildProcess[] = [];

  async start(k: number, address: string, variant: string, nice = 0): Promise<void> {
    for (let i = 0; i < k; i++) {
      const p = fork(here("./fleet-client.js"), [], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      this.procs.push(p);
      // The process's main thread, where its streams are handled (Linux: per thread).
      if (nice !== 0 && p.pid !== undefined) setPriority(p.pid, nice);
      await nextMessage(p, "ready");
      p.send({ cmd: "init", address, variant });
      await nextMessage(p, "init");
    }
  }

  async connect(proxies: ProxySpec[]): Promise<void> {
    const share: ProxySpec[][] = this.procs.map(() => []);
    for (const p of proxies) share[p.index % this.procs.length]!.push(p);
    await Promise.all(
      this.procs.map((p, i) => {
        const r = nextMessage(p, "connect");
        p.send({ cmd: "connect", proxies: share[i] });
        return r;
      }),
    );
  }

  stats(): Promise<ClientStats[]> {
    return Promise.all(
      this.procs.map((p) => {
        const r = nextMessage<ClientStats>(p, "stats");
        p.send({ cmd: "stats" });
        return r;
      }),
    );
  }

  async answer(events: EventQuery[]): Promise<EventAnswer[]> {
    const parts = await Promise.all(
      this.procs.map((p) => {
        const r = nextMessage<{ answers: EventAnswer[] }>(p, "events");
        p.send({ cmd: "events", events });
        return r;
      }),
    );
    return events.map((e, i) => {
      const a: EventAnswer = {
        id: e.id,
        holders: 0,
        acked: 0,
        lastAck: 0,
        latencies: [],
        holderIndexes: [],
      };
      for (const part of parts) {
        const x = part.answers[i]!;
        a.holders += x.holders;
        a.acked += x.acked;
        a.lastAck = Math.max(a.lastAck, x.lastAck);
        a.latencies.push(...x.latencies);
        a.holderIndexes.push(...x.holderIndexes);
      }
      return a;
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || !p.connected) return resolve();
            const t = setTimeout(() => {
              p.kill("SIGKILL");
              resolve();
            }, 5000);
            p.once("exit", () => {
              clearTimeout(t);
              resolve();
            });
            p.send({ cmd: "exit" });
          }),
      ),
    );
  }
}

export function sumStats(s: ClientStats[]): {
  responses: number;
  bytes: number;
  synced: number;
  failed: number;
  streams: number;
  perProxy: Map<number, { responses: number; bytes: number }>;
  byType: Record<string, number>;
  cpuS: number;
  rssMB: number;
} {
  const perProxy = new Map<number, { responses: number; bytes: number }>();
  const byType: Record<string, number> = {};
  for (const x of s) {
    for (const p of x.proxies) perProxy.set(p.index, p);
    for (const [t, v] of Object.entries(x.byType)) byType[t] = (byType[t] ?? 0) + v.bytes;
  }
  return {
    responses: s.reduce((a, x) => a + x.responses, 0),
    bytes: s.reduce((a, x) => a + x.bytes, 0),
    synced: s.reduce((a, x) => a + x.synced, 0),
    failed: s.reduce((a, x) => a + x.failed, 0),
    streams: s.reduce((a, x) => a + x.streams, 0),
    perProxy,
    byType,
    cpuS: s.reduce((a, x) => a + x.cpuMs, 0) / 1000,
    rssMB: Math.max(...s.map((x) => x.rssMB)),
  };
}
