import test from "ava";
import type { ConfigObject } from "../../src/registry/config-object.js";
import {
  canonicalJson,
  isBehaviourAnnotation,
  sameSemantics,
} from "../../src/registry/semantic-fingerprint.js";

function vs(meta: Partial<ConfigObject["metadata"]> = {}, spec: unknown = { hosts: ["reviews"] }) {
  return {
    apiVersion: "networking.istio.io/v1beta1",
    kind: "VirtualService",
    metadata: { name: "reviews", namespace: "default", ...meta },
    body: { spec },
    source: { file: "a.yaml", docIndex: 0 },
  } as ConfigObject;
}

function svc(meta: Partial<ConfigObject["metadata"]> = {}) {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "reviews", namespace: "default", ...meta },
    body: { spec: { ports: [{ port: 9080 }] } },
    source: { file: "a.yaml", docIndex: 0 },
  } as ConfigObject;
}

test("bookkeeping metadata, source and apiVersion do not count", (t) => {
  const a = vs({ resourceVersion: "1", generation: 1, uid: "u1" });
  const b = {
    ...vs({ resourceVersion: "2", generation: 2, uid: "u2", managedFields: [{}] } as never),
    apiVersion: "networking.istio.io/v1",
    source: { file: "b.yaml", docIndex: 3 },
  };
  t.true(sameSemantics(a, b));
});

test("ordinary annotations do not count; Istio-domain annotations do", (t) => {
  const base = vs({ annotations: { description: "x" } });
  t.true(
    sameSemantics(
      base,
      vs({
        annotations: {
          description: "y",
          "kubectl.kubernetes.io/last-applied-configuration": "{}",
        },
      }),
    ),
  );
  t.false(sameSemantics(base, vs({ annotations: { "networking.istio.io/exportTo": "." } })));
  t.false(sameSemantics(svc(), svc({ annotations: { "sidecar.istio.io/inject": "false" } })));
});

test("label changes count", (t) => {
  t.false(sameSemantics(svc({ labels: { app: "a" } }), svc({ labels: { app: "b" } })));
  t.true(sameSemantics(svc({ labels: { a: "1", b: "2" } }), svc({ labels: { b: "2", a: "1" } })));
});

test("creationTimestamp counts for Istio kinds (precedence), not for Kubernetes kinds", (t) => {
  t.false(
    sameSemantics(
      vs({ creationTimestamp: "2020-01-01T00:00:00Z" }),
      vs({ creationTimestamp: "2021-01-01T00:00:00Z" }),
    ),
  );
  t.true(
    sameSemantics(
      svc({ creationTimestamp: "2020-01-01T00:00:00Z" }),
      svc({ creationTimestamp: "2021-01-01T00:00:00Z" }),
    ),
  );
});

test("deletionTimestamp counts: a terminating pod leaves the endpoints", (t) => {
  t.false(sameSemantics(svc(), svc({ deletionTimestamp: "2021-01-01T00:00:00Z" } as never)));
});

test("spec changes count; key order does not; array order does", (t) => {
  t.false(sameSemantics(vs({}, { hosts: ["a"] }), vs({}, { hosts: ["b"] })));
  t.true(
    sameSemantics(
      vs({}, { hosts: ["a"], gateways: ["g"] }),
      vs({}, { gateways: ["g"], hosts: ["a"] }),
    ),
  );
  t.false(sameSemantics(vs({}, { hosts: ["a", "b"] }), vs({}, { hosts: ["b", "a"] })));
});

test("isBehaviourAnnotation: istio.io and its subdomains, plus the ingress class", (t) => {
  t.true(isBehaviourAnnotation("istio.io/rev"));
  t.true(isBehaviourAnnotation("networking.istio.io/exportTo"));
  t.true(isBehaviourAnnotation("traffic.sidecar.istio.io/excludeOutboundPorts"));
  t.true(isBehaviourAnnotation("kubernetes.io/ingress.class"));
  t.false(isBehaviourAnnotation("notistio.io/x"));
  t.false(isBehaviourAnnotation("description"));
  t.false(isBehaviourAnnotation("kubectl.kubernetes.io/last-applied-configuration"));
});

test("canonicalJson sorts keys at every level and drops undefined", (t) => {
  t.is(
    canonicalJson({ b: 1, a: { d: [2, { y: 1, x: undefined }], c: null } }),
    '{"a":{"c":null,"d":[2,{"y":1}]},"b":1}',
  );
});
