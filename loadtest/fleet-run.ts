// Fleet benchmark, part 3: the orchestrator. Generates the mesh (fleet-mesh.ts), starts the real
// `meshpilot serve --config-dir <mesh>` as a child process, connects the simulated fleet
// (fleet-client.ts, K processes) in steps while sampling the server's RSS, then runs the churn:
//   (a) single endpoint changes (one EndpointSlice file rewritten) → event-to-last-ACK across the
//       proxies holding that service's endpoints, and the pushes that reached proxies outside
//       its namespace's scope (which should get nothing);
//   (b) one DestinationRule every proxy sees → time until every ACKing proxy has ACKed it;
//   (c) sustained R endpoint changes per second for D seconds → event-to-last-ACK per event,
//       p50/p99/max, and whether the backlog grows.
// and writes the report (JSON, markdown, SVG plots). Everything is bounded in time; every child
// process is stopped at the end (and the fleet processes exit when this process goes away).

import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientStats, EventAnswer, EventQuery, ProxySpec } from "./fleet-client.js";
import {
  destinationRuleYaml,
  generateMesh,
  loopback,
  sliceYaml,
  writeAtomic,
  type Mesh,
  type ServiceInfo,
} from "./fleet-mesh.js";
import {
  latencyStats,
  linearFit,
  markdownTable,
  percentile,
  round,
  svgPlot,
  type LatencyStats,
} from "./fleet-report.js";
import { TypeUrl } from "../src/xds/type-urls.js";

export interface FleetOptions {
  services: number;
  endpoints: number;
  namespaces: number;
  proxies: number;
  procs: number;
  variant: "sotw" | "delta";
  transport: "grpc-js" | "http2";
  /** Endpoint changes per second in the sustained churn, and its duration in seconds. */
  rate: number;
  duration: number;
  /** Single endpoint changes measured one at a time (scenario a). */
  singles: number;
  /** Proxies added per connect step (RSS is sampled after each). */
  connectStep: number;
  nackFraction: number;
  stallFraction: number;
  /** Where the report goes (a dated folder is not added here). */
  outDir: string;
  /** Where the mesh is generated (removed at the end unless keepMesh). */
  meshDir: string;
  keepMesh: boolean;
  /** The command line to record in the report. */
  command: string;
  log: (line: string) => void;
}

export const DEFAULTS: Omit<FleetOptions, "outDir" | "meshDir" | "command" | "log"> = {
  services: 1000,
  endpoints: 10_000,
  namespaces: 200,
  proxies: 2000,
  procs: 2,
  variant: "sotw",
  transport: "grpc-js",
  rate: 20,
  duration: 60,
  singles: 3,
  connectStep: 500,
  nackFraction: 0,
  stallFraction: 0,
  keepMesh: false,
};

export interface EventResult {
  kind: "endpoint" | "destination-rule";
  /** ms since the churn phase began (sustained) or 0. */
  at: number;
  service: string;
  namespace: string;
  holders: number;
  acked: number;
  /** Event (file write completed) to the last holder's ACK of a response changing it; NaN if not all ACKed. */
  eventToLastAckMs: number;
  perProxyMs: LatencyStats;
}

export interface SingleResult extends EventResult {
  /** Proxies outside the holders that received any response in the window. */
  unaffectedProxiesPushed: number;
  unaffectedResponses: number;
  unaffectedBytes: number;
  affectedResponses: number;
  /** Server side over the window: pilot_xds_pushes and CPU seconds. */
  serverPushes: number;
  serverCpuS: number;
  windowMs: number;
}

