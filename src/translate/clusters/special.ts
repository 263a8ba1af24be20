// The catch-all clusters: BlackHoleCluster (dropped traffic), PassthroughCluster (ALLOW_ANY:
// traffic to unknown destinations goes where it was sent) and InboundPassthroughCluster (inbound
// traffic to ports no service declares, sent on to the application from 127.0.0.6).

import type { MeshConfig } from "../../registry/mesh/mesh-config.js";
import type { TranslateContext } from "../context.js";
import { duration, typed, type GeneratedResource } from "../envoy-message.js";
import { applyConnectionPool } from "./connection-pool.js";
import { finishCluster, HTTP_PROTOCOL_OPTIONS, newDraft } from "./draft.js";
import {
  altStatName,
  BLACKHOLE_CLUSTER,
  INBOUND_PASSTHROUGH_CLUSTER,
  PASSTHROUGH_CLUSTER,
} from "./names.js";

/** Unroutable traffic (REGISTRY_ONLY, no matching route) goes here and is dropped. */
export function blackHoleCluster(mesh: MeshConfig): GeneratedResource {
  return {
    name: BLACKHOLE_CLUSTER,
    message: {
      name: BLACKHOLE_CLUSTER,
      altStatName: altStatName(BLACKHOLE_CLUSTER),
      type: "STATIC",
      connectTimeout: duration(mesh.connectTimeout),
      lbPolicy: "ROUND_ROBIN",
    },
  };
}

function passthrough(ctx: TranslateContext, name: string): Record<string, unknown> {
  const d = newDraft({ name, altStatName: altStatName(name), type: "ORIGINAL_DST" });
  applyConnectionPool(d, ctx.model.meshConfig, {});
  d.fields.lbPolicy = "CLUSTER_PROVIDED";
  const out = finishCluster(d) as Record<string, unknown>;
  out.typedExtensionProtocolOptions = {
    [HTTP_PROTOCOL_OPTIONS]: typed(HTTP_PROTOCOL_OPTIONS, {
      commonHttpProtocolOptions: { idleTimeout: duration("300s") },
      useDownstreamProtocolConfig: { httpProtocolOptions: {}, http2ProtocolOptions: {} },
    }),
  };
  return out;
}

/** ALLOW_ANY: traffic to unknown destinations goes where it was sent. */
export function passthroughCluster(ctx: TranslateContext): GeneratedResource {
  return { name: PASSTHROUGH_CLUSTER, message: passthrough(ctx, PASSTHROUGH_CLUSTER) };
}

/** Inbound traffic to ports no service declares, sent on to the application from 127.0.0.6. */
export function inboundPassthroughCluster(ctx: TranslateContext): GeneratedResource {
  const c = passthrough(ctx, INBOUND_PASSTHROUGH_CLUSTER);
  const v4 = ctx.proxy.ips.length === 0 || ctx.proxy.ips.some((ip) => !ip.includes(":"));
  const v6 = ctx.proxy.ips.some((ip) => ip.includes(":"));
  c.upstreamBindConfig = {
    sourceAddress: { address: v4 ? "127.0.0.6" : "::6", portValue: 0 },
    ...(v4 && v6 ? { extraSourceAddresses: [{ address: { address: "::6", portValue: 0 } }] } : {}),
  };
  return { name: INBOUND_PASSTHROUGH_CLUSTER, message: c };
}
