// A DestinationRule update that changes only what clusters and load assignments read is pushed as
// CDS and EDS; one that changes what listeners or routes read (host, exportTo, workloadSelector,
// subset names, consistent hash, or any field not known to be cluster-only) as every type. That no
// proxy misses a change either way is checked by push-coordinator-complete.test.ts.

import test from "ava";
import { destinationRuleRouting } from "../../src/push/destination-rule-routing.js";
import { ChangeClassifier } from "../../src/push/push-request-classify.js";
import { ConfigStore } from "../../src/registry/config-store.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { TypeUrl } from "../../src/xds/type-urls.js";

const dr = (spec: string): string => `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: r, namespace: a}
spec: ${spec}
`;

function classifyUpdate(before: string, after: string): string[] {
  const store = new ConfigStore();
  const classifier = new ChangeClassifier(store);
  for (const [i, text] of [before, after].entries()) {
    const { objects, issues } = readYamlText(text, "dr.yaml");
    if (objects.length !== 1) throw new Error(issues.map((i) => i.message).join("; "));
    const change = store.apply(objects, []);
    const req = classifier.classify(change, i);
    if (i === 1) return [...(req?.types ?? [])].sort();
  }
  return [];
}

const CLUSTERS = [TypeUrl.Cluster, TypeUrl.Endpoint].sort();

test("cluster-only updates narrow to CDS and EDS", (t) => {
  const base =
    "{host: h, trafficPolicy: {connectionPool: {tcp: {maxConnections: 1}}, portLevelSettings: [{port: {number: 80}, loadBalancer: {simple: LEAST_REQUEST}}]}, subsets: [{name: v1, labels: {v: '1'}}]}";
  for (const after of [
    "{host: h, trafficPolicy: {connectionPool: {tcp: {maxConnections: 2}}, portLevelSettings: [{port: {number: 80}, loadBalancer: {simple: LEAST_REQUEST}}]}, subsets: [{name: v1, labels: {v: '1'}}]}",
    "{host: h, trafficPolicy: {outlierDetection: {consecutive5xxErrors: 3}, tls: {mode: ISTIO_MUTUAL}, portLevelSettings: [{port: {number: 80}, loadBalancer: {simple: LEAST_REQUEST}}]}, subsets: [{name: v1, labels: {v: '1'}}]}",
    "{host: h, trafficPolicy: {loadBalancer: {simple: RANDOM}, portLevelSettings: [{port: {number: 80}, loadBalancer: {simple: LEAST_REQUEST}}]}, subsets: [{name: v1, labels: {v: '2'}}]}",
    "{host: h, trafficPolicy: {portLevelSettings: [{port: {number: 80}, connectionPool: {http: {http1MaxPendingRequests: 1}}}]}, subsets: [{name: v1, labels: {v: '1'}}]}",
  ])
    t.deepEqual(classifyUpdate(dr(base), dr(after)), CLUSTERS, after);
});

test("updates that routes or listeners read push every type", (t) => {
  const base = "{host: h, subsets: [{name: v1, labels: {v: '1'}}]}";
  for (const after of [
    "{host: h2, subsets: [{name: v1, labels: {v: '1'}}]}",
    "{host: h, exportTo: ['.'], subsets: [{name: v1, labels: {v: '1'}}]}",
    "{host: h, workloadSelector: {matchLabels: {app: x}}, subsets: [{name: v1, labels: {v: '1'}}]}",
    "{host: h, subsets: [{name: v2, labels: {v: '1'}}]}",
    "{host: h, trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true}}}, subsets: [{name: v1, labels: {v: '1'}}]}",
    "{host: h, trafficPolicy: {someFutureField: {}}, subsets: [{name: v1, labels: {v: '1'}}]}",
  ])
    t.true(classifyUpdate(dr(base), dr(after)).includes(TypeUrl.Route), after);
});

test("the fingerprint ignores key order", (t) => {
  t.is(
    destinationRuleRouting({ host: "h", subsets: [{ name: "a", labels: { x: "1" } }] }),
    destinationRuleRouting({ subsets: [{ labels: { x: "2" }, name: "a" }], host: "h" }),
  );
});

test("rules already in the store when the classifier starts are known", (t) => {
  const store = new ConfigStore();
  store.apply(
    readYamlText(dr("{host: h, trafficPolicy: {tls: {mode: DISABLE}}}"), "a.yaml").objects,
    [],
  );
  const classifier = new ChangeClassifier(store);
  const after = dr("{host: h, trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}}");
  const req = classifier.classify(store.apply(readYamlText(after, "a.yaml").objects, []), 0);
  t.deepEqual([...(req?.types ?? [])].sort(), CLUSTERS);
});