export interface FleetReport {
  date: string;
  machine: { cpus: number; model: string; memGiB: number; node: string };
  loadAverage: { start: number[]; end: number[] };
  command: string;
  options: Omit<FleetOptions, "log">;
  mesh: { services: number; endpoints: number; namespaces: number; files: number };
  fleet: { ack: number; nack: number; stall: number; failedStreams: number; clientProcs: number };
  connect: Array<{ proxies: number; connectMs: number; serverRssMB: number; serverCpuS: number }>;
  memoryPerProxyKB: number;
  singleEndpointChange: SingleResult[];
  pushesToUnaffectedProxies: number;
  globalDestinationRule: EventResult;
  churn: {
    targetRate: number;
    achievedRate: number;
    durationS: number;
    events: number;
    fullyAcked: number;
    eventToLastAckMs: LatencyStats;
    perProxyAckMs: LatencyStats;
    backlog: {
      slopeMsPerS: number;
      firstThirdP50: number;
      lastThirdP50: number;
      unfinishedAtEnd: number;
      grows: boolean;
    };
    pushesPerSecond: number;
    serverCpuS: number;
    serverCpuSPer1000Pushes: number;
    bytesSent: number;
    serverModelVersionsPushed: number;
  };
  totals: {
    serverPushes: number;
    clientResponses: number;
    bytesSent: number;
    bytesByType: Record<string, number>;
    serverCpuS: number;
    serverCpuSPer1000Pushes: number;
    serverMaxRssMB: number;
    clientCpuS: number;
    clientMaxRssMB: number;
  };
  files: { json: string; markdown: string; latencySvg: string; rssSvg: string };
}

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();

type Msg = { cmd: string } & Record<string, unknown>;

function nextMessage<T>(p: ChildProcess, cmd: string, timeoutMs = 60_000): Promise<T> {
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

// ------------------------------------------------------------------------------ the server

class ServeProcess {
  readonly proc: ChildProcess;
  xdsAddress = "";
  monitoringAddress = "";
  /** "config pushed" log lines: model versions pushed to the fleet. */
  versionsPushed = 0;
  maxRssMB = 0;
  private stderrTail: string[] = [];
  private readonly ticks = 100; // CLK_TCK on Linux

  constructor(meshDir: string, transport: string) {
    const bin = here("../../bin/meshpilot.js");
    this.proc = spawn(
      process.execPath,
      [
        bin,
        "serve",
        "--config-dir",
        meshDir,
        "--xds-address",
        "127.0.0.1:0",
        "--monitoring-address",
        "127.0.0.1:0",
        "--xds-transport",
        transport,
        "--log-level",
        "info",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  }

  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let buf = "";
      const timer = setTimeout(
        () => reject(new Error(`meshpilot serve not ready in ${timeoutMs} ms: ${this.tail()}`)),
        timeoutMs,
      );
      this.proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`meshpilot serve exited (${code}): ${this.tail()}`));
      });
      this.proc.stderr!.setEncoding("utf8");
      this.proc.stderr!.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          this.stderrTail.push(line);
          if (this.stderrTail.length > 20) this.stderrTail.shift();
          if (line.includes('"config pushed"')) this.versionsPushed++;
          else if (line.includes('"meshpilot serving"')) {
            const j = JSON.parse(line) as { xdsAddress: string; monitoringAddress: string };
            this.xdsAddress = j.xdsAddress;
            this.monitoringAddress = j.monitoringAddress;
            clearTimeout(timer);
            resolve();
          }
        }
      });
    });
  }

  tail(): string {
    return this.stderrTail.slice(-5).join("\n");
  }

  cpuS(): number {
    const stat = readFileSync(`/proc/${this.proc.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14 and 15 (utime, stime); f[0] is field 3.
    return (Number(f[11]) + Number(f[12])) / this.ticks;
  }

  rssMB(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, "utf8"));
    const mb = m ? Number(m[1]) / 1024 : NaN;
    this.maxRssMB = Math.max(this.maxRssMB, mb);
    return mb;
  }

  async pushes(): Promise<number> {
    const text = await (await fetch(`http://${this.monitoringAddress}/metrics`)).text();
    let sum = 0;
    for (const m of text.matchAll(/^pilot_xds_pushes\{[^}]*\} (\d+(?:\.\d+)?)/gm))
      sum += Number(m[1]);
    return sum;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  }
}

// ------------------------------------------------------------------------------ the fleet

class FleetProcs {
  readonly procs: ChildProcess[] = [];

