// The data types of the mesh model: services, their ports and endpoints, and the proxy view that
// lookups are asked for. Plain readonly data, so a model can be shared by every generator.

import type { ConfigKey } from "../config-object.js";

/**
 * Application protocol of a port, spelled as Istio spells it (so debug output matches), except that
 * a port Istio cannot classify is "UNKNOWN" (Istio: "UnsupportedProtocol"): its protocol is
 * detected by sniffing.
 */
export type Protocol =
  | "HTTP"
  | "HTTP2"
  | "HTTPS"
  | "GRPC"
  | "GRPC-Web"
  | "HTTP_PROXY"
  | "TCP"
  | "TLS"
  | "UDP"
  | "Mongo"
  | "Redis"
  | "MySQL"
  | "UNKNOWN";

/**
 * How a service's endpoints are found, in ServiceEntry terms: STATIC = the control plane lists the
 * endpoints (EDS; Kubernetes Services with a cluster IP), DNS / DNS_ROUND_ROBIN = the proxy resolves
 * hostnames, NONE = pass through to the original destination (headless Services, SE NONE).
 */
export type Resolution = "STATIC" | "DNS" | "DNS_ROUND_ROBIN" | "NONE";

export type MeshLocation = "MESH_INTERNAL" | "MESH_EXTERNAL";

export interface ServicePort {
  /** Port name ("" when the Service port is unnamed). */
  readonly name: string;
  readonly port: number;
  /** Kubernetes targetPort (number or container port name) or ServiceEntry targetPort. */
  readonly targetPort?: number | string;
  readonly protocol: Protocol;
  readonly appProtocol?: string;
}

/**
 * Namespaces a config object is visible to. `all` = exported to `*`; otherwise the explicit set
 * (`.` already replaced by the object's own namespace; `~` = the empty set).
 */
export interface Visibility {
  readonly all: boolean;
  readonly namespaces: ReadonlySet<string>;
}

export interface MeshService {
  /** Unique within a model: `Service/ns/name` or `ServiceEntry/ns/name/host`. */
  readonly id: string;
  /** FQDN, e.g. `reviews.default.svc.cluster.local`, or a ServiceEntry host (may be `*.x.com`). */
  readonly hostname: string;
  readonly namespace: string;
  /** Name of the Kubernetes Service or ServiceEntry. */
  readonly name: string;
  readonly sourceKind: "Service" | "ServiceEntry";
  /** The objects this service was built from (one per cluster for a Service seen in several). */
  readonly sources: readonly ConfigKey[];
  readonly ports: readonly ServicePort[];
  /** Cluster IPs (all clusters) or ServiceEntry addresses; empty when headless or none. */
  readonly addresses: readonly string[];
  /** Cluster IP per cluster id (Kubernetes Services). */
  readonly clusterVIPs: Readonly<Record<string, readonly string[]>>;
  readonly headless: boolean;
  readonly resolution: Resolution;
  readonly location: MeshLocation;
  readonly exportTo: Visibility;
  readonly labels: Readonly<Record<string, string>>;
  /** Service selector, or ServiceEntry workloadSelector labels; undefined when none. */
  readonly selector?: Readonly<Record<string, string>>;
  /** ServiceEntry subjectAltNames. */
  readonly subjectAltNames: readonly string[];
  /** Kubernetes ExternalName target. */
  readonly externalName?: string;
  /** Service spec.publishNotReadyAddresses: not-ready endpoints are served as healthy. */
  readonly publishNotReadyAddresses: boolean;
  readonly creationTimestamp: string;
}

export type EndpointHealth = "HEALTHY" | "UNHEALTHY" | "DRAINING";

/** Where an endpoint came from. */
export type EndpointOrigin =
  "EndpointSlice" | "Endpoints" | "Pod" | "WorkloadEntry" | "ServiceEntry" | "DNS" | "ExternalName";

export interface WorkloadEndpoint {
  /** IP address, or a hostname for DNS-resolved endpoints. */
  readonly address: string;
  /** The port the workload listens on (target port). */
  readonly port: number;
  /** The service port this endpoint serves. */
  readonly servicePort: number;
  readonly servicePortName: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Service account name ("" when unknown); the identity is `<trustDomain>/ns/<ns>/sa/<sa>`. */
  readonly serviceAccount: string;
  /** Namespace of the workload ("" when unknown). */
  readonly namespace: string;
  /** `region/zone/subzone` (any part may be empty); "" when unknown. */
  readonly locality: string;
  readonly network: string;
  readonly clusterId: string;
  readonly weight: number;
  readonly health: EndpointHealth;
  /** `istio` when the workload has a sidecar that accepts Istio mTLS (label security.istio.io/tlsMode). */
  readonly tlsMode: "istio" | "disabled";
  readonly origin: EndpointOrigin;
  /** The Pod or WorkloadEntry behind the endpoint, when known. */
  readonly workload?: ConfigKey;
}

/**
 * What the model needs to know about a connected proxy. The xDS layer's `Proxy`
 * (src/xds/proxy-identity.ts) maps onto it: kind from the node id type (`sidecar` / `router`) or
 * `proxyless` for GENERATOR=grpc; namespace = NAMESPACE; labels = LABELS; ips = INSTANCE_IPS (or
 * the node id IP); clusterId = CLUSTER_ID; network = NETWORK; serviceAccount = SERVICE_ACCOUNT.
 */
export interface ProxyView {
  readonly kind: "sidecar" | "router" | "proxyless";
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ips: readonly string[];
  readonly clusterId?: string;
  readonly network?: string;
  readonly serviceAccount?: string;
  /** `region/zone/subzone` (ISTIO_META locality); when absent, its workload's locality is used. */
  readonly locality?: string;
}

/** One (service, port) a workload serves: the basis of inbound listeners. */
export interface ServiceInstance {
  readonly service: MeshService;
  readonly servicePort: ServicePort;
  /** The port the workload listens on for this service port. */
  readonly targetPort: number;
  readonly endpoint?: WorkloadEndpoint;
}

/** Input options of buildMeshModel. */
export interface MeshModelOptions {
  /** DNS domain of Kubernetes services (default `cluster.local`). */
  readonly domainSuffix?: string;
  /** Cluster id of objects that do not name an API server (default `Kubernetes`, as Istio). */
  readonly clusterId?: string;
  /** Namespace the control plane runs in, where the `istio` ConfigMap lives (default istio-system). */
  readonly systemNamespace?: string;
  /** Network of endpoints that name none and match no meshNetworks rule. */
  readonly network?: string;
}
