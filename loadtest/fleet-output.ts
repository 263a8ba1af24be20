// Fleet benchmark: the report as markdown (the targets with pass/fail first, then every figure),
// and the files written: JSON, markdown, and the two SVG plots.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { markdownTable, round, svgPlot, type LatencyStats } from "./fleet-report.js";
import { isWorkloadA, verdict } from "./fleet-targets.js";
import type { EventResult, FleetReport } from "./fleet-types.js";
import { lagText, type WindowFigures } from "./fleet-window.js";

const stats = (s: LatencyStats): string => `${s.p50} / ${s.p99} / ${s.max} ms`;

function windowRows(label: string, w: WindowFigures): Array<[string, string]> {
  return [
    [
      `${label} server: pushes; per second; CPU; per 1,000 pushes`,
      `${w.serverPushes}; ${w.pushesPerSecond}/s; ${w.serverCpuS} s; ${w.serverCpuSPer1000Pushes} s (over ${w.seconds} s)`,
    ],
    [`${label} bytes sent`, `${round(w.bytesSent / 2 ** 20, 2)} MiB`],
    [`${label} serve event-loop lag (worst window p99 / max)`, lagText(w.lag)],
  ];
}

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
    isWorkloadA(r)
      ? "Targets (Workload A):"
      : "Targets (set for Workload A; this run has another size, so read the verdicts as indicative):",
    "",
    markdownTable(
      ["target", "this run", "verdict"],
      r.targets.map((t) => [t.target, t.value, verdict(t)]),
    ),
    "",
    markdownTable(
      ["figure", "value"],
      [
        [
          "(a) single endpoint change: event-to-last-ACK (per change)",
          s.map((x) => `${x.eventToLastAckMs} ms (${x.acked}/${x.holders})`).join(", ") || "—",
        ],
        [
          "(a) all single changes: event-to-last-ACK p50 / p99 / max",
          stats(r.singles.eventToLastAckMs),
        ],
        ...windowRows("(a)", r.singles.window),
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
          `${r.globalDestinationRule.eventToLastAckMs} ms (${r.globalDestinationRule.acked}/${r.globalDestinationRule.holders})`,
        ],
        ["(b) per proxy ACK p50 / p99 / max", stats(r.globalDestinationRule.perProxyMs)],
        ...windowRows("(b)", r.globalDestinationRuleWindow),
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
        ["(c) bytes sent", `${round(c.bytesSent / 2 ** 20, 2)} MiB`],
        ["(c) serve event-loop lag (worst window p99 / max)", lagText(c.lag)],
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

export function writeReport(r: FleetReport, churn: EventResult[], outDir: string): void {
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
