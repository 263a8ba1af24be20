// A proxy whose snapshot the server does not have yet (the resolver answers undefined) is sent
// nothing — not an empty config — until a push after its snapshot arrived.

import test from "ava";
import type { ResourceSnapshot } from "../../src/xds/encoded-resource.js";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, endpoints, snapshot } from "./helpers/resources.js";

const CDS = TypeUrl.Cluster;
const EDS = TypeUrl.Endpoint;

for (const variant of ["sotw", "delta"] as const) {
  test(`${variant}: no snapshot yet → nothing sent; the push after it arrives sends it`, async (t) => {
    const held: { snapshot?: ResourceSnapshot } = {};
    const h = await Harness.start({ resolver: () => held.snapshot });
    t.teardown(() => h.close());
    const c = h.client({ variant });
    if (variant === "sotw") {
      c.request(CDS);
      c.request(EDS, ["a"]);
    } else {
      c.deltaRequest(CDS, {});
      c.deltaRequest(EDS, { subscribe: ["a"] });
    }
    t.deepEqual(await c.barrier(), [], "waiting, not an empty config");
    held.snapshot = snapshot(cluster("a"), endpoints("a", [["10.0.0.1", 80]]));
    h.server.push("all");
    const cds = await c.next(CDS);
    t.deepEqual(cds.names(), ["a"]);
    t.deepEqual((await c.next(EDS)).names(), ["a"]);
  });
}
