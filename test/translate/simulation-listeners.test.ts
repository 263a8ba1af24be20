// The simulation's listener selection on hand-written resources: capture and hand-off by original
// destination, direct binding, inbound capture; tcp_proxy (single and weighted) and ORIGINAL_DST
// clusters.

import test from "ava";
import {
  assignment,
  edsCluster,
  hcmFilter,
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
