// What `meshpilot serve --config-dir examples/bookinfo --config-dir examples/front-tomcat` does
// for each kind of proxy: generate and encode its whole snapshot. Every resource must encode
// (a generator writing a field the protobuf encoder rejects would leave a connected proxy with
// nothing), and proxies of the same scope share every encoded resource.

import test from "ava";
import { buildMeshModel } from "../../src/registry/mesh/mesh-model.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import { buildProxySnapshot, typeUrlOf } from "../../src/push/proxy-snapshot.js";
import { ResourceEncoder } from "../../src/push/resource-encoder.js";
import type { ResourceKind } from "../../src/translate/index.js";
import { loadConfigObjects } from "../helpers/scenario.js";
import { repoPath } from "../helpers/repo.js";

const KINDS: ResourceKind[] = ["clusters", "endpoints", "listeners", "routes"];

const PROXIES: Record<string, ProxyView> = {
  "productpage sidecar": {
    kind: "sidecar",
    namespace: "default",
    labels: { app: "productpage", version: "v1" },
    ips: ["127.0.1.1"],
  },
  "ingress gateway": {
    kind: "router",
    namespace: "istio-system",
    labels: { istio: "ingressgateway", app: "istio-ingressgateway" },
    ips: ["127.0.0.10"],
  },
  "proxyless client": { kind: "proxyless", namespace: "default", labels: {}, ips: ["10.9.9.9"] },
};

const objects = [
  ...(await loadConfigObjects(repoPath("examples/bookinfo"))),
  ...(await loadConfigObjects(repoPath("examples/front-tomcat"))),
];
const model = buildMeshModel(objects);

for (const [name, view] of Object.entries(PROXIES)) {
  test(`the examples' ${name} snapshot encodes, and an equal proxy shares its bytes`, (t) => {
    const encoder = new ResourceEncoder();
    const snap = buildProxySnapshot(model, view, encoder);
    const twin = buildProxySnapshot(model, { ...view, labels: { ...view.labels } }, encoder);
    for (const kind of KINDS) {
      const set = snap.get(typeUrlOf(kind));
      t.truthy(set, kind);
      if (view.kind === "proxyless") t.true((set?.size ?? 0) > 0, `${kind} is not empty`);
      for (const n of set?.names ?? [])
        t.is(twin.get(typeUrlOf(kind))?.get(n), set?.get(n), `${kind} ${n} shared`);
    }
  });
}
