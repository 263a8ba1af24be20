// CDS: every cluster a proxy gets, as Istio builds them.
//   sidecar:   outbound clusters of its Sidecar scope, BlackHoleCluster, PassthroughCluster,
//              inbound clusters of its workload, InboundPassthroughCluster;
//   router:    outbound clusters of every visible service (Istio's default: gateway cluster
//              filtering, PILOT_FILTER_GATEWAY_CLUSTER_CONFIG, is off), BlackHoleCluster;
//   proxyless: the EDS outbound clusters only (gRPC's xDS client speaks no other discovery type).

import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";
import { inboundClusters } from "./inbound.js";
import { blackHoleCluster, inboundPassthroughCluster, passthroughCluster } from "./special.js";
import { outboundClusters } from "./outbound.js";
import { memoize } from "../memo.js";

function ipFamilies(ips: readonly string[]): string {
  return `${ips.length === 0 || ips.some((ip) => !ip.includes(":"))}/${ips.some((ip) => ip.includes(":"))}`;
}

export { buildOutboundCluster } from "./outbound.js";
export * from "./names.js";

export function generateClusters(ctx: TranslateContext): GeneratedResource[] {
  const outbound = outboundClusters(ctx);
  switch (ctx.proxy.kind) {
    case "proxyless":
      return outbound.filter((c) => c.message.type === "EDS");
    case "router":
      return [...outbound, blackHoleCluster(ctx.model.meshConfig)];
    default:
      return [
        ...outbound,
        memoize(ctx.model, "cds-blackhole", () => blackHoleCluster(ctx.model.meshConfig)),
        memoize(ctx.model, "cds-passthrough", () => passthroughCluster(ctx)),
        ...inboundClusters(ctx),
        // Reads the mesh config and which IP families the proxy has.
        memoize(ctx.model, `cds-inbound-passthrough|${ipFamilies(ctx.proxy.ips)}`, () =>
          inboundPassthroughCluster(ctx),
        ),
      ];
  }
}
