// Encode once: hand-assembled envelopes equal what the generated encoder produces; versions are
// content hashes; a response body is built once and shared.

import test from "ava";
import { EncodedResource, ResourceSet } from "../../src/xds/encoded-resource.js";
import { encodeMessage, messageType } from "../../src/xds/protos.js";
import { selectionOf } from "../../src/xds/subscriptions.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { encodeDeltaResponse } from "../../src/xds/wire.js";
import { cluster } from "./helpers/resources.js";

test("a SotW response assembled from cached Any bytes equals the generated encoder's output", (t) => {
  const set = new ResourceSet(TypeUrl.Cluster, [cluster("b"), cluster("a")]);
  const body = set.sotwBody();
  const expected = encodeMessage("envoy.service.discovery.v3.DiscoveryResponse", {
    versionInfo: body.versionInfo,
    resources: ["a", "b"].map((n) => ({
      type_url: TypeUrl.Cluster,
      value: set.get(n)!.messageBytes,
    })),
    typeUrl: TypeUrl.Cluster,
    nonce: body.id.toString(36),
  });
  t.deepEqual(Buffer.from(body.message), Buffer.from(expected));
});

test("a delta response assembled by hand decodes to the same fields", (t) => {
  const a = cluster("a");
  const bytes = encodeDeltaResponse("v9", TypeUrl.Cluster, [a.deltaEntry], ["gone"], "n1");
  const m = messageType("envoy.service.discovery.v3.DeltaDiscoveryResponse").decode(
    bytes,
  ) as unknown as {
    systemVersionInfo: string;
    nonce: string;
    removedResources: string[];
    resources: Array<{
      name: string;
      version: string;
      resource: { type_url: string; value: Uint8Array };
    }>;
  };
  t.is(m.systemVersionInfo, "v9");
  t.is(m.nonce, "n1");
  t.deepEqual(m.removedResources, ["gone"]);
  t.is(m.resources[0]?.name, "a");
  t.is(m.resources[0]?.version, a.version);
  t.deepEqual(Buffer.from(m.resources[0]!.resource.value), Buffer.from(a.messageBytes));
});

test("versions are content hashes: equal content, equal version; any change, new version", (t) => {
  t.is(cluster("a").version, cluster("a").version);
  t.not(cluster("a").version, cluster("a", { connectTimeout: { seconds: 9 } }).version);
  const s1 = new ResourceSet(TypeUrl.Cluster, [cluster("a"), cluster("b")]);
  const s2 = new ResourceSet(TypeUrl.Cluster, [cluster("b"), cluster("a")]);
  t.is(s1.version, s2.version, "order of construction does not matter");
  t.is(s1.sotwBody().versionInfo, s2.sotwBody().versionInfo);
});

test("a response body is built once per selection and shared", (t) => {
  const set = new ResourceSet(TypeUrl.Cluster, [cluster("a"), cluster("b")]);
  t.is(set.sotwBody(), set.sotwBody());
  t.is(set.sotwBody(selectionOf(["a"])), set.sotwBody(selectionOf(["a"])));
  t.is(selectionOf(["b", "a"]), selectionOf(["a", "b", "a"]), "selections are interned");
  const withMissing = set.sotwBody(selectionOf(["a", "zz"]));
  t.deepEqual(withMissing.names, ["a"]);
  t.is(withMissing.versionInfo, set.sotwBody(selectionOf(["a"])).versionInfo);
});

test("ResourceSet refuses duplicate names and foreign types", (t) => {
  t.throws(() => new ResourceSet(TypeUrl.Cluster, [cluster("a"), cluster("a")]), {
    message: /duplicate/,
  });
  const l = EncodedResource.fromMessageBytes(TypeUrl.Listener, "l", new Uint8Array());
  t.throws(() => new ResourceSet(TypeUrl.Cluster, [l]), { message: /has type/ });
});
