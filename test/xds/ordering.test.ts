// Conformance: make-before-break order (CDS, EDS, LDS, RDS, SDS) and EDS after every CDS
// response, in SotW and delta.

import test from "ava";
import { TypeUrl } from "../../src/xds/type-urls.js";
import type { AdsClient, Response } from "./helpers/ads-client.js";
import { Harness } from "./helpers/harness.js";
import {
  apiListener,
  cluster,
  endpoints,
  routeConfig,
  secret,
  snapshot,
} from "./helpers/resources.js";

const { Cluster: CDS, Endpoint: EDS, Listener: LDS, Route: RDS, Secret: SDS } = TypeUrl;

const v1 = () =>
  snapshot(
    cluster("a"),
    endpoints("a", [["10.0.0.1", 80]]),
    apiListener("l1", "r1"),
    routeConfig("r1", "*", [{ weights: { a: 1 } }]),
    secret("s1"),
  );
const v2 = () =>
  snapshot(
    cluster("a"),
    cluster("b"),
    endpoints("a", [["10.0.0.1", 81]]),
    endpoints("b", [["10.0.0.2", 80]]),
    apiListener("l1", "r2"),
    routeConfig("r2", "*", [{ weights: { a: 1, b: 1 } }]),
    secret("s1"),
    secret("s2"),
  );

function subscribeAll(c: AdsClient): void {
  // Subscribed in the "wrong" order on purpose: the server must still push in its order.
  if (c.variant === "sotw") {
    c.request(SDS, ["s1", "s2"]);
    c.request(RDS, ["r1", "r2"]);
    c.request(LDS);
    c.request(EDS, ["a", "b"]);
    c.request(CDS);
  } else {
    c.deltaRequest(SDS, { subscribe: ["s1", "s2"] });
    c.deltaRequest(RDS, { subscribe: ["r1", "r2"] });
    c.deltaRequest(LDS);
    c.deltaRequest(EDS, { subscribe: ["a", "b"] });
    c.deltaRequest(CDS);
  }
}

async function ackAll(c: AdsClient, n: number): Promise<void> {
  const names: Record<string, string[]> = {
    [SDS]: ["s1", "s2"],
    [RDS]: ["r1", "r2"],
    [EDS]: ["a", "b"],
  };
  for (let i = 0; i < n; i++) {
    const r = await c.next();
    c.ack(r, names[r.typeUrl] ?? []);
  }
  for (const r of await c.barrier()) c.ack(r, names[r.typeUrl] ?? []);
}

for (const variant of ["sotw", "delta"] as const) {
  test(`${variant}: a push touching every type goes out CDS, EDS, LDS, RDS, SDS`, async (t) => {
    const h = await Harness.start();
    t.teardown(() => h.close());
    h.current = v1();
    const c = h.client({ variant });
    subscribeAll(c);
    await ackAll(c, 5);
    const before = c.history.length;
    h.set(v2());
    const got: Response[] = [];
    for (let i = 0; i < 5; i++) got.push(await c.next());
    t.deepEqual(
      got.map((r) => r.typeUrl),
      [CDS, EDS, LDS, RDS, SDS],
    );
    t.is(c.history.length - before, 5);
  });

  test(`${variant}: every CDS response is followed by EDS, even when endpoints did not change`, async (t) => {
    const h = await Harness.start();
    t.teardown(() => h.close());
    h.current = v1();
    const c = h.client({ variant });
    if (c.variant === "sotw") c.request(EDS, ["a"]);
    else c.deltaRequest(EDS, { subscribe: ["a"] });
    const e0 = await c.next(EDS);
    c.ack(e0, ["a"]);
    if (c.variant === "sotw") c.request(CDS);
    else c.deltaRequest(CDS);
    t.is((await c.next()).typeUrl, CDS);
    const e1 = await c.next();
    t.is(e1.typeUrl, EDS, "EDS right after the initial CDS response");
    t.deepEqual(e1.names(), ["a"]);
    c.ack(e1, ["a"]);
    for (let i = 0; i < 2; i++) {
      h.set(
        snapshot(
          cluster("a", { connectTimeout: { seconds: 2 + i } }),
          endpoints("a", [["10.0.0.1", 80]]),
        ),
        [CDS],
      );
      const cds = await c.next();
      t.is(cds.typeUrl, CDS);
      c.ack(cds);
      const eds = await c.next();
      t.is(eds.typeUrl, EDS, `EDS after CDS push ${i + 1}`);
      t.deepEqual(eds.names(), ["a"]);
      c.ack(eds, ["a"]);
    }
  });
}

test("per-type services: a CDS response on the CDS stream is followed by EDS on the proxy's EDS stream", async (t) => {
  const h = await Harness.start();
  t.teardown(() => h.close());
  h.current = v1();
  const cds = h.client({
    method: "/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters",
  });
  const eds = h.client({
    method: "/envoy.service.endpoint.v3.EndpointDiscoveryService/StreamEndpoints",
  });
  eds.request(EDS, ["a"]);
  eds.ack(await eds.next(EDS), ["a"]);
  cds.request(CDS);
  cds.ack(await cds.next(CDS));
  const followed = await eds.next(EDS);
  t.deepEqual(followed.names(), ["a"], "EDS follows the initial CDS response");
  eds.ack(followed, ["a"]);
  h.set(
    snapshot(cluster("a", { connectTimeout: { seconds: 9 } }), endpoints("a", [["10.0.0.1", 80]])),
    [CDS],
  );
  cds.ack(await cds.next(CDS));
  t.deepEqual((await eds.next(EDS)).names(), ["a"], "and every later CDS response");
});
