// Which addresses a ChangeSet's endpoint objects touched, on a real ConfigStore.

import test from "ava";
import { formatIssue } from "../../src/registry/config-issue.js";
import type { ConfigObject } from "../../src/registry/config-object.js";
import { ConfigStore } from "../../src/registry/config-store.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { OwnWorkloadAddresses } from "../../src/push/push-request-own-workload.js";

function parse(text: string): ConfigObject[] {
  const { objects, issues } = readYamlText(text, "inline.yaml");
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0) throw new Error(errors.map(formatIssue).join("\n"));
  return objects;
}

const slice = (...ips: string[]) => `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: s1, namespace: b, labels: {kubernetes.io/service-name: reviews}}
addressType: IPv4
ports: [{name: http, port: 9080, protocol: TCP}]
endpoints: [${ips.map((ip) => `{addresses: [${ip}]}`).join(", ")}]
`;

const endpoints = (ready: string, notReady: string) => `
apiVersion: v1
kind: Endpoints
metadata: {name: reviews, namespace: b}
subsets: [{addresses: [{ip: ${ready}}], notReadyAddresses: [{ip: ${notReady}}], ports: [{name: http, port: 9080}]}]
`;

const pod = (ip: string, version: string) => `
apiVersion: v1
kind: Pod
metadata: {name: reviews-1, namespace: b, labels: {app: reviews, version: ${version}}}
spec: {containers: [{name: app, image: reviews}]}
status: {podIP: ${ip}}
`;

test("an EndpointSlice touches only the addresses it gained or lost", (t) => {
  const store = new ConfigStore();
  store.apply(parse(slice("10.0.0.1", "10.0.0.2")), []);
  const own = new OwnWorkloadAddresses(store);
  const touched = own.touched(store.apply(parse(slice("10.0.0.2", "10.0.0.3")), []));
  t.deepEqual([...touched].sort(), ["10.0.0.1", "10.0.0.3"]);
  const deleted = own.touched(
    store.apply([], [{ kind: "EndpointSlice", namespace: "b", name: "s1" }]),
  );
  t.deepEqual([...deleted].sort(), ["10.0.0.2", "10.0.0.3"]);
});

test("Endpoints: ready and not-ready addresses both count", (t) => {
  const store = new ConfigStore();
  const own = new OwnWorkloadAddresses(store);
  const touched = own.touched(store.apply(parse(endpoints("10.0.1.1", "10.0.1.2")), []));
  t.deepEqual([...touched].sort(), ["10.0.1.1", "10.0.1.2"]);
  t.deepEqual([...own.touched(store.apply(parse(endpoints("10.0.1.2", "10.0.1.1")), []))], []);
});

test("a Pod touches every address it had or has, even when only its labels changed", (t) => {
  const store = new ConfigStore();
  store.apply(parse(pod("10.0.2.1", "v1")), []);
  const own = new OwnWorkloadAddresses(store);
  t.deepEqual([...own.touched(store.apply(parse(pod("10.0.2.1", "v2")), []))], ["10.0.2.1"]);
  t.deepEqual([...own.touched(store.apply(parse(pod("10.0.2.9", "v2")), []))].sort(), [
    "10.0.2.1",
    "10.0.2.9",
  ]);
});
