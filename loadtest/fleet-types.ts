// Fleet benchmark: its options and the report's shape (fleet-run.ts fills it in).

import type { LagFigures } from "./fleet-serve.js";
import type { TargetResult } from "./fleet-targets.js";
import type { LatencyStats } from "./fleet-report.js";
import type { WindowFigures } from "./fleet-window.js";

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
  /**
   * Nice value of the fleet processes' main threads (0: as the server's). The simulated sidecars
   * stand in for Envoys on other machines; on a 2-core machine they take cores from the server.
   */
  clientNice: number;
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
  clientNice: 0,
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
  /** Over all single changes: event-to-last-ACK p50/p99/max, and the server over their window. */
  singles: { eventToLastAckMs: LatencyStats; window: WindowFigures };
  pushesToUnaffectedProxies: number;
  globalDestinationRule: EventResult;
  globalDestinationRuleWindow: WindowFigures;
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
    lag: LagFigures;
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
  /** Pass/fail against the targets (fleet-targets.ts). */
  targets: TargetResult[];
  files: { json: string; markdown: string; latencySvg: string; rssSvg: string };
}
