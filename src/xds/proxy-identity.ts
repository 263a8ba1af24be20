// Proxy identity from the first request's node, as Istio's agents send it:
//   id       sidecar~10.1.2.3~reviews-v1-abc.default~default.svc.cluster.local   (or router~…)
//   metadata NAMESPACE, LABELS, CLUSTER_ID, NETWORK, ISTIO_VERSION, GENERATOR, SERVICE_ACCOUNT,
//            INSTANCE_IPS (comma-separated); locality from node.locality.
// GENERATOR "grpc" marks a proxyless gRPC client.

import { structToJson, type ProtoNode } from "./protos.js";
import type { ProxyKind } from "./type-urls.js";

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface Proxy {
  /** The full node id; the key for status and pushes. */
  readonly id: string;
  readonly kind: ProxyKind;
  readonly ipAddresses: readonly string[];
  /** `POD.NAMESPACE` part of the node id. */
  readonly podName: string;
  readonly namespace: string;
  readonly dnsDomain: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly clusterId: string;
  readonly network: string;
  readonly istioVersion: string;
  readonly generator: string;
  readonly serviceAccount: string;
  readonly locality: Locality;
  readonly userAgent: string;
  /** All node metadata as JSON, for debug output. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export class ProxyIdentityError extends Error {
  override readonly name = "ProxyIdentityError";
}

const NODE_TYPES = new Set(["sidecar", "router"]);

function str(v: unknown): string {
  return typeof v === "string" ? v : v == null ? "" : String(v);
}

/** Parses a node; throws ProxyIdentityError with a message fit for a gRPC status. */
export function parseProxy(node: ProtoNode | null | undefined): Proxy {
  if (!node || !node.id)
    throw new ProxyIdentityError("the first request on a stream must carry node with a node.id");
  const parts = node.id.split("~");
  if (parts.length !== 4)
    throw new ProxyIdentityError(
      `node.id "${node.id}" is not TYPE~IP~POD.NAMESPACE~DOMAIN (e.g. sidecar~10.0.0.1~app-1.default~default.svc.cluster.local)`,
    );
  const [type, ip, podDotNs, domain] = parts as [string, string, string, string];
  if (!NODE_TYPES.has(type))
    throw new ProxyIdentityError(
      `node.id "${node.id}": type "${type}" is not one of ${[...NODE_TYPES].join(", ")}`,
    );
  if (!ip) throw new ProxyIdentityError(`node.id "${node.id}" has no IP address`);
  const dot = podDotNs.indexOf(".");
  const idNamespace = dot > 0 ? podDotNs.slice(dot + 1) : "";
  if (dot <= 0 || !idNamespace)
    throw new ProxyIdentityError(`node.id "${node.id}": "${podDotNs}" is not POD.NAMESPACE`);

  const meta = structToJson(node.metadata);
  const labelsRaw = meta["LABELS"];
  if (labelsRaw != null && (typeof labelsRaw !== "object" || Array.isArray(labelsRaw)))
    throw new ProxyIdentityError(`node.metadata.LABELS must be a map of strings`);
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries((labelsRaw ?? {}) as Record<string, unknown>))
    labels[k] = str(v);
  const namespace = str(meta["NAMESPACE"]) || idNamespace;
  const generator = str(meta["GENERATOR"]);
  const instanceIps = str(meta["INSTANCE_IPS"])
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const loc = node.locality ?? {};
  return {
    id: node.id,
    kind: generator === "grpc" ? "proxyless" : (type as ProxyKind),
    ipAddresses: instanceIps.length > 0 ? instanceIps : [ip],
    podName: podDotNs.slice(0, dot),
    namespace,
    dnsDomain: domain,
    labels,
    clusterId: str(meta["CLUSTER_ID"]) || str(node.cluster),
    network: str(meta["NETWORK"]),
    istioVersion: str(meta["ISTIO_VERSION"]),
    generator,
    serviceAccount: str(meta["SERVICE_ACCOUNT"]),
    locality: { region: loc.region ?? "", zone: loc.zone ?? "", subZone: loc.subZone ?? "" },
    userAgent: [node.userAgentName, node.userAgentVersion].filter(Boolean).join("/"),
    metadata: meta,
  };
}
