// Model + proxy → encoded snapshot: a proxyless gRPC client gets Istio's gRPC resources (API
// listeners by every host form, route configs FQDN:PORT, EDS clusters per subset, endpoints), and
// equal resources are encoded once across proxies.

import test from "ava";
import { join } from "node:path";
import { buildMeshModel } from "../../src/registry/mesh/mesh-model.js";
import type { ProxyView } from "../../src/registry/mesh/types.js";
import { buildProxySnapshot, typeUrlOf } from "../../src/push/proxy-snapshot.js";
import { proxyViewKey, proxyViewOf } from "../../src/push/proxy-view.js";
import { ResourceEncoder } from "../../src/push/resource-encoder.js";
import { SnapshotPipeline } from "../../src/push/snapshot-pipeline.js";
import { decodeEnvoyMessage } from "../../src/xds/envoy-json.js";
import { parseProxy } from "../../src/xds/proxy-identity.js";
import { loadConfigObjects } from "../helpers/scenario.js";
import { FIXTURE } from "../e2e/helpers/mesh-dir.js";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { readFile } from "node:fs/promises";

const LDS = typeUrlOf("listeners");
const RDS = typeUrlOf("routes");
const CDS = typeUrlOf("clusters");
const EDS = typeUrlOf("endpoints");

async function objects(variant: string) {
  const mesh = await loadConfigObjects(join(FIXTURE, "mesh"));
  const file = join(FIXTURE, "virtual-services", `${variant}.yaml`);
  return [...mesh, ...readYamlText(await readFile(file, "utf8"), file).objects];
}

const client = (ip: string, namespace = "default"): ProxyView => ({
  kind: "proxyless",
  namespace,
  labels: { app: "client" },
  ips: [ip],
});

// The decoded messages' fields the tests read.
interface ListenerJson {
  address: unknown;
  apiListener: {
    apiListener: {
      rds: { routeConfigName: string; configSource: unknown };
      httpFilters: { name: string }[];
    };
  };
}
interface RouteJson {
  name?: string;
  match: unknown;
  route: {
    cluster?: string;
    weightedClusters?: { clusters: unknown[] };
    retryPolicy?: unknown;
    timeout?: unknown;
    maxStreamDuration?: unknown;
  };
  typedPerFilterConfig?: Record<string, unknown>;
}
interface RouteConfigJson {
  virtualHosts: { name: string; domains: string[]; routes: RouteJson[] }[];
}
interface ClusterJson {
  type: string;
  edsClusterConfig: { serviceName: string };
}
interface LoadAssignmentJson {
  endpoints: { lbEndpoints: { endpoint: { address: unknown } }[]; loadBalancingWeight: unknown }[];
}

function decoded<T>(
  snapshot: ReturnType<typeof buildProxySnapshot>,
  typeUrl: string,
  name: string,
): T {
  const r = snapshot.get(typeUrl)?.get(name);
  if (!r) throw new Error(`no ${typeUrl} ${name}`);
  return decodeEnvoyMessage(typeUrl, r.messageBytes) as unknown as T;
}

function virtualHost(snapshot: ReturnType<typeof buildProxySnapshot>, name: string) {
  const rc = decoded<RouteConfigJson>(snapshot, RDS, name);
  const vh = rc.virtualHosts.find((v) => v.name === name);
  if (!vh) throw new Error(`no virtual host ${name}`);
  return vh;
}

test("a proxyless client gets API listeners for every form of the host it may dial", async (t) => {
  const model = buildMeshModel(await objects("jason-to-v2"));
  const snap = buildProxySnapshot(model, client("10.0.0.1"), new ResourceEncoder());
  t.deepEqual(snap.get(LDS)?.names, [
    "echo.default.svc.cluster.local:7070",
    "echo.default.svc:7070",
    "echo.default:7070",
    "echo:7070",
    "flaky.default.svc.cluster.local:7071",
    "flaky.default.svc:7071",
    "flaky.default:7071",
    "flaky:7071",
  ]);
  const l = decoded<ListenerJson>(snap, LDS, "echo:7070");
  const hcm = l.apiListener.apiListener;
  t.is(hcm.rds.routeConfigName, "echo.default.svc.cluster.local:7070");
  t.deepEqual(hcm.rds.configSource, { ads: {}, resourceApiVersion: "V3" });
  t.deepEqual(
    hcm.httpFilters.map((f) => f.name),
    ["envoy.filters.http.fault", "envoy.filters.http.router"],
  );
  t.deepEqual(l.address, { socketAddress: { address: "10.96.77.10", portValue: 7070 } });

  // From another namespace only the FQDN resolves, as in Istio.
  const other = buildProxySnapshot(model, client("10.0.0.1", "other"), new ResourceEncoder());
  t.deepEqual(other.get(LDS)?.names, [
    "echo.default.svc.cluster.local:7070",
    "flaky.default.svc.cluster.local:7071",
  ]);
});

