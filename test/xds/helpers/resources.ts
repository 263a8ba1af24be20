// Small Envoy resources for tests, encoded with the generated static code (enums as numbers).

import { EncodedResource, MapSnapshot, ResourceSet } from "../../../src/xds/encoded-resource.js";
import { encodeMessage } from "../../../src/xds/protos.js";
import { TypeUrl } from "../../../src/xds/type-urls.js";

const ADS_CONFIG = { ads: {}, resourceApiVersion: 2 /* V3 */ };

export function cluster(name: string, extra: object = {}): EncodedResource {
  return EncodedResource.fromMessageBytes(
    TypeUrl.Cluster,
    name,
    encodeMessage("envoy.config.cluster.v3.Cluster", {
      name,
      type: 3 /* EDS */,
      edsClusterConfig: { edsConfig: ADS_CONFIG },
      lbPolicy: 0 /* ROUND_ROBIN */,
      connectTimeout: { seconds: 1 },
      ...extra,
    }),
  );
}

export function endpoints(
  clusterName: string,
  addresses: Array<[string, number]>,
): EncodedResource {
  return EncodedResource.fromMessageBytes(
    TypeUrl.Endpoint,
    clusterName,
    encodeMessage("envoy.config.endpoint.v3.ClusterLoadAssignment", {
      clusterName,
      endpoints: [
        {
          locality: { region: "r1", zone: "z1" },
          loadBalancingWeight: { value: 1 },
          lbEndpoints: addresses.map(([address, portValue]) => ({
            endpoint: { address: { socketAddress: { address, portValue } } },
            healthStatus: 1 /* HEALTHY */,
          })),
        },
      ],
    }),
  );
}

const HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const ROUTER = "envoy.extensions.filters.http.router.v3.Router";

/** A gRPC API listener (`xds:///NAME`) using RDS for `routeName`. */
export function apiListener(name: string, routeName: string): EncodedResource {
  const hcm = encodeMessage(HCM, {
    rds: { configSource: ADS_CONFIG, routeConfigName: routeName },
    httpFilters: [
      {
        name: "envoy.filters.http.router",
        typedConfig: {
          type_url: `type.googleapis.com/${ROUTER}`,
          value: encodeMessage(ROUTER, {}),
        },
      },
    ],
  });
  return EncodedResource.fromMessageBytes(
    TypeUrl.Listener,
    name,
    encodeMessage("envoy.config.listener.v3.Listener", {
      name,
      apiListener: { apiListener: { type_url: `type.googleapis.com/${HCM}`, value: hcm } },
    }),
  );
}

export interface RouteSpec {
  /** Header name → exact value; absent = match everything. */
  header?: [string, string];
  /** cluster → weight */
  weights: Record<string, number>;
}

export function routeConfig(name: string, domain: string, routes: RouteSpec[]): EncodedResource {
  return EncodedResource.fromMessageBytes(
    TypeUrl.Route,
    name,
    encodeMessage("envoy.config.route.v3.RouteConfiguration", {
      name,
      virtualHosts: [
        {
          name: "vh",
          domains: [domain],
          routes: routes.map((r) => ({
            match: {
              prefix: "",
              headers: r.header ? [{ name: r.header[0], stringMatch: { exact: r.header[1] } }] : [],
            },
            route: {
              weightedClusters: {
                clusters: Object.entries(r.weights).map(([n, w]) => ({
                  name: n,
                  weight: { value: w },
                })),
              },
            },
          })),
        },
      ],
    }),
  );
}

export function secret(name: string): EncodedResource {
  return EncodedResource.fromMessageBytes(
    TypeUrl.Secret,
    name,
    encodeMessage("envoy.extensions.transport_sockets.tls.v3.Secret", {
      name,
      validationContext: { trustedCa: { inlineString: "-----BEGIN CERTIFICATE-----" } },
    }),
  );
}

export function snapshot(...resources: EncodedResource[]): MapSnapshot {
  const byType = new Map<string, EncodedResource[]>();
  for (const r of resources) byType.set(r.typeUrl, [...(byType.get(r.typeUrl) ?? []), r]);
  return new MapSnapshot([...byType].map(([t, rs]) => new ResourceSet(t, rs)));
}
