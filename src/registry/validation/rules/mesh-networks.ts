// MeshNetworks: which endpoints belong to each network and the gateways that reach it.
// `validateMeshNetworksSpec` is shared by the MeshNetworks kind and the istio ConfigMap.

import { isIpAddress, isIpOrCidr, wildcardHostProblem } from "./hosts.js";
import { checkPort } from "./ports.js";
import { entries, isRecord, list, present, q, rec, type IssueSink, type Path } from "./shape.js";

/** Validates `{networks: {<name>: {endpoints: [...], gateways: [...]}}}`. */
export function validateMeshNetworksSpec(spec: unknown, sink: IssueSink, pathPrefix: Path): void {
  if (!isRecord(spec)) {
    sink.error(pathPrefix, "mesh networks must be a mapping with a networks field");
    return;
  }
  for (const key of Object.keys(spec))
    if (key !== "networks")
      sink.warn([...pathPrefix, key], `${key} is not a MeshNetworks field; it is ignored`);
  if (present(spec.networks) && !isRecord(spec.networks)) {
    sink.error(
      [...pathPrefix, "networks"],
      "networks must be a mapping from network name to its endpoints and gateways",
    );
    return;
  }
  for (const [name, network] of entries(spec.networks)) {
    const at = [...pathPrefix, "networks", name];
    const net = rec(network);
    if (!net) {
      sink.error(at, `network ${q(name)} must be a mapping with endpoints and gateways`);
      continue;
    }
    const endpoints = list(net.endpoints);
    endpoints.forEach((e, i) => checkNetworkEndpoint(sink, [...at, "endpoints", i], e));
    list(net.gateways).forEach((g, i) => checkNetworkGateway(sink, [...at, "gateways", i], g));
  }
}

function checkNetworkEndpoint(sink: IssueSink, at: Path, e: unknown): void {
  const ep = rec(e) ?? {};
  const hasRegistry = typeof ep.fromRegistry === "string" && ep.fromRegistry !== "";
  const hasCidr = present(ep.fromCidr);
  if (hasRegistry === hasCidr) {
    sink.error(
      at,
      "network endpoints entry needs exactly one of fromRegistry (a cluster name) or fromCidr",
    );
    return;
  }
  // Cluster ids are free-form in Istio ("Kubernetes" is its default; kubeconfig context names
  // such as gke_project_zone_name are common), so only whitespace is refused.
  if (hasRegistry && /\s/.test(ep.fromRegistry as string))
    sink.error(
      [...at, "fromRegistry"],
      `fromRegistry ${q(ep.fromRegistry)} must be a cluster id without spaces`,
    );
  if (hasCidr && (typeof ep.fromCidr !== "string" || !isIpOrCidr(ep.fromCidr)))
    sink.error([...at, "fromCidr"], `fromCidr ${q(ep.fromCidr)} is not a CIDR such as 10.0.0.0/16`);
}

function checkNetworkGateway(sink: IssueSink, at: Path, g: unknown): void {
  const gw = rec(g) ?? {};
  const address = gw.address;
  const service = gw.registryServiceName;
  const hasAddress = typeof address === "string" && address !== "";
  const hasService = typeof service === "string" && service !== "";
  if (hasAddress === hasService) {
    sink.error(at, "network gateway needs exactly one of address or registryServiceName");
    return;
  }
  if (hasAddress && !isIpAddress(address as string)) {
    const problem = wildcardHostProblem(address as string);
    if (problem || (address as string).includes("*"))
      sink.error(
        [...at, "address"],
        `gateway address ${q(address)} must be an IP address or host name`,
      );
  }
  if (hasService) {
    const problem = wildcardHostProblem(service as string);
    if (problem || (service as string).includes("*"))
      sink.error(
        [...at, "registryServiceName"],
        `registryServiceName ${q(service)} must be a service host name such as istio-ingressgateway.istio-system.svc.cluster.local`,
      );
  }
  checkPort(sink, [...at, "port"], gw.port, "gateway port");
}