test("routes, clusters and endpoints follow the VirtualService and DestinationRule", async (t) => {
  const model = buildMeshModel(await objects("jason-to-v2"));
  const snap = buildProxySnapshot(model, client("10.0.0.1"), new ResourceEncoder());
  const vh = virtualHost(snap, "echo.default.svc.cluster.local:7070");
  t.true(vh.domains.includes("echo:7070"));
  t.true(vh.domains.includes("echo.default.svc.cluster.local"));
  t.like(vh.routes[0]!.match, {
    prefix: "/",
    headers: [{ name: "end-user", stringMatch: { exact: "jason" } }],
  });
  t.is(vh.routes[0]!.route.cluster, "outbound|7070|v2|echo.default.svc.cluster.local");
  t.is(vh.routes[1]!.route.cluster, "outbound|7070|v1|echo.default.svc.cluster.local");
  t.deepEqual(vh.routes[1]!.route.maxStreamDuration, {
    maxStreamDuration: { seconds: 0, nanos: 0 },
  });
  t.deepEqual(snap.get(CDS)?.names, [
    "BlackHoleCluster",
    "outbound|7070|v1|echo.default.svc.cluster.local",
    "outbound|7070|v2|echo.default.svc.cluster.local",
    "outbound|7070||echo.default.svc.cluster.local",
    "outbound|7071|v1|flaky.default.svc.cluster.local",
    "outbound|7071|v2|flaky.default.svc.cluster.local",
    "outbound|7071||flaky.default.svc.cluster.local",
  ]);
  const c = decoded<ClusterJson>(snap, CDS, "outbound|7070|v2|echo.default.svc.cluster.local");
  t.is(c.type, "EDS");
  t.is(c.edsClusterConfig.serviceName, "outbound|7070|v2|echo.default.svc.cluster.local");
  const cla = decoded<LoadAssignmentJson>(
    snap,
    EDS,
    "outbound|7070|v2|echo.default.svc.cluster.local",
  );
  t.deepEqual(
    cla.endpoints.flatMap((l) => l.lbEndpoints.map((e) => e.endpoint.address)),
    [{ socketAddress: { address: "127.0.77.2", portValue: 7070 } }],
  );
  t.deepEqual(cla.endpoints[0]!.loadBalancingWeight, { value: 1 });
  const all = decoded<LoadAssignmentJson>(
    snap,
    EDS,
    "outbound|7070||echo.default.svc.cluster.local",
  );
  t.is(all.endpoints[0]!.lbEndpoints.length, 2);
});

test("fault, retries and timeouts become the route policies gRPC reads", async (t) => {
  const enc = new ResourceEncoder();
  const name = "flaky.default.svc.cluster.local:7071";
  const routeOf = async (variant: string) => {
    const snap = buildProxySnapshot(buildMeshModel(await objects(variant)), client("1.1.1.1"), enc);
    return virtualHost(snap, name).routes[0]!;
  };
  const fault = await routeOf("fault-abort-50");
  t.deepEqual(fault.typedPerFilterConfig?.["envoy.filters.http.fault"], {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
    abort: { httpStatus: 500, percentage: { numerator: 500000, denominator: "MILLION" } },
  });
  const retries = await routeOf("retries");
  t.like(retries.route.retryPolicy, { retryOn: "unavailable", numRetries: { value: 3 } });
  const timeout = await routeOf("timeout");
  t.deepEqual(timeout.route.timeout, { seconds: 0, nanos: 300_000_000 });
  t.deepEqual(timeout.route.maxStreamDuration, {
    maxStreamDuration: { seconds: 0, nanos: 300_000_000 },
  });
});

test("equal resources are encoded once and shared across proxies and model versions", async (t) => {
  const objs = await objects("split-90-10");
  const pipeline = new SnapshotPipeline(objs, 1);
  const node = (ip: string) =>
    parseProxy({
      id: `sidecar~${ip}~c-${ip}.default~default.svc.cluster.local`,
      metadata: { fields: { GENERATOR: { stringValue: "grpc" } } },
    } as never);
  const a = node("10.0.0.1");
  const b = node("10.0.0.2");
  t.is(proxyViewOf(a).kind, "proxyless");
  t.not(proxyViewKey(proxyViewOf(a)), proxyViewKey(proxyViewOf(b)));
  const sa = pipeline.resolve(a);
  const sb = pipeline.resolve(b);
  t.is(pipeline.resolve(a), sa, "cached per model version and view");
  t.not(sa, sb);
  const rds = "echo.default.svc.cluster.local:7070";
  t.is(sa.get(RDS)?.get(rds), sb.get(RDS)?.get(rds), "one EncodedResource for both proxies");
  const encodes = pipeline.encoder.encodes;
  t.true(encodes > 0);

  pipeline.update(objs, 2);
  const again = pipeline.resolve(a);
  t.not(again, sa, "a new model version builds a new snapshot");
  t.is(again.get(RDS)?.get(rds), sa.get(RDS)?.get(rds), "unchanged content is not re-encoded");
  t.is(pipeline.encoder.encodes, encodes);
});

test("weights become weighted clusters", async (t) => {
  const model = buildMeshModel(await objects("split-90-10"));
  const snap = buildProxySnapshot(model, client("10.0.0.1"), new ResourceEncoder());
  const name = "echo.default.svc.cluster.local:7070";
  const route = virtualHost(snap, name).routes[0]!;
  t.is(route.name, "echo-split");
  t.deepEqual(route.route.weightedClusters?.clusters, [
    { name: "outbound|7070|v1|echo.default.svc.cluster.local", weight: { value: 90 } },
    { name: "outbound|7070|v2|echo.default.svc.cluster.local", weight: { value: 10 } },
  ]);
});
