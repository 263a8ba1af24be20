// The node:http2 transport: the same conformance scenarios run over it with XDS_TRANSPORT=http2;
// these cover what only it does (status codes for bad calls, one shared framed response).

import test from "ava";
import * as http2 from "node:http2";
import { encodeMessage } from "../../src/xds/protos.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, snapshot } from "./helpers/resources.js";

function rawRequest(
  address: string,
  headers: http2.OutgoingHttpHeaders,
): Promise<http2.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    session.on("error", reject);
    const req = session.request(headers, { endStream: true });
    req.on("response", (h) => {
      resolve(h);
      session.close();
    });
    req.on("error", reject);
  });
}

test("unknown methods get UNIMPLEMENTED; non-gRPC requests get 415", async (t) => {
  const h = await Harness.start({ transport: "http2" });
  t.teardown(() => h.close());
  const unknown = await rawRequest(h.address, {
    ":method": "POST",
    ":path": "/envoy.service.discovery.v3.AggregatedDiscoveryService/Nope",
    "content-type": "application/grpc",
  });
  t.is(unknown["grpc-status"], "12");
  const plain = await rawRequest(h.address, { ":method": "GET", ":path": "/" });
  t.is(Number(plain[":status"]), 415);
});

test("oversized requests end the stream with RESOURCE_EXHAUSTED", async (t) => {
  const h = await Harness.start({ transport: "http2", maxReceiveMessageBytes: 512 });
  t.teardown(() => h.close());
  const c = h.client();
  c.request(
    TypeUrl.Endpoint,
    Array.from({ length: 100 }, (_, i) => `cluster-${i}`),
  );
  const s = await c.status;
  t.is(s.code, 8);
  t.regex(s.details, /larger than max/);
});

test("streams receiving the same response share one framed buffer", async (t) => {
  const h = await Harness.start({ transport: "http2" });
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"), cluster("b"));
  const clients = [h.client(), h.client(), h.client()];
  for (const c of clients) c.request(TypeUrl.Cluster);
  const got = await Promise.all(clients.map((c) => c.next(TypeUrl.Cluster)));
  t.is(new Set(got.map((r) => r.nonce)).size, 1, "one body, one nonce, written to every stream");
  t.deepEqual(got[0]?.names(), ["a", "b"]);
});

test("messages split across DATA frames, or several in one, are all decoded", async (t) => {
  const h = await Harness.start({ transport: "http2" });
  t.teardown(() => h.close());
  h.current = snapshot(cluster("a"));
  const frame = (m: Uint8Array): Buffer => {
    const b = Buffer.alloc(5 + m.length);
    b.writeUInt32BE(m.length, 1);
    Buffer.from(m).copy(b, 5);
    return b;
  };
  const node = { id: "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local" };
  const cds = frame(
    encodeMessage("envoy.service.discovery.v3.DiscoveryRequest", {
      node,
      typeUrl: TypeUrl.Cluster,
    }),
  );
  const lds = frame(
    encodeMessage("envoy.service.discovery.v3.DiscoveryRequest", { typeUrl: TypeUrl.Listener }),
  );
  const session = http2.connect(`http://${h.address}`);
  t.teardown(() => session.close());
  const req = session.request({
    ":method": "POST",
    ":path": "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources",
    "content-type": "application/grpc",
  });
  const seen = new Set<string>();
  const both = new Promise<void>((resolve) =>
    h.server.on("request", (e: { typeUrl: string }) => {
      seen.add(e.typeUrl);
      if (seen.size === 2) resolve();
    }),
  );
  // One write holding the first message and 3 bytes of the second, then the rest in two writes.
  req.write(Buffer.concat([cds, lds.subarray(0, 3)]));
  req.write(lds.subarray(3, 9));
  req.write(lds.subarray(9));
  await both;
  t.deepEqual([...seen].sort(), [TypeUrl.Cluster, TypeUrl.Listener].sort());
  req.close();
});
