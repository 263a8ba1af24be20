// Public surface of the mesh model (see mesh-model.ts).

export { buildMeshModel, MeshModel } from "./mesh-model.js";
export type {
  EndpointHealth,
  EndpointOrigin,
  MeshLocation,
  MeshModelOptions,
  MeshService,
  Protocol,
  ProxyView,
  Resolution,
  ServiceInstance,
  ServicePort,
  Visibility,
  WorkloadEndpoint,
} from "./types.js";
export type { EndpointQuery, ServiceRegistry } from "./service-registry.js";
export type { MeshConfig, MeshNetworks, OutboundTrafficMode } from "./mesh-config.js";
export type { ConsolidatedDestinationRule } from "./destination-rules.js";
export type { IndexedVirtualService } from "./virtual-services.js";
export type { IndexedGateway } from "./gateways.js";
export type { EgressHost, EgressListenerScope, SidecarScope } from "./sidecar-scope.js";
export { MESH_GATEWAY, destinationHosts, resolveGatewayName } from "./virtual-services.js";
export {
  isHttp2Protocol,
  isHttpProtocol,
  isTcpProtocol,
  isTlsProtocol,
  kubernetesPortProtocol,
  parseProtocol,
} from "./protocol.js";
export {
  hostSubsetOf,
  hostsOverlap,
  mostSpecificHostMatch,
  resolveShortName,
  serviceFqdn,
} from "./hosts.js";
export { isVisibleTo } from "./visibility.js";
export { endpointView, registryView, serviceView, visibilityList } from "./debug-view.js";
