// The xDS layer's Proxy (parsed from the node id and metadata) as the mesh model sees it. Kept in
// push/ so that src/xds/ stays ignorant of the registry: kind from the node id type, or
// `proxyless` for GENERATOR=grpc (already decided by parseProxy); namespace = NAMESPACE (else the
// node id's); labels = LABELS; ips = INSTANCE_IPS (else the node id IP); CLUSTER_ID, NETWORK,
// SERVICE_ACCOUNT and the node's locality (`region/zone/subzone`) when given.

import type { ProxyView } from "../registry/mesh/types.js";
import type { Proxy } from "../xds/proxy-identity.js";

export function proxyViewOf(proxy: Proxy): ProxyView {
  const { region, zone, subZone } = proxy.locality;
  const locality = region || zone || subZone ? `${region}/${zone}/${subZone}` : "";
  return {
    kind: proxy.kind,
    namespace: proxy.namespace,
    labels: proxy.labels,
    ips: proxy.ipAddresses,
    ...(proxy.clusterId ? { clusterId: proxy.clusterId } : {}),
    ...(proxy.network ? { network: proxy.network } : {}),
    ...(proxy.serviceAccount ? { serviceAccount: proxy.serviceAccount } : {}),
    ...(locality ? { locality } : {}),
  };
}

/**
 * A key equal for two proxies exactly when their views are equal: proxies with the same key get
 * the same resources (labels and IPs in a canonical order).
 */
export function proxyViewKey(view: ProxyView): string {
  const labels = Object.keys(view.labels)
    .sort()
    .map((k) => [k, view.labels[k]]);
  return JSON.stringify([
    view.kind,
    view.namespace,
    labels,
    [...view.ips].sort(),
    view.clusterId ?? "",
    view.network ?? "",
    view.serviceAccount ?? "",
    view.locality ?? "",
  ]);
}
