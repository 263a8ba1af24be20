// Outbound clusters: `outbound|PORT|SUBSET|HOST` for each service port and DestinationRule subset
// the proxy sees. EDS for STATIC services (endpoints over ADS), STRICT_DNS / LOGICAL_DNS with an
// inline load assignment for DNS ServiceEntries (dropped when they have no endpoints, as Istio
// does), ORIGINAL_DST for resolution NONE and PASSTHROUGH load balancing. The traffic policy is
// applied in Istio's order: connection pool, HTTP/2 upgrade, outlier detection, load balancer,
// TLS.

import type { MeshService } from "../../registry/mesh/types.js";
import type { TranslateContext } from "../context.js";
import { duration, type EnvoyMessage, type GeneratedResource } from "../envoy-message.js";
import { localityGroups } from "../endpoints/load-assignment.js";
import { localityLbEndpointsMessage } from "../endpoints/locality.js";
import { applyConnectionPool, applyH2Upgrade, setUpstreamProtocol } from "./connection-pool.js";
import { finishCluster, newDraft, type ClusterDraft } from "./draft.js";
import { applyLoadBalancer, applyOutlierDetection } from "./load-balancer.js";
import { altStatName } from "./names.js";
import { memoize } from "../memo.js";
import { outboundPlans, planInputsKey, portPlans, type OutboundClusterPlan } from "./plan.js";
import { autoMtlsAllowed, serviceIdentities } from "./service-identity.js";
import { metadata, type JsonValue } from "./struct.js";
import { applyUpstreamTls } from "./tls.js";

export const EDS_CONFIG = {
  ads: {},
  initialFetchTimeout: { seconds: 0, nanos: 0 },
  resourceApiVersion: "V3",
};

function dnsLookupFamily(ips: readonly string[]): string {
  const v6 = ips.filter((ip) => ip.includes(":")).length;
  return v6 > 0 && v6 === ips.length ? "V6_ONLY" : "V4_ONLY";
}

/** Istio's telemetry metadata: the service the cluster is for (and the subset, if any). */
export function serviceMetadata(
  service: MeshService,
  extra: { [k: string]: JsonValue } = {},
): EnvoyMessage {
  return metadata({
    istio: {
      ...extra,
      services: [{ host: service.hostname, name: service.name, namespace: service.namespace }],
    },
  });
}

function applyDns(ctx: TranslateContext, d: ClusterDraft): void {
  d.fields.dnsLookupFamily = dnsLookupFamily(ctx.proxy.ips);
  d.fields.dnsRefreshRate = duration(ctx.model.meshConfig.dnsRefreshRate);
  d.fields.respectDnsTtl = true;
}

/** Builds one outbound cluster from its plan; undefined when Istio would not send it. */
export function buildPlannedCluster(
  ctx: TranslateContext,
  plan: OutboundClusterPlan,
): EnvoyMessage | undefined {
  const { model, proxy } = ctx;
  const { service, port, policy } = plan;
  const mesh = model.meshConfig;
  const dns = isDns(plan);
  const d = newDraft({
    name: plan.name,
    altStatName: altStatName(plan.name),
    type: plan.type,
    commonLbConfig: {},
    metadata: serviceMetadata(service, {
      ...(service.location === "MESH_EXTERNAL" && !plan.subset ? { external: true } : {}),
      ...(plan.subset ? { subset: plan.subset.name } : {}),
    }),
  });
  if (dns) applyDns(ctx, d);
  setUpstreamProtocol(d, port.protocol, proxy.kind === "sidecar");

  applyConnectionPool(d, mesh, policy?.connectionPool ?? {});
  applyH2Upgrade(d, port.protocol, mesh, policy?.connectionPool);
  applyOutlierDetection(d, policy?.outlierDetection);
  applyLoadBalancer(d, policy?.loadBalancer, mesh);
  const identities = serviceIdentities(model, service);
  applyUpstreamTls(d, policy?.tls, {
    istioSni: plan.sni,
    identities,
    autoMtls: autoMtlsAllowed(model, service, plan.passthroughLb),
    sidecar: proxy.kind === "sidecar",
    ruleHasSelector: plan.rule?.workloadSelector !== undefined,
    ...(service.sourceKind === "ServiceEntry" ? { serviceEntrySans: identities } : {}),
  });

  if (dns) {
    const groups = localityGroups(ctx, plan);
    if (groups.length === 0) return undefined;
    d.fields.loadAssignment = {
      clusterName: plan.name,
      endpoints: groups.map(localityLbEndpointsMessage),
    };
  }
  if (d.fields.type === "EDS")
    d.fields.edsClusterConfig = { edsConfig: EDS_CONFIG, serviceName: plan.name };
  return finishCluster(d);
}

/**
 * One outbound cluster for a service port (and subset), for callers that build clusters one at a
 * time (proxyless gRPC). Undefined when the subset does not exist or Istio would not send it.
 */
export function buildOutboundCluster(
  ctx: TranslateContext,
  service: MeshService,
  port: number,
  subset = "",
): EnvoyMessage | undefined {
  const servicePort = service.ports.find((p) => p.port === port);
  if (!servicePort) return undefined;
  const plan = portPlans(ctx, service, servicePort).find((p) => (p.subset?.name ?? "") === subset);
  return plan ? buildPlannedCluster(ctx, plan) : undefined;
}

/** DNS clusters also read the proxy's IP family and locality; the others only plan and kind. */
function isDns(plan: OutboundClusterPlan): boolean {
  return plan.type === "STRICT_DNS" || plan.type === "LOGICAL_DNS";
}

export function outboundClusters(ctx: TranslateContext): GeneratedResource[] {
  const out: GeneratedResource[] = [];
  const seen = new Set<string>();
  for (const plan of outboundPlans(ctx)) {
    if (seen.has(plan.name)) continue;
    const message = isDns(plan)
      ? buildPlannedCluster(ctx, plan)
      : memoize(ctx.model, `cds|${ctx.proxy.kind}|${planInputsKey(plan)}`, () =>
          buildPlannedCluster(ctx, plan),
        );
    if (!message) continue;
    seen.add(plan.name);
    out.push({ name: plan.name, message });
  }
  return out;
}
