// The Envoy proto-rules checker on small hand-written resources: each good one passes, each bad one
// is reported at its field path with the rule it breaks.

import test from "ava";
import { checkEnvoyMessage, violationsOf } from "../helpers/envoy-rules/index.js";
import { Sink } from "../helpers/envoy-rules/sink.js";
import { checkString } from "../helpers/envoy-rules/string-rules.js";

const T = (name: string) => `type.googleapis.com/${name}`;
const CLUSTER = T("envoy.config.cluster.v3.Cluster");
const ROUTES = T("envoy.config.route.v3.RouteConfiguration");
const LISTENER = T("envoy.config.listener.v3.Listener");
const CLA = T("envoy.config.endpoint.v3.ClusterLoadAssignment");

/** "path rule" of each violation, in order. */
function found(typeUrl: string, message: Record<string, unknown>): string[] {
  return violationsOf(checkEnvoyMessage(typeUrl, message)).map((v) => `${v.path} ${v.rule}`);
}

const edsCluster = (fields: Record<string, unknown> = {}) => ({
  name: "outbound|8080||front-tomcat.default.svc.cluster.local",
  type: "EDS",
  edsClusterConfig: { edsConfig: { ads: {}, resourceApiVersion: "V3" } },
  connectTimeout: { seconds: 10, nanos: 0 },
  lbPolicy: "ROUND_ROBIN",
  ...fields,
});

const routeConfig = (vhost: Record<string, unknown>) => ({
  name: "8080",
  virtualHosts: [{ name: "vh", domains: ["*"], routes: [], ...vhost }],
});

const hcm = (fields: Record<string, unknown>) => ({
  "@type": T("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"),
  statPrefix: "outbound_0.0.0.0_8080",
  rds: { routeConfigName: "8080", configSource: { ads: {}, resourceApiVersion: "V3" } },
  httpFilters: [
    {
      name: "envoy.filters.http.router",
      typedConfig: { "@type": T("envoy.extensions.filters.http.router.v3.Router") },
    },
  ],
  ...fields,
});

const listener = (filters: unknown[]) => ({
  name: "0.0.0.0_8080",
  address: { socketAddress: { address: "0.0.0.0", portValue: 8080 } },
  filterChains: [{ filters }],
});

test("a good cluster, route configuration, listener and load assignment pass", (t) => {
  t.deepEqual(found(CLUSTER, edsCluster()), []);
  const route = { match: { prefix: "/" }, route: { cluster: "c" }, name: "default" };
  t.deepEqual(found(ROUTES, routeConfig({ routes: [route] })), []);
  t.deepEqual(
    found(
      LISTENER,
      listener([{ name: "envoy.filters.network.http_connection_manager", typedConfig: hcm({}) }]),
    ),
    [],
  );
  const lb = {
    endpoint: { address: { socketAddress: { address: "127.0.2.1", portValue: 8080 } } },
    loadBalancingWeight: { value: 1 },
  };
  t.deepEqual(
    found(CLA, {
      clusterName: "c",
      endpoints: [{ lbEndpoints: [lb], loadBalancingWeight: { value: 1 } }],
    }),
    [],
  );
});

test("string.min_len: a cluster with an empty name", (t) => {
  t.deepEqual(found(CLUSTER, edsCluster({ name: "" })), ["name string.min_len"]);
  // An unset proto3 string is the empty string: the rule applies too.
  const { name: _name, ...unnamed } = edsCluster();
  t.deepEqual(found(CLUSTER, unnamed), ["name string.min_len"]);
});

test("duration.gt: a negative or zero connect timeout", (t) => {
  t.deepEqual(found(CLUSTER, edsCluster({ connectTimeout: { seconds: -1, nanos: 0 } })), [
    "connectTimeout duration.gt",
  ]);
  t.deepEqual(found(CLUSTER, edsCluster({ connectTimeout: { seconds: 0, nanos: 0 } })), [
    "connectTimeout duration.gt",
  ]);
  t.deepEqual(found(CLUSTER, edsCluster({ connectTimeout: { seconds: 0, nanos: 1 } })), []);
});

