// Every kind of object the mesh reads, the API versions accepted for it, and the maintained
// schema (from @kubernetes-models/istio and kubernetes-models) it is checked against first.

import { Gateway as GatewayV1a3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/Gateway";
import { DestinationRule as DestinationRuleV1a3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/DestinationRule";
import { ServiceEntry as ServiceEntryV1a3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/ServiceEntry";
import { Sidecar as SidecarV1a3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/Sidecar";
import { VirtualService as VirtualServiceV1a3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/VirtualService";
import { WorkloadEntry as WorkloadEntryV1a3 } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/WorkloadEntry";
import { Gateway } from "@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway";
import { DestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import { ServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1beta1/ServiceEntry";
import { Sidecar } from "@kubernetes-models/istio/networking.istio.io/v1beta1/Sidecar";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { WorkloadEntry } from "@kubernetes-models/istio/networking.istio.io/v1beta1/WorkloadEntry";
import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1beta1/AuthorizationPolicy";
import { PeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import { RequestAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/RequestAuthentication";
import { AuthorizationPolicy as AuthorizationPolicyV1 } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy";
import { RequestAuthentication as RequestAuthenticationV1 } from "@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Endpoints } from "kubernetes-models/v1/Endpoints";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { EndpointSlice } from "kubernetes-models/discovery.k8s.io/v1/EndpointSlice";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";

export const KINDS = [
  "VirtualService",
  "DestinationRule",
  "Gateway",
  "ServiceEntry",
  "Sidecar",
  "WorkloadEntry",
  "PeerAuthentication",
  "RequestAuthentication",
  "AuthorizationPolicy",
  "MeshConfig",
  "MeshNetworks",
  "Service",
  "Endpoints",
  "EndpointSlice",
  "Pod",
  "Namespace",
  "Secret",
  "ConfigMap",
  "Ingress",
] as const;

export type Kind = (typeof KINDS)[number];

/** A maintained model class: constructing one and calling validate() runs its JSON schema. */
interface SchemaModel {
  validate(): void;
}
type SchemaCtor = (new (data: Record<string, unknown>) => SchemaModel) & {
  /** The apiVersion the schema was published for. */
  readonly apiVersion?: string;
};

export interface KindInfo {
  readonly kind: Kind;
  readonly group: string;
  readonly namespaced: boolean;
  /** apiVersion → schema model (undefined: no published schema; only our own rules apply). */
  readonly versions: Readonly<Record<string, SchemaCtor | undefined>>;
}

const NET = "networking.istio.io";
const SEC = "security.istio.io";
/** Internal group for mesh-wide settings given as files rather than as a ConfigMap. */
export const MESHPILOT_GROUP = "meshpilot.io";

function istioNet(v1a3: SchemaCtor, v1b1: SchemaCtor): KindInfo["versions"] {
  // networking.istio.io/v1 is the same schema as v1beta1 (Istio promoted it unchanged).
  return { [`${NET}/v1alpha3`]: v1a3, [`${NET}/v1beta1`]: v1b1, [`${NET}/v1`]: v1b1 };
}
// security.istio.io/v1 PeerAuthentication has no published model; its schema equals v1beta1.
function istioSec(v1b1: SchemaCtor, v1: SchemaCtor): KindInfo["versions"] {
  return { [`${SEC}/v1beta1`]: v1b1, [`${SEC}/v1`]: v1 };
}

const c = (m: unknown) => m as SchemaCtor;

export const KIND_INFO: Readonly<Record<Kind, KindInfo>> = {
  VirtualService: {
    kind: "VirtualService",
    group: NET,
    namespaced: true,
    versions: istioNet(c(VirtualServiceV1a3), c(VirtualService)),
  },
  DestinationRule: {
    kind: "DestinationRule",
    group: NET,
    namespaced: true,
    versions: istioNet(c(DestinationRuleV1a3), c(DestinationRule)),
  },
  Gateway: {
    kind: "Gateway",
    group: NET,
    namespaced: true,
    versions: istioNet(c(GatewayV1a3), c(Gateway)),
  },
  ServiceEntry: {
    kind: "ServiceEntry",
    group: NET,
    namespaced: true,
    versions: istioNet(c(ServiceEntryV1a3), c(ServiceEntry)),
  },
  Sidecar: {
    kind: "Sidecar",
    group: NET,
    namespaced: true,
    versions: istioNet(c(SidecarV1a3), c(Sidecar)),
  },
  WorkloadEntry: {
    kind: "WorkloadEntry",
    group: NET,
    namespaced: true,
    versions: istioNet(c(WorkloadEntryV1a3), c(WorkloadEntry)),
  },
  PeerAuthentication: {
    kind: "PeerAuthentication",
    group: SEC,
    namespaced: true,
    versions: istioSec(c(PeerAuthentication), c(PeerAuthentication)),
  },
  RequestAuthentication: {
    kind: "RequestAuthentication",
    group: SEC,
    namespaced: true,
    versions: istioSec(c(RequestAuthentication), c(RequestAuthenticationV1)),
  },
  AuthorizationPolicy: {
    kind: "AuthorizationPolicy",
    group: SEC,
    namespaced: true,
    versions: istioSec(c(AuthorizationPolicy), c(AuthorizationPolicyV1)),
  },
  MeshConfig: {
    kind: "MeshConfig",
    group: MESHPILOT_GROUP,
    namespaced: false,
    versions: { [`${MESHPILOT_GROUP}/v1alpha1`]: undefined },
  },
  MeshNetworks: {
    kind: "MeshNetworks",
    group: MESHPILOT_GROUP,
    namespaced: false,
    versions: { [`${MESHPILOT_GROUP}/v1alpha1`]: undefined },
  },
  Service: { kind: "Service", group: "", namespaced: true, versions: { v1: c(Service) } },
  Endpoints: { kind: "Endpoints", group: "", namespaced: true, versions: { v1: c(Endpoints) } },
  EndpointSlice: {
    kind: "EndpointSlice",
    group: "discovery.k8s.io",
    namespaced: true,
    versions: { "discovery.k8s.io/v1": c(EndpointSlice) },
  },
  Pod: { kind: "Pod", group: "", namespaced: true, versions: { v1: c(Pod) } },
  Namespace: { kind: "Namespace", group: "", namespaced: false, versions: { v1: c(Namespace) } },
  Secret: { kind: "Secret", group: "", namespaced: true, versions: { v1: c(Secret) } },
  ConfigMap: { kind: "ConfigMap", group: "", namespaced: true, versions: { v1: c(ConfigMap) } },
  Ingress: {
    kind: "Ingress",
    group: "networking.k8s.io",
    namespaced: true,
    versions: { "networking.k8s.io/v1": c(Ingress) },
  },
};

export function isKind(s: unknown): s is Kind {
  return typeof s === "string" && (KINDS as readonly string[]).includes(s);
}
