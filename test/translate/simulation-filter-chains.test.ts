// The simulation's filter chain match on hand-written listeners: each criterion (most specific
// wins), the default chain, and TLS meeting a chain that does or does not terminate it.

import test from "ava";
import {
  hcmFilter,
  httpInspector,
  listener,
  routeConfig,
  staticCluster,
  tcpProxyFilter,
  tlsInspector,
  toCluster,
  vhost,
} from "../helpers/simulation/build.js";
import { simulate, type ProxyConfig } from "../helpers/simulation/index.js";
import type { Msg } from "../helpers/simulation/plain.js";
function chains(listenerFilters: Msg[], filterChains: Msg[], extra: Msg = {}): ProxyConfig {
  const names = filterChains.map((c) => c["name"] as string);
  return {
    listeners: [listener("l", "0.0.0.0", 443, filterChains, { listenerFilters, ...extra })],
    routes: [],
    clusters: names.map((n) => staticCluster(n, "10.9.9.9:1")),
    endpoints: [],
  };
}
const chain = (name: string, filterChainMatch: Msg) => ({
  name,
  filterChainMatch,
  filters: [tcpProxyFilter(name)],
});

test("server names: exact, then the longest wildcard, then chains without names; no SNI without tls_inspector", (t) => {
  const list = [
    chain("exact", { serverNames: ["www.example.com"] }),
    chain("wild", { serverNames: ["*.example.com"] }),
    chain("wilder", { serverNames: ["*.com"] }),
    chain("none", {}),
  ];
  const cfg = chains([tlsInspector], list);
  const sni = (s: string) => simulate(cfg, { protocol: "tls", port: 443, sni: s }).filterChain;
  t.is(sni("www.example.com"), "exact");
  t.is(sni("WWW.Example.com"), "exact");
  t.is(sni("a.b.example.com"), "wild");
  t.is(sni("example.com"), "wilder");
  t.is(sni("example.org"), "none");
  t.is(
    simulate(chains([], list), { protocol: "tls", port: 443, sni: "www.example.com" }).filterChain,
    "none",
  );
});

test("transport and application protocols (tls_inspector, http_inspector)", (t) => {
  const cfg = chains(
    [tlsInspector, httpInspector],
    [
      chain("tls", { transportProtocol: "tls" }),
      chain("h2c", { transportProtocol: "raw_buffer", applicationProtocols: ["h2c"] }),
      chain("http1", {
        transportProtocol: "raw_buffer",
        applicationProtocols: ["http/1.1", "http/1.0"],
      }),
      chain("raw", { transportProtocol: "raw_buffer" }),
    ],
  );
  t.is(simulate(cfg, { protocol: "tls", port: 443, sni: "a" }).filterChain, "tls");
  t.is(simulate(cfg, { protocol: "tcp", port: 443 }).filterChain, "raw");
  // An HTTP connection manager is not on these chains; only the chain choice matters here.
  t.is(simulate(cfg, { protocol: "grpc", port: 443 }).filterChain, "h2c");
  t.is(simulate(cfg, { protocol: "http", port: 443 }).filterChain, "http1");
  const mtls = chains(
    [tlsInspector],
    [
      chain("istio", {
        transportProtocol: "tls",
        applicationProtocols: ["istio-http/1.1", "istio"],
      }),
      chain("tls", { transportProtocol: "tls" }),
    ],
  );
  t.is(
    simulate(mtls, { protocol: "tls", port: 443, sni: "a", alpn: ["istio-http/1.1"] }).filterChain,
    "istio",
  );
  t.is(simulate(mtls, { protocol: "tls", port: 443, sni: "a", alpn: ["h2"] }).filterChain, "tls");
});

test("destination port and prefix ranges: most specific wins; no match uses the default chain, or fails", (t) => {
  const list = [
    chain("port", { destinationPort: 443 }),
    chain("port-net", {
      destinationPort: 443,
      prefixRanges: [{ addressPrefix: "10.0.0.0", prefixLen: 8 }],
    }),
    chain("port-host", {
      destinationPort: 443,
      prefixRanges: [{ addressPrefix: "10.0.0.7", prefixLen: 32 }],
    }),
    chain("other-port", { destinationPort: 80 }),
  ];
  const cfg = chains([], list);
  const to = (ip: string) =>
    simulate(cfg, { protocol: "tcp", port: 443, destinationIp: ip }).filterChain;
  t.is(to("10.0.0.7"), "port-host");
  t.is(to("10.0.0.8"), "port-net");
  t.is(to("192.168.0.1"), "port");
  const strict = chains(
    [],
    [chain("net", { prefixRanges: [{ addressPrefix: "10.0.0.0", prefixLen: 8 }] })],
  );
  t.like(simulate(strict, { protocol: "tcp", port: 443, destinationIp: "192.168.0.1" }), {
    failure: "no matching filter chain in listener l",
  });
  const withDefault = chains(
    [],
    [chain("net", { prefixRanges: [{ addressPrefix: "10.0.0.0", prefixLen: 8 }] })],
    {
      defaultFilterChain: { name: "fallback", filters: [tcpProxyFilter("net")] },
    },
  );
  t.like(simulate(withDefault, { protocol: "tcp", port: 443, destinationIp: "192.168.0.1" }), {
    filterChain: "fallback",
    cluster: "net",
  });
});

test("TLS must meet a chain that terminates it (HTTP), and plaintext one that does not", (t) => {
  const tlsSocket = {
    name: "envoy.transport_sockets.tls",
    typedConfig: {
      "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
    },
  };
  const cfg: ProxyConfig = {
    listeners: [
      listener(
        "l",
        "0.0.0.0",
        443,
        [
          {
            name: "https",
            filterChainMatch: { serverNames: ["a.com"] },
            transportSocket: tlsSocket,
            filters: [hcmFilter("r")],
          },
          { name: "plain", filterChainMatch: {}, filters: [hcmFilter("r")] },
        ],
        { listenerFilters: [tlsInspector] },
      ),
    ],
    routes: [routeConfig("r", [vhost("v", ["*"], [toCluster("web")])])],
    clusters: [staticCluster("web", "10.0.0.1:80")],
    endpoints: [],
  };
  t.like(simulate(cfg, { protocol: "http", port: 443, sni: "a.com" }), {
    filterChain: "https",
    cluster: "web",
    failure: undefined,
  });
  t.like(simulate(cfg, { protocol: "http", port: 443, sni: "b.com" }), {
    filterChain: "plain",
    failure: "TLS reached the plaintext HTTP filter chain plain",
  });
  const onlyTls = {
    ...cfg,
    listeners: [
      listener("l", "0.0.0.0", 443, [
        { name: "https", transportSocket: tlsSocket, filters: [hcmFilter("r")] },
      ]),
    ],
  };
  t.like(simulate(onlyTls, { protocol: "http", port: 443 }), {
    failure: "a plaintext connection reached filter chain https, which terminates TLS",
  });
});