test("repeated.min_items: a virtual host without domains", (t) => {
  t.deepEqual(found(ROUTES, routeConfig({ domains: [] })), [
    "virtualHosts[0].domains repeated.min_items",
  ]);
});

test("repeated.items: a domain with a line break breaks the (loose) header value rule", (t) => {
  t.deepEqual(found(ROUTES, routeConfig({ domains: ["a\nb"] })), [
    "virtualHosts[0].domains[0] string.well_known_regex",
  ]);
});

test("oneof (validate.required): a route without an action; two members of one oneof", (t) => {
  t.deepEqual(found(ROUTES, routeConfig({ routes: [{ match: { prefix: "/" } }] })), [
    "virtualHosts[0].routes[0].action oneof.required",
  ]);
  t.deepEqual(found(ROUTES, routeConfig({ routes: [{ match: {}, route: { cluster: "c" } }] })), [
    "virtualHosts[0].routes[0].match.pathSpecifier oneof.required",
  ]);
  t.deepEqual(
    found(
      ROUTES,
      routeConfig({ routes: [{ match: { prefix: "/", path: "/a" }, route: { cluster: "c" } }] }),
    ),
    ["virtualHosts[0].routes[0].match.prefix|path oneof"],
  );
});

test("string.min_len inside an inline Any: an empty HCM stat prefix", (t) => {
  const l = listener([{ name: "hcm", typedConfig: hcm({ statPrefix: "" }) }]);
  t.deepEqual(found(LISTENER, l), [
    "filterChains[0].filters[0].typedConfig.statPrefix string.min_len",
  ]);
});

test("any.type: an Any whose type URL names no Envoy message", (t) => {
  const l = listener([{ name: "x", typedConfig: { "@type": T("example.NoSuchFilter") } }]);
  t.deepEqual(found(LISTENER, l), [
    "filterChains[0].filters[0].typedConfig.@type any.type",
    " encode",
  ]);
});

test("encode: an Envoy type meshpilot's encoder was not generated for", (t) => {
  const buffer = {
    "@type": T("envoy.extensions.filters.http.buffer.v3.Buffer"),
    maxRequestBytes: { value: 1024 },
  };
  const l = listener([
    {
      name: "hcm",
      typedConfig: hcm({
        httpFilters: [
          { name: "envoy.filters.http.buffer", typedConfig: buffer },
          {
            name: "envoy.filters.http.router",
            typedConfig: { "@type": T("envoy.extensions.filters.http.router.v3.Router") },
          },
        ],
      }),
    },
  ]);
  t.deepEqual(found(LISTENER, l), [" encode"]);
});

test("unknown fields and enum names, which the encoder would drop silently, are reported", (t) => {
  t.deepEqual(found(CLUSTER, edsCluster({ connect_timeout: { seconds: 1 } })), [
    "connect_timeout unknown field",
  ]);
  t.deepEqual(found(CLUSTER, edsCluster({ lbPolicy: "ROUND_ROBBIN" })), ["lbPolicy type"]);
  t.deepEqual(found(CLUSTER, edsCluster({ connectTimeout: "10s" })), [
    "connectTimeout type",
    " encode",
  ]);
});

test("enum.defined_only, uint32.lte and uint32.gte (wrapper)", (t) => {
  t.deepEqual(found(CLUSTER, edsCluster({ lbPolicy: 99 })), ["lbPolicy enum.defined_only"]);
  const cla = (port: number, weight: number) => ({
    clusterName: "c",
    endpoints: [
      {
        lbEndpoints: [
          {
            endpoint: { address: { socketAddress: { address: "10.0.0.1", portValue: port } } },
            loadBalancingWeight: { value: weight },
          },
        ],
      },
    ],
  });
  t.deepEqual(found(CLA, cla(70000, 1)), [
    "endpoints[0].lbEndpoints[0].endpoint.address.socketAddress.portValue uint32.lte",
  ]);
  t.deepEqual(found(CLA, cla(80, 0)), [
    "endpoints[0].lbEndpoints[0].loadBalancingWeight uint32.gte",
  ]);
});

