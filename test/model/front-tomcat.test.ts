// Seed scenario S000 read from a fixture file: what the ingress gateway and a sidecar each see.

import { readFileSync } from "node:fs";
import test from "ava";
import { destinationHosts } from "../../src/registry/mesh/index.js";
import { repoPath } from "../helpers/repo.js";
import { modelFromYaml } from "./model-from-yaml.js";

const m = modelFromYaml(readFileSync(repoPath("test/fixtures/model/front-tomcat.yaml"), "utf8"));
const ingress = {
  kind: "router" as const,
  namespace: "istio-system",
  labels: { istio: "ingressgateway", app: "istio-ingressgateway" },
  ips: ["10.244.0.9"],
};
const host = "front-tomcat.default.svc.cluster.local";

test("the ingress gateway gets the Gateway and the VirtualService bound to it", (t) => {
  const gateways = m.gatewaysForProxy(ingress);
  t.deepEqual(
    gateways.map((g) => g.name),
    ["default/front-tomcat-gateway"],
  );
  const vss = m.virtualServicesForGateway(gateways[0]!.name, ingress.namespace);
  t.deepEqual(
    vss.map((v) => v.hosts),
    [["tomcat.istio.com"]],
  );
  t.deepEqual(destinationHosts(vss[0]!, m.domainSuffix), [host]);
});

test("sidecars do not get the gateway-only VirtualService", (t) => {
  t.deepEqual(m.virtualServicesForGateway("mesh", "default"), []);
  t.deepEqual(m.sidecarScope({ namespace: "default", labels: {} }).virtualServices, []);
});

test("port name http makes the port HTTP although the Kubernetes protocol is TCP", (t) => {
  t.is(m.serviceByHost("front-tomcat", "default")?.ports[0]?.protocol, "HTTP");
});

test("subsets v1 and v2 select one pod each through the DestinationRule", (t) => {
  const rule = m.destinationRuleFor(ingress, host);
  t.is(rule?.host, host);
  const bySubset = (rule?.spec.subsets ?? []).map((s) => [
    s.name,
    m
      .endpointsFor(host, 8080, { subsetLabels: s.labels ?? {} })
      .map((e) => `${e.address}:${e.port}`),
  ]);
  t.deepEqual(bySubset, [
    ["v1", ["10.244.1.5:8080"]],
    ["v2", ["10.244.2.7:8080"]],
  ]);
  t.is(m.endpointsFor(host, 8080)[0]?.serviceAccount, "front-tomcat");
});

test("the v1 pod serves front-tomcat on 8080 (inbound)", (t) => {
  const list = m.instancesForProxy({
    namespace: "default",
    labels: { app: "front-tomcat", version: "v1" },
    ips: ["10.244.1.5"],
  });
  t.deepEqual(
    list.map((i) => [i.service.hostname, i.servicePort.port, i.targetPort, i.endpoint?.health]),
    [[host, 8080, 8080, "HEALTHY"]],
  );
});
