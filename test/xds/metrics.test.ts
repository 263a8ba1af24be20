// Metrics with Istio's names: pushes, rejects, expired nonces, connected streams, response sizes.

import test from "ava";
import { Registry } from "prom-client";
import { XdsMetrics } from "../../src/xds/metrics.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, snapshot } from "./helpers/resources.js";

test("pilot_xds, pilot_xds_pushes, pilot_total_xds_rejects, pilot_xds_expired_nonce and pilot_xds_config_size_bytes count what happened", async (t) => {
  const registry = new Registry();
  const h = await Harness.start({ metrics: new XdsMetrics(registry) });
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const c = h.client();
  c.request(TypeUrl.Cluster);
  const r1 = await c.next(TypeUrl.Cluster);
  h.set(snapshot(cluster("b")));
  const r2 = await c.next(TypeUrl.Cluster);
  const stale = h.serverSaw((e) => e.outcome === "stale");
  c.request(TypeUrl.Cluster, [], { nonce: r1.nonce, versionInfo: r1.versionInfo });
  await stale;
  const nack = h.serverSaw((e) => e.outcome === "nack");
  c.nack(r2, "no");
  await nack;
  const text = await registry.metrics();
  t.regex(text, /pilot_xds 1/);
  t.regex(text, /pilot_xds_pushes\{type="cds"\} 2/);
  t.regex(text, /pilot_total_xds_rejects\{type="cds"\} 1/);
  t.regex(text, /pilot_xds_expired_nonce\{type="cds"\} 1/);
  t.regex(text, /pilot_xds_config_size_bytes_count\{type="cds"\} 2/);
  t.regex(text, /pilot_xds_config_size_bytes_bucket\{le="1",type="cds"\} 0/);
  t.regex(text, /pilot_xds_config_size_bytes_bucket\{le="10000",type="cds"\} 2/);
  const sum = /pilot_xds_config_size_bytes_sum\{type="cds"\} (\d+)/.exec(text)?.[1];
  t.regex(
    text,
    new RegExp(`pilot_xds_send_bytes\\{type="cds"\\} ${sum}\n`),
    "sizes add up to bytes sent",
  );
});
