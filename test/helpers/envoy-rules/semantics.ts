// Checks Envoy makes when it loads a resource that protoc-gen-validate annotations do not express
// (each is stated in Envoy's proto comments or is a load error Envoy reports): a domain appears in
// one virtual host only; virtual host names are unique; no two filter chains of a listener match
// the same connection; http_connection_manager and tcp_proxy end their filter chain; the router
// ends the HTTP filters; a weighted split has a positive total weight.

import type { Sink } from "./sink.js";

type Obj = Readonly<Record<string, unknown>>;

const HCM = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const TCP_PROXY = "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
const ROUTER = "envoy.extensions.filters.http.router.v3.Router";

const obj = (v: unknown): Obj | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map((x) => obj(x) ?? {}) : []);
const anyName = (v: unknown): string => {
  const t = obj(v)?.["@type"];
  return typeof t === "string" ? t.slice(t.lastIndexOf("/") + 1) : "";
};
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const num = (v: unknown): number =>
  typeof v === "number"
    ? v
    : typeof obj(v)?.["value"] === "number"
      ? (obj(v)!["value"] as number)
      : 0;

function checkWeightedClusters(sink: Sink, wc: unknown, path: string): void {
  const clusters = list(obj(wc)?.["clusters"]);
  if (clusters.length === 0) return; // repeated.min_items reports it
  const total = clusters.reduce((s, c) => s + num(c["weight"]), 0);
  if (total <= 0)
    sink.violation(path, "envoy.weighted_clusters", "the weights of a weighted split add up to 0");
}

export function checkRouteConfiguration(sink: Sink, rc: Obj, path: string): void {
  const domainOwner = new Map<string, number>();
  const names = new Set<string>();
  list(rc["virtualHosts"]).forEach((vh, i) => {
    const vp = join(path, `virtualHosts[${i}]`);
    const name = typeof vh["name"] === "string" ? vh["name"] : "";
    if (names.has(name))
      sink.violation(
        join(vp, "name"),
        "envoy.unique_virtual_host_name",
        `virtual host name ${name} is used twice`,
      );
    names.add(name);
    (Array.isArray(vh["domains"]) ? (vh["domains"] as unknown[]) : []).forEach((d, j) => {
      if (typeof d !== "string") return;
      const key = d.toLowerCase();
      const owner = domainOwner.get(key);
      if (owner !== undefined)
        sink.violation(
          join(vp, `domains[${j}]`),
          "envoy.unique_domain",
          `domain ${d} is also in virtualHosts[${owner}]; Envoy rejects the route configuration`,
        );
      else domainOwner.set(key, i);
    });
    list(vh["routes"]).forEach((r, j) => {
      const wc = obj(r["route"])?.["weightedClusters"];
      if (wc) checkWeightedClusters(sink, wc, join(vp, `routes[${j}].route.weightedClusters`));
    });
  });
}

function checkHcm(sink: Sink, hcm: Obj, path: string): void {
  const filters = list(hcm["httpFilters"]);
  filters.forEach((f, i) => {
    const isRouter = anyName(f["typedConfig"]) === ROUTER;
    if (isRouter && i !== filters.length - 1)
      sink.violation(
        join(path, `httpFilters[${i}]`),
        "envoy.terminal_filter_last",
        "the router must be the last HTTP filter",
      );
    if (!isRouter && i === filters.length - 1)
      sink.violation(
        join(path, `httpFilters[${i}]`),
        "envoy.terminal_filter_last",
        "the last HTTP filter must be the router",
      );
  });
  const inline = obj(hcm["routeConfig"]);
  if (inline) checkRouteConfiguration(sink, inline, join(path, "routeConfig"));
}

const MATCH_LISTS = [
  "prefixRanges",
  "serverNames",
  "applicationProtocols",
  "directSourcePrefixRanges",
  "sourcePrefixRanges",
  "sourcePorts",
];
const MATCH_SCALARS = ["destinationPort", "transportProtocol", "sourceType"];

/** Every single-valued combination a FilterChainMatch accepts, as comparable keys. */
function matchKeys(m: Obj): string[] {
  let keys = [MATCH_SCALARS.map((k) => JSON.stringify(m[k] ?? null)).join("|")];
  for (const k of MATCH_LISTS) {
    const values =
      Array.isArray(m[k]) && (m[k] as unknown[]).length > 0 ? (m[k] as unknown[]) : [null];
    keys = keys.flatMap((prefix) => values.map((v) => `${prefix}|${JSON.stringify(v)}`));
    if (keys.length > 10_000) return []; // too many to compare; not checked
  }
  return keys;
}

export function checkListener(sink: Sink, listener: Obj): void {
  const seen = new Map<string, number>();
  list(listener["filterChains"]).forEach((chain, i) => {
    const cp = `filterChains[${i}]`;
    for (const key of matchKeys(obj(chain["filterChainMatch"]) ?? {})) {
      const other = seen.get(key);
      if (other !== undefined && other !== i) {
        sink.violation(
          join(cp, "filterChainMatch"),
          "envoy.unique_filter_chain_match",
          `matches the same connections as filterChains[${other}]; Envoy rejects the listener`,
        );
        break;
      }
      seen.set(key, i);
    }
  });
  const chains: Array<readonly [Obj, string]> = list(listener["filterChains"]).map((c, i) => [
    c,
    `filterChains[${i}]`,
  ]);
  const def = obj(listener["defaultFilterChain"]);
  if (def) chains.push([def, "defaultFilterChain"]);
  for (const [chain, cp] of chains) {
    const filters = list(chain["filters"]);
    filters.forEach((f, j) => {
      const type = anyName(f["typedConfig"]);
      const fp = join(cp, `filters[${j}].typedConfig`);
      if ((type === HCM || type === TCP_PROXY) && j !== filters.length - 1)
        sink.violation(
          join(cp, `filters[${j}]`),
          "envoy.terminal_filter_last",
          `${f["name"] as string} must be the last filter of its chain`,
        );
      if (type === HCM) checkHcm(sink, obj(f["typedConfig"]) ?? {}, fp);
      if (type === TCP_PROXY) {
        const wc = obj(f["typedConfig"])?.["weightedClusters"];
        if (wc) checkWeightedClusters(sink, wc, join(fp, "weightedClusters"));
      }
    });
  }
  const api = obj(obj(listener["apiListener"])?.["apiListener"]);
  if (api && anyName(api) === HCM) checkHcm(sink, api, "apiListener.apiListener");
}
