// xDS metrics with Istio's names where the meaning is the same: pilot_xds (connected streams),
// pilot_xds_pushes{type}, pilot_total_xds_rejects{type}, pilot_xds_expired_nonce{type},
// pilot_xds_send_bytes{type}, pilot_xds_config_size_bytes{type} (one observation per response,
// istiod's buckets). Registered on the registry the caller gives.

import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { shortName } from "./type-urls.js";

export class XdsMetrics {
  private readonly streams: Gauge;
  private readonly pushes: Counter;
  private readonly rejects: Counter;
  private readonly expired: Counter;
  private readonly bytes: Counter;
  private readonly sizes: Histogram;
  private readonly unknown: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.streams = new Gauge({ name: "pilot_xds", help: "Connected xDS streams", registers });
    this.pushes = new Counter({
      name: "pilot_xds_pushes",
      help: "xDS responses sent, by type",
      labelNames: ["type"],
      registers,
    });
    this.rejects = new Counter({
      name: "pilot_total_xds_rejects",
      help: "xDS responses rejected (NACKed) by proxies, by type",
      labelNames: ["type"],
      registers,
    });
    this.expired = new Counter({
      name: "pilot_xds_expired_nonce",
      help: "Requests ignored because their nonce was stale, by type",
      labelNames: ["type"],
      registers,
    });
    this.bytes = new Counter({
      name: "pilot_xds_send_bytes",
      help: "Bytes of xDS responses written, by type",
      labelNames: ["type"],
      registers,
    });
    this.sizes = new Histogram({
      name: "pilot_xds_config_size_bytes",
      help: "Size in bytes of each xDS response sent, by type",
      labelNames: ["type"],
      buckets: [1, 10_000, 1_000_000, 4_000_000, 10_000_000, 40_000_000],
      registers,
    });
    this.unknown = new Counter({
      name: "meshpilot_xds_unknown_type_requests",
      help: "Requests for type URLs this server does not serve (ignored)",
      registers,
    });
  }

  connected(delta: number): void {
    this.streams.inc(delta);
  }

  request(typeUrl: string, outcome: string): void {
    const type = shortName(typeUrl);
    if (outcome === "nack") this.rejects.inc({ type });
    else if (outcome === "stale") this.expired.inc({ type });
    else if (outcome === "unknown-type" || outcome === "ignored") this.unknown.inc();
  }

  sent(typeUrl: string, bytes: number): void {
    const type = shortName(typeUrl);
    this.pushes.inc({ type });
    this.bytes.inc({ type }, bytes);
    this.sizes.observe({ type }, bytes);
  }
}
