// Names one resource of a proxy uses to reach another, checked against what the proxy was sent
// (ARCHITECTURE.md invariant 2: never a route naming a cluster the proxy has not been sent):
// RDS names in HTTP connection managers, clusters in routes (single, weighted, mirrors) and in
// tcp_proxy filters, and the ClusterLoadAssignment of every EDS cluster.

import { anyType, byName, list, obj, str, type Msg } from "./plain.js";
import type { ProxyConfig } from "./types.js";

const HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const TCP_PROXY = "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";

function actionClusters(action: Msg): string[] {
  const names = [str(action["cluster"])];
  for (const c of list(obj(action["weightedClusters"])?.["clusters"])) names.push(str(c["name"]));
  for (const m of list(action["requestMirrorPolicies"])) names.push(str(m["cluster"]));
  return names.filter((n): n is string => n !== undefined && n !== "");
}

function routeConfigClusters(rc: Msg): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const vh of list(rc["virtualHosts"]))
    for (const r of list(vh["routes"])) {
      const where = `route ${str(r["name"]) ?? "(unnamed)"} in ${str(rc["name"]) ?? "(inline)"}/${str(vh["name"]) ?? ""}`;
      for (const c of actionClusters(obj(r["route"]) ?? {})) out.push([c, where]);
    }
  return out;
}

/** Every reference to a resource the proxy was not sent, as `what → missing name`. */
export function danglingReferences(cfg: ProxyConfig): string[] {
  const problems: string[] = [];
  const needCluster = (name: string, where: string) => {
    if (!byName(cfg.clusters, name)) problems.push(`${where} → cluster ${name} not sent`);
  };
  const hcm = (config: Msg, where: string) => {
    const rds = str(obj(config["rds"])?.["routeConfigName"]);
    if (rds !== undefined && !byName(cfg.routes, rds))
      problems.push(`${where} → route configuration ${rds} not sent`);
    const inline = obj(config["routeConfig"]);
    if (inline) for (const [c, w] of routeConfigClusters(inline)) needCluster(c, `${where}: ${w}`);
  };
  for (const l of cfg.listeners) {
    const lname = `listener ${str(l["name"]) ?? ""}`;
    const chains = [
      ...list(l["filterChains"]),
      ...(obj(l["defaultFilterChain"]) ? [obj(l["defaultFilterChain"])!] : []),
    ];
    for (const chain of chains)
      for (const f of list(chain["filters"])) {
        const config = obj(f["typedConfig"]) ?? {};
        if (anyType(config) === HCM) hcm(config, lname);
        if (anyType(config) === TCP_PROXY)
          for (const c of actionClusters(config)) needCluster(c, `${lname} tcp_proxy`);
      }
    const api = obj(obj(l["apiListener"])?.["apiListener"]);
    if (api && anyType(api) === HCM) hcm(api, lname);
  }
  for (const rc of cfg.routes) for (const [c, w] of routeConfigClusters(rc)) needCluster(c, w);
  for (const c of cfg.clusters) {
    if (c["type"] !== "EDS") continue;
    const name = str(c["name"]) ?? "";
    const service = str(obj(c["edsClusterConfig"])?.["serviceName"]) || name;
    if (!byName(cfg.endpoints, service, "clusterName"))
      problems.push(`EDS cluster ${name} → load assignment ${service} not sent`);
  }
  return problems;
}
