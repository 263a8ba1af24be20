// Push metrics, on the registry `meshpilot serve` exposes at /metrics (istiod's names where it has
// one): why pushes happen (pilot_push_triggers), how long the debouncer held changes
// (pilot_debounce_time), how long updating the mesh model took (pilot_pushcontext_init_seconds),
// how long a change took from its source event to the push to each proxy
// (pilot_proxy_convergence_time), and how many proxies were pushed, by the xDS types pushed
// (meshpilot_proxy_pushes), and how long a proxy view waited in the push queue
// (pilot_proxy_queue_time). No label names a proxy: at 10,000 proxies that would be 10,000
// series per combination of types; per-proxy push counts are in /debug/syncz (`*_pushes`).

import { Counter, Histogram, type Registry } from "prom-client";
import { shortName } from "../xds/type-urls.js";
import type { PushReason } from "./push-request.js";

const SECONDS = [0.001, 0.01, 0.1, 0.5, 1, 3, 5, 10, 20, 30];

/** `cds,eds,…` for a list of type URLs (sorted, so one label value per combination). */
export function typesLabel(types: Iterable<string>): string {
  return [...new Set([...types].map(shortName))].sort().join(",");
}

export class PushMetrics {
  private readonly triggers: Counter<"type">;
  private readonly debounce: Histogram;
  private readonly modelUpdate: Histogram;
  private readonly convergence: Histogram;
  private readonly proxyPushes: Counter<"types">;
  private readonly queueTime: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.triggers = new Counter({
      name: "pilot_push_triggers",
      help: "Source events that led to a push, by reason (endpoint, config, service, secret, mesh, proxy)",
      labelNames: ["type"],
      registers,
    });
    this.debounce = new Histogram({
      name: "pilot_debounce_time",
      help: "Seconds from the first change of a burst to its flush by the debouncer",
      buckets: SECONDS,
      registers,
    });
    this.modelUpdate = new Histogram({
      name: "pilot_pushcontext_init_seconds",
      help: "Seconds to bring the mesh model to a flushed config version (istiod's push context init)",
      buckets: SECONDS,
      registers,
    });
    this.convergence = new Histogram({
      name: "pilot_proxy_convergence_time",
      help: "Seconds from the earliest source event of a push to the push to each proxy",
      buckets: SECONDS,
      registers,
    });
    this.proxyPushes = new Counter({
      name: "meshpilot_proxy_pushes",
      help: "Proxies pushed (one per proxy per push), by the xDS types pushed (cds,eds,lds,rds,sds); per proxy: /debug/syncz",
      labelNames: ["types"],
      registers,
    });
    this.queueTime = new Histogram({
      name: "pilot_proxy_queue_time",
      help: "Seconds a proxy view waited in the push queue before its generation started",
      buckets: SECONDS,
      registers,
    });
  }

  queued(queueMs: number): void {
    this.queueTime.observe(Math.max(0, queueMs) / 1000);
  }

  triggered(reasons: ReadonlyMap<PushReason, number>): void {
    for (const [reason, n] of reasons) this.triggers.inc({ type: reason }, n);
  }

  debounced(delayMs: number): void {
    this.debounce.observe(delayMs / 1000);
  }

  modelUpdated(durationMs: number): void {
    this.modelUpdate.observe(Math.max(0, durationMs) / 1000);
  }

  pushed(proxyIds: readonly string[], types: readonly string[], convergenceMs: number): void {
    if (proxyIds.length === 0) return;
    this.proxyPushes.inc({ types: typesLabel(types) }, proxyIds.length);
    const seconds = Math.max(0, convergenceMs) / 1000;
    for (let i = 0; i < proxyIds.length; i++) this.convergence.observe(seconds);
  }
}
