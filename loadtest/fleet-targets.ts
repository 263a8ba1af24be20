// Fleet benchmark: the push-pipeline issue's targets, each with the run's figure and pass/fail.
// The targets are for Workload A (1,000 services, 10,000 endpoints, 2,000 proxies, 20 changes/s
// for 60 s); a run of another size is judged against the same numbers and says so.

import type { FleetReport } from "./fleet-types.js";
import { lagText } from "./fleet-window.js";

export interface TargetResult {
  target: string;
  value: string;
  /** undefined: not measured in this run (n/a). */
  pass: boolean | undefined;
}

/** Threads whose lag the target is about: the main thread and the xDS (stream) actor. */
const LAG_THREADS = ["main", "xds"];

export function evaluateTargets(r: Omit<FleetReport, "targets" | "files">): TargetResult[] {
  const single = r.singles.eventToLastAckMs;
  const dr = r.globalDestinationRule;
  const c = r.churn;
  const lag = r.globalDestinationRuleWindow.lag;
  const lagged = lag
    ? Object.entries(lag).filter(
        ([t]) => LAG_THREADS.includes(t) || !LAG_THREADS.some((x) => x in lag),
      )
    : [];
  const worstLag = Math.max(...lagged.map(([, l]) => l.p99));
  return [
    {
      target: "one endpoint change: event-to-last-ACK p99 ≤ 300 ms",
      value: `p99 ${single.p99} ms over ${single.count} changes`,
      pass: r.singleEndpointChange.length > 0 && single.p99 <= 300,
    },
    {
      target: "pushes to proxies a change cannot affect = 0",
      value: String(r.pushesToUnaffectedProxies),
      pass: r.pushesToUnaffectedProxies === 0,
    },
    {
      target: "DestinationRule every proxy sees: all ACK, p99 ≤ 2 s",
      value: `p99 ${dr.perProxyMs.p99} ms, last ${dr.eventToLastAckMs} ms (${dr.acked}/${dr.holders})`,
      pass: dr.holders > 0 && dr.acked >= dr.holders && dr.perProxyMs.p99 <= 2000,
    },
    {
      target: "20 endpoint changes/s: event-to-last-ACK p99 ≤ 500 ms, no growing backlog",
      value:
        `${c.achievedRate}/s × ${c.durationS} s: p99 ${c.eventToLastAckMs.p99} ms, backlog ` +
        `${c.backlog.grows ? "grows" : "does not grow"}`,
      pass: c.fullyAcked === c.events && c.eventToLastAckMs.p99 <= 500 && !c.backlog.grows,
    },
    {
      target: "memory ≤ 100 KB per connected proxy (RSS slope)",
      value: `${r.memoryPerProxyKB} kB`,
      pass: Number.isFinite(r.memoryPerProxyKB) ? r.memoryPerProxyKB <= 100 : undefined,
    },
    {
      target: "main-thread and xDS-actor event-loop lag p99 ≤ 50 ms during a full push",
      value: lagText(lag),
      pass: lagged.length > 0 ? worstLag <= 50 : undefined,
    },
  ];
}

/** Whether the run had Workload A's size (the targets are set for it). */
export function isWorkloadA(r: Pick<FleetReport, "options">): boolean {
  const o = r.options;
  return (
    o.services === 1000 &&
    o.endpoints === 10_000 &&
    o.proxies === 2000 &&
    o.rate === 20 &&
    o.duration === 60
  );
}

export function verdict(t: TargetResult): string {
  return t.pass === undefined ? "n/a" : t.pass ? "**pass**" : "**FAIL**";
}
