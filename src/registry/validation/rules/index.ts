// Istio's semantic rules per kind, applied after the schema check passes.

import type { Kind } from "../../kinds.js";
import type { KindRule } from "./rule-types.js";
import { authorizationPolicyRule } from "./authorization-policy.js";
import { destinationRuleRule } from "./destination-rule.js";
import { gatewayRule } from "./gateway.js";
import { ingressRule } from "./ingress.js";
import { endpointSliceRule, endpointsRule } from "./kube-endpoints.js";
import { namespaceRule, podRule, secretRule } from "./kube-objects.js";
import { serviceRule } from "./kube-service.js";
import { configMapRule, meshConfigRule, meshNetworksRule } from "./mesh-kinds.js";
import { peerAuthenticationRule } from "./peer-authentication.js";
import { requestAuthenticationRule } from "./request-authentication.js";
import { serviceEntryRule } from "./service-entry.js";
import { sidecarRule } from "./sidecar.js";
import { virtualServiceRule } from "./virtual-service.js";
import { workloadEntryRule } from "./workload-entry.js";

export type { KindRule, RuleContext } from "./rule-types.js";

export const KIND_RULES: Partial<Record<Kind, KindRule>> = {
  VirtualService: virtualServiceRule,
  DestinationRule: destinationRuleRule,
  Gateway: gatewayRule,
  ServiceEntry: serviceEntryRule,
  Sidecar: sidecarRule,
  WorkloadEntry: workloadEntryRule,
  PeerAuthentication: peerAuthenticationRule,
  RequestAuthentication: requestAuthenticationRule,
  AuthorizationPolicy: authorizationPolicyRule,
  MeshConfig: meshConfigRule,
  MeshNetworks: meshNetworksRule,
  Service: serviceRule,
  Endpoints: endpointsRule,
  EndpointSlice: endpointSliceRule,
  Pod: podRule,
  Namespace: namespaceRule,
  Secret: secretRule,
  ConfigMap: configMapRule,
  Ingress: ingressRule,
};
