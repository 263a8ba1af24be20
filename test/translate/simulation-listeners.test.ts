// The simulation's listener and filter chain selection on hand-written resources: capture and
// hand-off by original destination, direct binding, inbound capture, and each filter chain
// criterion (most specific wins), tcp_proxy and ORIGINAL_DST clusters.

import test from "ava";
import {
  assignment,
  edsCluster,
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

const passthrough: Msg = {
  name: "PassthroughCluster",
  type: "ORIGINAL_DST",
  lbPolicy: "CLUSTER_PROVIDED",
};

function sidecar(): ProxyConfig {
  return {
    listeners: [
      listener(
        "virtualOutbound",
        "0.0.0.0",
        15001,
        [{ name: "catch-all", filters: [tcpProxyFilter("PassthroughCluster")] }],
        {
          useOriginalDst: { value: true },
        },
      ),
      listener("0.0.0.0_8080", "0.0.0.0", 8080, [{ filters: [hcmFilter("8080")] }], {
        bindToPort: { value: false },
      }),
      listener("10.0.0.5_3306", "10.0.0.5", 3306, [{ filters: [tcpProxyFilter("mysql")] }], {
        bindToPort: { value: false },
      }),
      listener("10.0.0.6_8080", "10.0.0.6", 8080, [{ filters: [tcpProxyFilter("legacy")] }], {
        bindToPort: { value: false },
      }),
    ],
    routes: [routeConfig("8080", [vhost("all", ["*"], [toCluster("web")])])],
    clusters: [
      passthrough,
      edsCluster("web"),
      edsCluster("mysql"),
      staticCluster("legacy", "10.1.0.1:8080"),
    ],
    endpoints: [
      assignment("web", "10.1.0.7:8080"),
      assignment("mysql", "10.1.0.9:3306", "10.1.0.10:3306"),
    ],
  };
}

test("outbound capture hands a connection to the listener for its original destination", (t) => {
  const cfg = sidecar();
  const db = simulate(cfg, { protocol: "tcp", destinationIp: "10.0.0.5", port: 3306 });
  t.like(db, { listener: "10.0.0.5_3306", filter: "tcp", cluster: "mysql", failure: undefined });
  t.deepEqual(db.endpoints, ["10.1.0.9:3306", "10.1.0.10:3306"]);
  // 0.0.0.0:8080 takes what no exact IP:8080 listener claims; an exact one wins.
  t.like(simulate(cfg, { protocol: "http", destinationIp: "10.0.0.9", port: 8080, host: "x" }), {
    listener: "0.0.0.0_8080",
    filter: "http",
    cluster: "web",
  });
  t.like(simulate(cfg, { protocol: "tcp", destinationIp: "10.0.0.6", port: 8080 }), {
    listener: "10.0.0.6_8080",
    cluster: "legacy",
  });
  t.deepEqual(simulate(cfg, { protocol: "tcp", destinationIp: "10.0.0.6", port: 8080 }).endpoints, [
    "10.1.0.1:8080",
  ]);
});

test("what no listener claims stays in virtualOutbound; ORIGINAL_DST goes where it was addressed", (t) => {
  const r = simulate(sidecar(), { protocol: "tcp", destinationIp: "93.184.216.34", port: 443 });
  t.like(r, {
    listener: "virtualOutbound",
    filterChain: "catch-all",
    cluster: "PassthroughCluster",
    failure: undefined,
  });
  t.deepEqual(r.endpoints, ["93.184.216.34:443"]);
});

test("direct connections need a listener bound to their port", (t) => {
  const cfg: ProxyConfig = {
    ...sidecar(),
    listeners: [
      listener("0.0.0.0_8080", "0.0.0.0", 8080, [{ filters: [hcmFilter("8080")] }]),
      listener("hidden", "0.0.0.0", 9090, [{ filters: [tcpProxyFilter("web")] }], {
        bindToPort: { value: false },
      }),
    ],
  };
  t.like(simulate(cfg, { protocol: "http", port: 8080, host: "a" }), {
    listener: "0.0.0.0_8080",
    cluster: "web",
  });
  t.like(simulate(cfg, { protocol: "tcp", port: 9090 }), {
    failure: "no listener for 240.240.240.240:9090",
  });
  t.like(simulate(cfg, { protocol: "tcp", port: 7000 }), {
    failure: "no listener for 240.240.240.240:7000",
  });
});

test("an HTTP connection manager does not take a plain TCP connection", (t) => {
  const r = simulate(sidecar(), { protocol: "tcp", destinationIp: "10.0.0.9", port: 8080 });
  t.like(r, { listener: "0.0.0.0_8080", filter: "http" });
  t.regex(r.failure ?? "", /tcp connection reached an HTTP connection manager/);
});

function inbound(): ProxyConfig {
  const chain = (name: string, match: Msg, cluster: string) => ({
    name,
    filterChainMatch: match,
    filters: [tcpProxyFilter(cluster)],
  });
  return {
    listeners: [
      listener(
        "virtualInbound",
        "0.0.0.0",
        15006,
        [
          chain("port-8080", { destinationPort: 8080 }, "inbound|8080||"),
          chain(
            "port-8080-tls",
            { destinationPort: 8080, transportProtocol: "tls" },
            "inbound-tls",
          ),
          chain("any", {}, "InboundPassthroughCluster"),
        ],
        { listenerFilters: [tlsInspector] },
      ),
    ],
    routes: [],
    clusters: [
      staticCluster("inbound|8080||", "127.0.0.1:8080"),
      staticCluster("inbound-tls", "127.0.0.1:8443"),
      { ...passthrough, name: "InboundPassthroughCluster" },
    ],
    endpoints: [],
  };
}

test("inbound capture: chains by destination port, then transport protocol; unmatched ports fall through", (t) => {
  const cfg = inbound();
  t.like(
    simulate(cfg, { protocol: "tcp", direction: "inbound", destinationIp: "10.0.0.2", port: 8080 }),
    {
      listener: "virtualInbound",
      filterChain: "port-8080",
      cluster: "inbound|8080||",
    },
  );
  t.like(
    simulate(cfg, {
      protocol: "tls",
      direction: "inbound",
      destinationIp: "10.0.0.2",
      port: 8080,
      sni: "x",
    }),
    { filterChain: "port-8080-tls" },
  );
  t.like(
    simulate(cfg, { protocol: "tcp", direction: "inbound", destinationIp: "10.0.0.2", port: 9000 }),
    {
      filterChain: "any",
      cluster: "InboundPassthroughCluster",
    },
  );
});

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

test("tcp_proxy weighted clusters: every cluster with its weight, callNum picks one", (t) => {
  const cfg: ProxyConfig = {
    listeners: [
      listener("tcp", "0.0.0.0", 31400, [
        {
          filters: [
            tcpProxyFilter([
              ["v1", 80],
              ["v2", 20],
            ]),
          ],
        },
      ]),
    ],
    routes: [],
    clusters: [edsCluster("v1"), edsCluster("v2")],
    endpoints: [assignment("v1", "10.0.0.1:9000"), assignment("v2", "10.0.0.2:9000")],
  };
  const r = simulate(cfg, { protocol: "tcp", port: 31400 });
  t.deepEqual(r.clusters, [
    { name: "v1", weight: 80, endpoints: ["10.0.0.1:9000"] },
    { name: "v2", weight: 20, endpoints: ["10.0.0.2:9000"] },
  ]);
  t.is(r.cluster, "v1");
  t.is(simulate(cfg, { protocol: "tcp", port: 31400, callNum: 79 }).cluster, "v1");
  t.is(simulate(cfg, { protocol: "tcp", port: 31400, callNum: 80 }).cluster, "v2");
  t.deepEqual(simulate(cfg, { protocol: "tcp", port: 31400, callNum: 99 }).endpoints, [
    "10.0.0.2:9000",
  ]);
  t.like(simulate({ ...cfg, clusters: [edsCluster("v1")] }, { protocol: "tcp", port: 31400 }), {
    failure: "cluster v2 not sent",
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
