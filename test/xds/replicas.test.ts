// Content-hash versions across replicas: a client moving to another server with the same content
// is sent nothing it already has (delta initial_resource_versions, SotW version_info).

import test from "ava";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { Harness } from "./helpers/harness.js";
import { cluster, endpoints, snapshot } from "./helpers/resources.js";

const content = () =>
  snapshot(
    cluster("a"),
    cluster("b"),
    endpoints("a", [["10.0.0.1", 80]]),
    endpoints("b", [["10.0.0.2", 80]]),
  );

test("delta: reconnecting to another replica with the same content resends nothing", async (t) => {
  const one = await Harness.start();
  const two = await Harness.start();
  t.teardown(async () => {
    await one.close();
    await two.close();
  });
  one.current = content();
  two.current = content(); // built independently: same bytes, same versions
  const c1 = one.client({ variant: "delta" });
  c1.deltaRequest(TypeUrl.Cluster);
  const r1 = await c1.next(TypeUrl.Cluster);
  c1.close();
  const c2 = two.client({ variant: "delta" });
  c2.deltaRequest(TypeUrl.Cluster, {
    initialVersions: Object.fromEntries(r1.resources.map((r) => [r.name, r.version])),
  });
  const r2 = await c2.next(TypeUrl.Cluster);
  t.deepEqual([r2.names(), r2.removed], [[], []]);
});

test("SotW: the same content has the same version_info on every replica", async (t) => {
  const one = await Harness.start();
  const two = await Harness.start();
  t.teardown(async () => {
    await one.close();
    await two.close();
  });
  one.current = content();
  two.current = content();
  const c1 = one.client();
  const c2 = two.client();
  c1.request(TypeUrl.Endpoint, ["b", "a"]);
  c2.request(TypeUrl.Endpoint, ["a", "b"]);
  t.is(
    (await c1.next(TypeUrl.Endpoint)).versionInfo,
    (await c2.next(TypeUrl.Endpoint)).versionInfo,
  );
});
