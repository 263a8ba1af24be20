// Push metrics, on the registry `meshpilot serve` exposes at /metrics (istiod's names where it has
// one): why pushes happen, how long the debouncer held changes, how long a change took to reach
// each proxy, and how many pushes each connected proxy got, by the xDS types pushed.

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
  private readonly convergence: Histogram;
  private readonly proxyPushes: Counter<"proxy" | "types">;
  /** Label values used per proxy, so a departed proxy's series can be dropped. */
  private readonly seen = new Map<string, Set<string>>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.triggers = new Counter({
      name: "pilot_push_triggers",
      help: "Source events that led to a push, by reason (endpoint, config, service, secret, mesh)",
      labelNames: ["type"],
      registers,
    });
    this.debounce = new Histogram({
      name: "pilot_debounce_time",
      help: "Seconds from the first change of a burst to its flush by the debouncer",
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
      help: "Pushes per connected proxy, by the xDS types pushed (cds,eds,lds,rds,sds)",
      labelNames: ["proxy", "types"],
      registers,
    });
  }

  triggered(reasons: ReadonlyMap<PushReason, number>): void {
    for (const [reason, n] of reasons) this.triggers.inc({ type: reason }, n);
  }

  debounced(delayMs: number): void {
    this.debounce.observe(delayMs / 1000);
  }

  pushed(proxyIds: readonly string[], types: readonly string[], convergenceMs: number): void {
    const label = typesLabel(types);
    for (const proxy of proxyIds) {
      this.proxyPushes.inc({ proxy, types: label });
      this.convergence.observe(Math.max(0, convergenceMs) / 1000);
      let set = this.seen.get(proxy);
      if (!set) this.seen.set(proxy, (set = new Set()));
      set.add(label);
    }
  }

  /** The proxy is gone: drop its series. */
  forget(proxyId: string): void {
    for (const types of this.seen.get(proxyId) ?? []) this.proxyPushes.remove(proxyId, types);
    this.seen.delete(proxyId);
  }
}