test("string.well_known_regex HTTP_HEADER_NAME and map keys", (t) => {
  const route = (name: string) => ({
    match: { prefix: "/", headers: [{ name, stringMatch: { exact: "jason" } }] },
    route: { cluster: "c" },
  });
  t.deepEqual(found(ROUTES, routeConfig({ routes: [route("end-user")] })), []);
  t.deepEqual(found(ROUTES, routeConfig({ routes: [route("")] })), [
    "virtualHosts[0].routes[0].match.headers[0].name string.min_len",
  ]);
  const withMetadata = edsCluster({ metadata: { filterMetadata: { "": { fields: {} } } } });
  t.deepEqual(found(CLUSTER, withMetadata), ['metadata.filterMetadata[""] string.min_len']);
});

test("weighted clusters: an empty list; a bad cluster header name", (t) => {
  const wc = (clusters: unknown[]) =>
    routeConfig({
      routes: [{ match: { prefix: "/" }, route: { weightedClusters: { clusters } } }],
    });
  t.deepEqual(found(ROUTES, wc([])), [
    "virtualHosts[0].routes[0].route.weightedClusters.clusters repeated.min_items",
  ]);
  t.deepEqual(found(ROUTES, wc([{ clusterHeader: "x\ny", weight: { value: 10 } }])), [
    "virtualHosts[0].routes[0].route.weightedClusters.clusters[0].clusterHeader string.well_known_regex",
  ]);
});

test("any.required: a typed extension config without its config", (t) => {
  const v = found(T("envoy.config.core.v3.TypedExtensionConfig"), { name: "x" });
  t.true(v.includes("typedConfig any.required"), v.join("; "));
});

test("rules the checker does not implement are reported once as unchecked", (t) => {
  const sink = new Sink();
  checkString(sink, "a", { email: true }, "x");
  checkString(sink, "b", { email: true }, "y");
  t.deepEqual(
    sink.found.map((v) => `${v.kind} ${v.rule} ${v.path}`),
    ["unchecked string.email a"],
  );
});

test("round-trip: what the encoder sends decodes to what was meant; bytes must be base64", (t) => {
  // 64-bit integers beyond 2^53, given as text, are carried exactly.
  const range = { name: "x-n", rangeMatch: { start: "9007199254740993", end: "9007199254740999" } };
  const ranged = { match: { prefix: "/", headers: [range] }, route: { cluster: "c" } };
  t.deepEqual(found(ROUTES, routeConfig({ routes: [ranged] })), []);
  const direct = (inlineBytes: string) => ({
    match: { prefix: "/" },
    directResponse: { status: 200, body: { inlineBytes } },
  });
  t.deepEqual(found(ROUTES, routeConfig({ routes: [direct("aGVsbG8=")] })), []);
  t.deepEqual(found(ROUTES, routeConfig({ routes: [direct("hello")] })), [" encode"]);
});

test("a Struct written as plain JSON is reported once (the encoder would send {})", (t) => {
  t.deepEqual(
    found(CLUSTER, edsCluster({ metadata: { filterMetadata: { istio: { services: [] } } } })),
    ['metadata.filterMetadata["istio"] type'],
  );
  const struct = { fields: { services: { listValue: { values: [{ stringValue: "a" }] } } } };
  t.deepEqual(found(CLUSTER, edsCluster({ metadata: { filterMetadata: { istio: struct } } })), []);
});

test("deprecated fields are noted, not counted as violations", (t) => {
  const route = {
    match: { prefix: "/", headers: [{ name: "end-user", exactMatch: "jason" }] },
    route: { cluster: "c" },
  };
  const all = checkEnvoyMessage(ROUTES, routeConfig({ routes: [route] }));
  t.deepEqual(violationsOf(all), []);
  t.deepEqual(
    all.filter((v) => v.kind === "deprecated").map((v) => `${v.path} ${v.message}`),
    [
      "virtualHosts[0].routes[0].match.headers[0].exactMatch envoy.config.route.v3.HeaderMatcher.exactMatch is deprecated",
    ],
  );
});
