// Fleet benchmark, part 3: the orchestrator. Generates the mesh (fleet-mesh.ts), starts the real
// `meshpilot serve --config-dir <mesh>` as a child process (fleet-serve.ts), connects the simulated
// fleet (fleet-client.ts, K processes: fleet-procs.ts) in steps while sampling the server's RSS,
// then runs the churn:
//   (a) single endpoint changes (one EndpointSlice file rewritten) → event-to-last-ACK across the
//       proxies holding that service's endpoints, and the pushes that reached proxies outside
//       its namespace's scope (which should get nothing);
//   (b) one DestinationRule every proxy sees → time until every ACKing proxy has ACKed it;
//   (c) sustained R endpoint changes per second for D seconds → event-to-last-ACK per event,
//       p50/p99/max, and whether the backlog grows.
// Over each, the server's pushes, CPU, bytes sent and event-loop lag (fleet-window.ts). Writes the
// report (fleet-output.ts: JSON, markdown with the targets' pass/fail from fleet-targets.ts, SVG
// plots). Everything is bounded in time; every child process is stopped at the end (and the
// fleet processes exit when this process goes away).

import { rmSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import type { EventAnswer, EventQuery, ProxySpec } from "./fleet-client.js";
import {
  destinationRuleYaml,
  generateMesh,
  loopback,
  sliceYaml,
  writeAtomic,
  type Mesh,
  type ServiceInfo,
} from "./fleet-mesh.js";
import { writeReport } from "./fleet-output.js";
import { FleetProcs, sumStats } from "./fleet-procs.js";
import { latencyStats, linearFit, percentile, round } from "./fleet-report.js";
import { ServeProcess } from "./fleet-serve.js";
import { evaluateTargets } from "./fleet-targets.js";
import type { EventResult, FleetOptions, FleetReport, SingleResult } from "./fleet-types.js";
import { openWindow } from "./fleet-window.js";
import { TypeUrl } from "../src/xds/type-urls.js";

export { DEFAULTS } from "./fleet-types.js";
export type { EventResult, FleetOptions, FleetReport, SingleResult } from "./fleet-types.js";
export { markdownReport } from "./fleet-output.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.timeOrigin + performance.now();

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
    await fleet.start(o.procs, serve.xdsAddress, o.variant, o.clientNice);
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

    const clientBytes = async (): Promise<number> => sumStats(await fleet.stats()).bytes;

    // --- (a) single endpoint changes, one namespace's scope each
    await quiet();
    const closeSingles = await openWindow(serve, clientBytes);
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

    const singlesWindow = await closeSingles();
    const singleLatencies = singles.map((x) => x.eventToLastAckMs);

    // --- (b) a DestinationRule every proxy sees
    const shared = mesh.shared[0]!;
    const closeDr = await openWindow(serve, clientBytes);
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
    const drWindow = await closeDr();

    // --- (c) sustained endpoint churn
    const cpu0 = serve.cpuS();
    const push0 = await serve.pushes();
    const versions0 = serve.versionsPushed;
    const c0 = sumStats(await fleet.stats());
    serve.startLag();
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
    const churnLag = await serve.stopLag();
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
      lag: churnLag,
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
      singles: {
        // a change not ACKed by all its holders counts as infinitely late
        eventToLastAckMs: latencyStats(singleLatencies.map((x) => (isFinite(x) ? x : Infinity))),
        window: singlesWindow,
      },
      pushesToUnaffectedProxies: singles.reduce((a, s) => a + s.unaffectedResponses, 0),
      globalDestinationRule,
      globalDestinationRuleWindow: drWindow,
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
      targets: [],
      files: { json: "", markdown: "", latencySvg: "", rssSvg: "" },
    };
    report.targets = evaluateTargets(report);
    writeReport(report, churnResults, o.outDir);
    return report;
  } finally {
    await fleet.stop();
    await serve.stop();
    if (!o.keepMesh) rmSync(o.meshDir, { recursive: true, force: true });
  }
}
