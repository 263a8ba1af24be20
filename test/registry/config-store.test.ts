import test from "ava";
import { ConfigStore, isEmptyChangeSet } from "../../src/registry/config-store.js";
import type { ConfigObject } from "../../src/registry/config-object.js";
import type { Kind } from "../../src/registry/kinds.js";

function obj(
  kind: Kind,
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
  meta: Partial<ConfigObject["metadata"]> = {},
): ConfigObject {
  return {
    apiVersion: kind === "Service" ? "v1" : "networking.istio.io/v1beta1",
    kind,
    metadata: { name, namespace, ...meta },
    body: { spec },
    source: { file: "test.yaml", docIndex: 0 },
  };
}

const key = (kind: Kind, namespace: string, name: string) => ({ kind, namespace, name });

test("add, update, delete: change sets and versions", (t) => {
  const store = new ConfigStore();
  t.is(store.version, 0);

  const a = store.apply([obj("VirtualService", "default", "reviews", { hosts: ["reviews"] })], []);
  t.deepEqual(a, {
    version: 1,
    added: [key("VirtualService", "default", "reviews")],
    updated: [],
    deleted: [],
  });

  const u = store.apply([obj("VirtualService", "default", "reviews", { hosts: ["ratings"] })], []);
  t.deepEqual(u, {
    version: 2,
    added: [],
    updated: [key("VirtualService", "default", "reviews")],
    deleted: [],
  });
  t.deepEqual(store.get(key("VirtualService", "default", "reviews"))?.body, {
    spec: { hosts: ["ratings"] },
  });

  const d = store.apply([], [key("VirtualService", "default", "reviews")]);
  t.deepEqual(d, {
    version: 3,
    added: [],
    updated: [],
    deleted: [key("VirtualService", "default", "reviews")],
  });
  t.is(store.get(key("VirtualService", "default", "reviews")), undefined);
  t.is(store.size, 0);
});

test("the same spec again is no change and keeps the version", (t) => {
  const store = new ConfigStore();
  store.apply([obj("VirtualService", "default", "reviews", { hosts: ["reviews"] })], []);
  const again = store.apply(
    [obj("VirtualService", "default", "reviews", { hosts: ["reviews"] })],
    [],
  );
  t.true(isEmptyChangeSet(again));
  t.is(again.version, 1);
  t.is(store.version, 1);
});

test("annotation-only and resourceVersion-only changes are dropped; the new object is kept", (t) => {
  const store = new ConfigStore();
  store.apply([obj("Service", "default", "reviews", { ports: [] }, { resourceVersion: "1" })], []);
  const rv = store.apply(
    [obj("Service", "default", "reviews", { ports: [] }, { resourceVersion: "2", generation: 7 })],
    [],
  );
  t.true(isEmptyChangeSet(rv));
  const ann = store.apply(
    [
      obj(
        "Service",
        "default",
        "reviews",
        { ports: [] },
        {
          resourceVersion: "3",
          annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" },
        },
      ),
    ],
    [],
  );
  t.true(isEmptyChangeSet(ann));
  t.is(store.version, 1);
  t.is(store.get(key("Service", "default", "reviews"))?.metadata.resourceVersion, "3");
});

test("a label change counts, and so does an Istio annotation", (t) => {
  const store = new ConfigStore();
  store.apply([obj("Service", "default", "reviews", {}, { labels: { app: "reviews" } })], []);
  const labels = store.apply(
    [obj("Service", "default", "reviews", {}, { labels: { app: "reviews", version: "v2" } })],
    [],
  );
  t.deepEqual(labels.updated, [key("Service", "default", "reviews")]);
  t.is(labels.version, 2);
  const exportTo = store.apply(
    [
      obj(
        "Service",
        "default",
        "reviews",
        {},
        {
          labels: { app: "reviews", version: "v2" },
          annotations: { "networking.istio.io/exportTo": "." },
        },
      ),
    ],
    [],
  );
  t.deepEqual(exportTo.updated, [key("Service", "default", "reviews")]);
  t.is(exportTo.version, 3);
});

test("deleting a key that is not there is no change", (t) => {
  const store = new ConfigStore();
  const c = store.apply([], [key("Gateway", "default", "nope")]);
  t.true(isEmptyChangeSet(c));
  t.is(c.version, 0);
});

test("add and delete of the same key in one apply cancel out", (t) => {
  const store = new ConfigStore();
  const c = store.apply([obj("Gateway", "default", "gw")], [key("Gateway", "default", "gw")]);
  t.true(isEmptyChangeSet(c));
  t.is(store.version, 0);
});

test("change sets, list and snapshot are sorted by key whatever the input order", (t) => {
  const store = new ConfigStore();
  const input = [
    obj("VirtualService", "b", "x"),
    obj("DestinationRule", "z", "a"),
    obj("VirtualService", "a", "y"),
    obj("VirtualService", "a", "b"),
  ];
  const forward = store.apply(input, []);
  const other = new ConfigStore().apply([...input].reverse(), []);
  const expected = [
    key("DestinationRule", "z", "a"),
    key("VirtualService", "a", "b"),
    key("VirtualService", "a", "y"),
    key("VirtualService", "b", "x"),
  ];
  t.deepEqual(forward.added, expected);
  t.deepEqual(other.added, expected);
  t.deepEqual(
    store.list("VirtualService").map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ["a/b", "a/y", "b/x"],
  );
  const snap = store.snapshot();
  t.is(snap.version, 1);
  t.deepEqual(
    snap.objects.map((o) => o.kind + ":" + o.metadata.name),
    ["DestinationRule:a", "VirtualService:b", "VirtualService:y", "VirtualService:x"],
  );
  const del = store.apply([], [key("VirtualService", "b", "x"), key("DestinationRule", "z", "a")]);
  t.deepEqual(del.deleted, [key("DestinationRule", "z", "a"), key("VirtualService", "b", "x")]);
});
