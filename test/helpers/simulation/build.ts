// Small builders for hand-written Envoy resources in tests of the simulation (plain-object form).

import type { Msg } from "./plain.js";

export const typeUrl = (name: string) => `type.googleapis.com/${name}`;

export function hcmFilter(routeConfigName: string, extra: Msg = {}): Msg {
  return {
    name: "envoy.filters.network.http_connection_manager",
    typedConfig: {
      "@type": typeUrl(
        "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
      ),
      statPrefix: "test",
      rds: { routeConfigName, configSource: { ads: {}, resourceApiVersion: "V3" } },
      httpFilters: [
        {
          name: "envoy.filters.http.router",
          typedConfig: { "@type": typeUrl("envoy.extensions.filters.http.router.v3.Router") },
        },
      ],
      ...extra,
    },
  };
}

export function tcpProxyFilter(target: string | Array<[string, number]>): Msg {
  const dest =
    typeof target === "string"
      ? { cluster: target }
      : { weightedClusters: { clusters: target.map(([name, weight]) => ({ name, weight })) } };
  return {
    name: "envoy.filters.network.tcp_proxy",
    typedConfig: {
      "@type": typeUrl("envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"),
      statPrefix: "test",
      ...dest,
    },
  };
}

export const tlsInspector: Msg = {
  name: "envoy.filters.listener.tls_inspector",
  typedConfig: {
    "@type": typeUrl("envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"),
  },
};
export const httpInspector: Msg = {
  name: "envoy.filters.listener.http_inspector",
  typedConfig: {
    "@type": typeUrl("envoy.extensions.filters.listener.http_inspector.v3.HttpInspector"),
  },
};

export function listener(
  name: string,
  ip: string,
  port: number,
  filterChains: Msg[],
  extra: Msg = {},
): Msg {
  return {
    name,
    address: { socketAddress: { address: ip, portValue: port } },
    filterChains,
    ...extra,
  };
}

export function edsCluster(name: string): Msg {
  return {
    name,
    type: "EDS",
    edsClusterConfig: { edsConfig: { ads: {} }, serviceName: name },
    connectTimeout: { seconds: 10 },
  };
}

export function staticCluster(name: string, ...endpoints: string[]): Msg {
  return {
    name,
    type: "STATIC",
    loadAssignment: assignment(name, ...endpoints),
    connectTimeout: { seconds: 10 },
  };
}

/** A ClusterLoadAssignment; endpoints as `ip:port`. */
export function assignment(clusterName: string, ...endpoints: string[]): Msg {
  return {
    clusterName,
    endpoints: [
      {
        lbEndpoints: endpoints.map((e) => {
          const [address, port] = e.split(":");
          return { endpoint: { address: { socketAddress: { address, portValue: Number(port) } } } };
        }),
      },
    ],
  };
}

export function routeConfig(name: string, virtualHosts: Msg[]): Msg {
  return { name, virtualHosts };
}

export function vhost(name: string, domains: string[], routes: Msg[]): Msg {
  return { name, domains, routes };
}

export function toCluster(cluster: string, match: Msg = { prefix: "/" }, name?: string): Msg {
  return { ...(name ? { name } : {}), match, route: { cluster } };
}