  async start(k: number, address: string, variant: string): Promise<void> {
    for (let i = 0; i < k; i++) {
      const p = fork(here("./fleet-client.js"), [], {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      this.procs.push(p);
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

function sumStats(s: ClientStats[]): {
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

// ------------------------------------------------------------------------------ the run

function proxySpecs(mesh: Mesh, o: FleetOptions): ProxySpec[] {
  const NS = mesh.namespaces.length;
  const nack = Math.round(o.proxies * o.nackFraction);
  const stall = Math.round(o.proxies * o.stallFraction);
  return Array.from({ length: o.proxies }, (_, j) => {
    const nsIdx = j % NS;
    const ns = mesh.namespaces[nsIdx]!;
    const inNs = mesh.services.filter((_s, i) => i % NS === nsIdx);
    const svc = inNs[Math.floor(j / NS) % Math.max(1, inNs.length)];
    const ip =
      svc?.addresses[Math.floor(j / NS / inNs.length) % svc.addresses.length] ??
      loopback(500_000 + j);
    const band = (j * 7919) % o.proxies;
    return {
      index: j,
      id: `sidecar~${ip}~${svc?.name ?? "app"}-${j}.${ns}~${ns}.svc.cluster.local`,
      namespace: ns,
      labels: { app: svc?.name ?? "app", version: "v1" },
      ip,
      mode: band < nack ? "nack" : band < nack + stall ? "stall" : "ack",
    };
  });
}

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  pollMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(pollMs);
  }
  void what;
  return false;
}

export async function runFleet(o: FleetOptions): Promise<FleetReport> {
  const loadStart = loadavg().map((x) => round(x, 2));
  const date = new Date().toISOString();
  o.log(`fleet: generating mesh in ${o.meshDir}`);
  const mesh = generateMesh(o.meshDir, {
    services: o.services,
    endpoints: o.endpoints,
    namespaces: o.namespaces,
    sharedServices: 2,
  });
  const files = o.services * 2 + o.namespaces + 6;
  const serve = new ServeProcess(o.meshDir, o.transport);
  const fleet = new FleetProcs();
  try {
    await serve.ready(120_000);
    o.log(`fleet: serve ready at ${serve.xdsAddress} (monitoring ${serve.monitoringAddress})`);
    await fleet.start(o.procs, serve.xdsAddress, o.variant);
    const specs = proxySpecs(mesh, o);
    const ackers = specs.filter((s) => s.mode === "ack").length;

    // --- connect in steps, sampling RSS
    const connect: FleetReport["connect"] = [];
    const baseline = {
      proxies: 0,
      connectMs: 0,
      serverRssMB: round(serve.rssMB()),
      serverCpuS: round(serve.cpuS(), 2),
    };
    connect.push(baseline);
    for (let n = 0; n < o.proxies;) {
      const next = Math.min(o.proxies, n + o.connectStep);
      const t0 = now();
      await fleet.connect(specs.slice(n, next));
      const ok = await waitFor(
        "sync",
        60_000 + next * 60,
        async () => {
          const s = sumStats(await fleet.stats());
          return s.synced + s.failed >= next;
        },
        500,
      );
      const connectMs = now() - t0;
      await sleep(1000);
      connect.push({
        proxies: next,
        connectMs: round(connectMs),
        serverRssMB: round(serve.rssMB()),
        serverCpuS: round(serve.cpuS(), 2),
      });
      o.log(
        `fleet: ${next} proxies ${ok ? "in sync" : "NOT all in sync"} after ${round(connectMs)} ms; server RSS ${round(serve.rssMB())} MB`,
      );
      n = next;
    }
    // The slope over the connect steps (500 → N); with a single step, from the empty server.
    const steps = connect.filter((c) => c.proxies > 0);
    const fit = linearFit(
      (steps.length >= 2 ? steps : connect).map((c) => [c.proxies, c.serverRssMB] as const),
    );
    const memoryPerProxyKB = round(fit.slope * 1024);

    let eventId = 0;
    const waitAcked = async (q: EventQuery, timeoutMs: number): Promise<EventAnswer> => {
      let last: EventAnswer | undefined;
      await waitFor("acked", timeoutMs, async () => {
        [last] = await fleet.answer([q]);
        return last!.holders > 0 && last!.acked >= last!.holders;
      });
      return last!;
    };
    const quiet = async (): Promise<void> => {
      let prev = -1;
      await waitFor(
        "quiet",
        10_000,
        async () => {
          const r = sumStats(await fleet.stats()).responses;
          const same = r === prev;
          prev = r;
          return same;
        },
        500,
      );
    };
    const result = (
      kind: EventResult["kind"],
      s: ServiceInfo,
      q: EventQuery,
      a: EventAnswer,
      at: number,
    ): EventResult => ({
      kind,
      at,
      service: s.name,
      namespace: s.namespace,
      holders: a.holders,
      acked: a.acked,
      eventToLastAckMs: a.holders > 0 && a.acked >= a.holders ? round(a.lastAck - q.t) : NaN,
      perProxyMs: latencyStats(a.latencies),
    });
    const changeEndpoint = (s: ServiceInfo): EventQuery => {
      const id = ++eventId;
      s.addresses[s.addresses.length - 1] = loopback(1_000_000 + id);
      writeAtomic(s.sliceFile, sliceYaml(s));
      return { id, t: now(), typeUrl: TypeUrl.Endpoint, suffix: `|${s.host}` };
    };

    // --- (a) single endpoint changes, one namespace's scope each
    await quiet();
    const singles: SingleResult[] = [];
    for (let i = 0; i < o.singles; i++) {
      const s = mesh.services[(i * 97 + 13) % mesh.services.length]!;
      const before = sumStats(await fleet.stats());
      const [push0, cpu0] = [await serve.pushes(), serve.cpuS()];
      const q = changeEndpoint(s);
      const a = await waitAcked(q, 30_000);
      await quiet();
      const after = sumStats(await fleet.stats());
      const [push1, cpu1] = [await serve.pushes(), serve.cpuS()];
      const holders = new Set(a.holderIndexes);
      let unaffectedProxiesPushed = 0;
      let unaffectedResponses = 0;
      let unaffectedBytes = 0;
      let affectedResponses = 0;
      for (const [idx, c] of after.perProxy) {
        const b = before.perProxy.get(idx) ?? { responses: 0, bytes: 0 };
        const dr = c.responses - b.responses;
        if (holders.has(idx) || specs[idx]!.namespace === s.namespace) affectedResponses += dr;
        else if (dr > 0) {
          unaffectedProxiesPushed++;
          unaffectedResponses += dr;
          unaffectedBytes += c.bytes - b.bytes;
        }
      }
      const r: SingleResult = {
        ...result("endpoint", s, q, a, 0),
        unaffectedProxiesPushed,
        unaffectedResponses,
        unaffectedBytes,
        affectedResponses,
        serverPushes: push1 - push0,
        serverCpuS: round(cpu1 - cpu0, 2),
        windowMs: round(now() - q.t),
      };
      singles.push(r);
      o.log(
        `fleet: endpoint change ${s.namespace}/${s.name}: ${r.acked}/${r.holders} ACKed, last after ${r.eventToLastAckMs} ms; ` +
          `${unaffectedProxiesPushed} unaffected proxies got ${unaffectedResponses} responses; server: ${r.serverPushes} pushes, ${r.serverCpuS} s CPU`,
      );
    }

    // --- (b) a DestinationRule every proxy sees
    const shared = mesh.shared[0]!;
    writeAtomic(mesh.globalDrFile, destinationRuleYaml(shared, 200));
    const qdr: EventQuery = {
      id: ++eventId,
      t: now(),
      typeUrl: TypeUrl.Cluster,
      suffix: `|${shared.host}`,
    };
    const adr = await waitAcked(qdr, 60_000 + o.proxies * 30);
    const globalDestinationRule = result("destination-rule", shared, qdr, adr, 0);
    o.log(
      `fleet: global DestinationRule: ${adr.acked}/${adr.holders} ACKed (of ${ackers} ACKing proxies), last after ${globalDestinationRule.eventToLastAckMs} ms`,
    );
    await quiet();

    // --- (c) sustained endpoint churn
    const cpu0 = serve.cpuS();
    const push0 = await serve.pushes();
    const versions0 = serve.versionsPushed;
    const c0 = sumStats(await fleet.stats());
    const churnStart = now();
    const interval = 1000 / o.rate;
    const total = Math.round(o.rate * o.duration);
    const churn: Array<{ q: EventQuery; s: ServiceInfo; at: number }> = [];
    const rssTimer = setInterval(() => serve.rssMB(), 1000);
    for (let i = 0; i < total; i++) {
      const target = churnStart + i * interval;
      const wait = target - now();
      if (wait > 0) await sleep(wait);
      const s = mesh.services[(i * 31 + 7) % mesh.services.length]!;
      const q = changeEndpoint(s);
      churn.push({ q, s, at: q.t - churnStart });
    }
    const writeEnd = now();
    // Drain: until every event is ACKed by all its holders, at most 60 s.
    let answers: EventAnswer[] = [];
    await waitFor(
      "drain",
      60_000,
      async () => {
        answers = await fleet.answer(churn.map((c) => c.q));
        return answers.every((a) => a.holders > 0 && a.acked >= a.holders);
      },
      1000,
    );
    const unfinishedAtEnd = answers.filter((a) => !(a.holders > 0 && a.acked >= a.holders)).length;
    await quiet();
    clearInterval(rssTimer);
    const churnEnd = Math.max(writeEnd, ...answers.map((a) => a.lastAck));
    const cpu1 = serve.cpuS();
    const push1 = await serve.pushes();
    const c1 = sumStats(await fleet.stats());
    const churnResults = churn.map((c, i) =>
      result("endpoint", c.s, c.q, answers[i]!, round(c.at)),
    );
    const done = churnResults.filter((r) => Number.isFinite(r.eventToLastAckMs));
    const lat = done.map((r) => r.eventToLastAckMs);
    const third = Math.max(1, Math.floor(churnResults.length / 3));
    const firstThird = churnResults
      .slice(0, third)
      .map((r) => r.eventToLastAckMs)
      .filter(Number.isFinite);
    const lastThird = churnResults
      .slice(-third)
      .map((r) => r.eventToLastAckMs)
      .filter(Number.isFinite);
    const backFit = linearFit(done.map((r) => [r.at / 1000, r.eventToLastAckMs] as const));
    const churnPushes = push1 - push0;
    const churnSeconds = (churnEnd - churnStart) / 1000;
    const churnReport: FleetReport["churn"] = {
      targetRate: o.rate,
      achievedRate: round(churn.length / ((writeEnd - churnStart) / 1000 || 1), 2),
      durationS: o.duration,
      events: churn.length,
      fullyAcked: done.length,
      eventToLastAckMs: latencyStats(lat),
      perProxyAckMs: latencyStats(answers.flatMap((a) => a.latencies)),
      backlog: {
        slopeMsPerS: round(backFit.slope, 2),
        firstThirdP50: round(percentile(firstThird, 50)),
        lastThirdP50: round(percentile(lastThird, 50)),
        unfinishedAtEnd,
        grows:
          unfinishedAtEnd > 0 ||
          (percentile(lastThird, 50) > 2 * percentile(firstThird, 50) && backFit.slope > 0),
      },
      pushesPerSecond: round(churnPushes / churnSeconds),
      serverCpuS: round(cpu1 - cpu0, 2),
      serverCpuSPer1000Pushes: round(((cpu1 - cpu0) / Math.max(1, churnPushes)) * 1000, 3),
      bytesSent: c1.bytes - c0.bytes,
      serverModelVersionsPushed: serve.versionsPushed - versions0,
    };
    o.log(
      `fleet: churn ${churn.length} events at ${churnReport.achievedRate}/s: event-to-last-ACK p50 ${churnReport.eventToLastAckMs.p50} p99 ${churnReport.eventToLastAckMs.p99} max ${churnReport.eventToLastAckMs.max} ms; ${churnReport.pushesPerSecond} pushes/s`,
    );

    // --- totals and report
    const fin = sumStats(await fleet.stats());
    const serverPushes = await serve.pushes();
    const serverCpuS = serve.cpuS();
    serve.rssMB();
    const report: FleetReport = {
      date,
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? "?",
        memGiB: round(totalmem() / 2 ** 30),
        node: process.version,
      },
      loadAverage: { start: loadStart, end: loadavg().map((x) => round(x, 2)) },
      command: o.command,
      options: { ...o, log: undefined } as unknown as Omit<FleetOptions, "log">,
      mesh: { services: o.services, endpoints: o.endpoints, namespaces: o.namespaces, files },
      fleet: {
        ack: ackers,
        nack: specs.filter((s) => s.mode === "nack").length,
        stall: specs.filter((s) => s.mode === "stall").length,
        failedStreams: fin.failed,
        clientProcs: o.procs,
      },
      connect,
      memoryPerProxyKB,
      singleEndpointChange: singles,
      pushesToUnaffectedProxies: singles.reduce((a, s) => a + s.unaffectedResponses, 0),
      globalDestinationRule,
      churn: churnReport,
      totals: {
        serverPushes,
        clientResponses: fin.responses,
        bytesSent: fin.bytes,
        bytesByType: fin.byType,
        serverCpuS: round(serverCpuS, 2),
        serverCpuSPer1000Pushes: round((serverCpuS / Math.max(1, serverPushes)) * 1000, 3),
        serverMaxRssMB: round(serve.maxRssMB),
        clientCpuS: round(fin.cpuS, 1),
        clientMaxRssMB: round(fin.rssMB),
      },
      files: { json: "", markdown: "", latencySvg: "", rssSvg: "" },
    };
    writeReport(report, churnResults, o.outDir);
    return report;
  } finally {
    await fleet.stop();
    await serve.stop();
    if (!o.keepMesh) rmSync(o.meshDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------ output

export function markdownReport(r: FleetReport): string {
  const c = r.churn;
  const s = r.singleEndpointChange;
  const lines = [
    `### Fleet benchmark ${r.date}`,
    "",
    `${r.options.variant}, ${r.options.transport}; ${r.mesh.services} services, ${r.mesh.endpoints} endpoints, ` +
      `${r.mesh.namespaces} namespaces; ${r.options.proxies} proxies (${r.fleet.ack} ACK, ${r.fleet.nack} NACK, ` +
      `${r.fleet.stall} stall) in ${r.fleet.clientProcs} processes; ${r.machine.cpus} cpus (${r.machine.model}), ` +
      `node ${r.machine.node}; load average ${r.loadAverage.start.join(" ")} → ${r.loadAverage.end.join(" ")}.`,
    "",
    `Command: \`${r.command}\``,
    "",
    markdownTable(
      ["figure", "value"],
      [
        [
          "(a) single endpoint change: event-to-last-ACK (per change)",
          s.map((x) => `${x.eventToLastAckMs} ms (${x.acked}/${x.holders})`).join(", ") || "—",
        ],
        [
          "(a) pushes to unaffected proxies (responses; proxies)",
          s.map((x) => `${x.unaffectedResponses}; ${x.unaffectedProxiesPushed}`).join(", ") || "—",
        ],
        [
          "(a) server pushes; server CPU over the change's window",
          s.map((x) => `${x.serverPushes}; ${x.serverCpuS} s`).join(", ") || "—",
        ],
        [
          "(b) global DestinationRule: all ACKed",
          `${r.globalDestinationRule.eventToLastAckMs} ms (${r.globalDestinationRule.acked}/${r.globalDestinationRule.holders}); per proxy p50 ${r.globalDestinationRule.perProxyMs.p50} ms`,
        ],
        [
          `(c) churn ${c.targetRate}/s × ${c.durationS} s: event-to-last-ACK p50 / p99 / max`,
          `${c.eventToLastAckMs.p50} / ${c.eventToLastAckMs.p99} / ${c.eventToLastAckMs.max} ms (${c.fullyAcked}/${c.events} events fully ACKed)`,
        ],
        [
          "(c) per-proxy ACK latency p50 / p99 / max",
          `${c.perProxyAckMs.p50} / ${c.perProxyAckMs.p99} / ${c.perProxyAckMs.max} ms`,
        ],
        [
          "(c) backlog: slope; p50 first third → last third; unfinished",
          `${c.backlog.slopeMsPerS} ms/s; ${c.backlog.firstThirdP50} → ${c.backlog.lastThirdP50} ms; ${c.backlog.unfinishedAtEnd} (${c.backlog.grows ? "grows" : "does not grow"})`,
        ],
        ["(c) pushes per second (server pilot_xds_pushes)", c.pushesPerSecond],
        ["(c) server CPU s per 1,000 pushes", c.serverCpuSPer1000Pushes],
        [
          "(c) model versions pushed by serve",
          `${c.serverModelVersionsPushed} for ${c.events} changes`,
        ],
        ["(c) bytes sent", `${round(c.bytesSent / 2 ** 20)} MiB`],
        [
          "server RSS vs connected proxies",
          r.connect.map((x) => `${x.proxies}: ${x.serverRssMB} MB`).join(", "),
        ],
        ["memory per proxy (RSS slope)", `${r.memoryPerProxyKB} kB`],
        [
          "whole run: pushes; server CPU; per 1,000 pushes",
          `${r.totals.serverPushes}; ${r.totals.serverCpuS} s; ${r.totals.serverCpuSPer1000Pushes} s`,
        ],
        [
          "whole run: bytes sent (by type)",
          `${round(r.totals.bytesSent / 2 ** 20)} MiB (${Object.entries(r.totals.bytesByType)
            .map(([t, b]) => `${t} ${round(b / 2 ** 20)}`)
            .join(", ")})`,
        ],
        ["server max RSS", `${r.totals.serverMaxRssMB} MB`],
        [
          "fleet (client) CPU; max RSS per process",
          `${r.totals.clientCpuS} s; ${r.totals.clientMaxRssMB} MB`,
        ],
      ],
    ),
    "",
  ];
  return lines.join("\n");
}

function writeReport(r: FleetReport, churn: EventResult[], outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const stamp = r.date.slice(11, 19).replace(/:/g, "");
  const base = join(outDir, `fleet-${r.options.variant}-${r.options.proxies}-${stamp}`);
  r.files = {
    json: `${base}.json`,
    markdown: `${base}.md`,
    latencySvg: `${base}-churn-latency.svg`,
    rssSvg: `${base}-rss.svg`,
  };
  writeFileSync(
    r.files.latencySvg,
    svgPlot({
      title: `Endpoint churn ${r.churn.targetRate}/s: event-to-last-ACK (${r.options.proxies} proxies)`,
      xLabel: "event time since churn start (s)",
      yLabel: "event-to-last-ACK (ms)",
      series: [
        {
          label: "event-to-last-ACK",
          color: "#1f77b4",
          points: churn.map((e) => [e.at / 1000, e.eventToLastAckMs] as const),
        },
      ],
    }),
  );
  writeFileSync(
    r.files.rssSvg,
    svgPlot({
      title: `meshpilot serve RSS vs connected proxies (slope ${r.memoryPerProxyKB} kB/proxy)`,
      xLabel: "connected proxies",
      yLabel: "server RSS (MB)",
      series: [
        {
          label: "RSS after each connect step",
          color: "#d62728",
          line: true,
          points: r.connect.map((c) => [c.proxies, c.serverRssMB] as const),
        },
      ],
    }),
  );
  const md = markdownReport(r);
  writeFileSync(r.files.markdown, md);
  writeFileSync(r.files.json, JSON.stringify({ ...r, churnEvents: churn }, null, 2) + "\n");
}
