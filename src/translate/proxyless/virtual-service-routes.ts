// One VirtualService HTTP rule → Envoy routes for one service port, limited to what gRPC's xDS
// client implements: path and header matches, weighted clusters, timeouts, retries, fault
// injection and ring-hash hash policies. One route per match block (blocks are ORed); blocks for
// another port, gateway, source workload or namespace are dropped, as Istio does. Rules that
// redirect, answer directly or delegate have no gRPC equivalent and are skipped.

import { resolveShortName } from "../../registry/mesh/hosts.js";
import { selectorMatches } from "../../registry/mesh/labels.js";
import type { MeshService } from "../../registry/mesh/types.js";
import type { EnvoyMessage } from "../envoy-message.js";
import type { HttpRuleSpec, MatchSpec, StringMatchSpec } from "./http-rule.js";
import { clusterName } from "./naming.js";
import { faultConfig, retryPolicy, timeoutFields } from "./route-policies.js";

export interface RouteTarget {
  /** The service port the routes are for. */
  readonly port: number;
  readonly vsNamespace: string;
  readonly domainSuffix: string;
  readonly proxyLabels: Readonly<Record<string, string>>;
  readonly proxyNamespace: string;
  readonly serviceOf: (host: string) => MeshService | undefined;
  readonly hashPolicyFor: (host: string) => EnvoyMessage[] | undefined;
}

function stringMatcher(m: StringMatchSpec, ignoreCase = false): EnvoyMessage | undefined {
  const c = ignoreCase ? { ignoreCase: true } : {};
  if (m.exact !== undefined) return { exact: m.exact, ...c };
  if (m.prefix !== undefined) return { prefix: m.prefix, ...c };
  if (m.regex !== undefined) return { safeRegex: { regex: m.regex } };
  return undefined;
}

function headerMatchers(
  headers: Readonly<Record<string, StringMatchSpec>> | undefined,
  invert: boolean,
): EnvoyMessage[] {
  return Object.keys(headers ?? {})
    .sort()
    .map((name) => {
      const sm = stringMatcher(headers![name]!);
      return {
        name: name.toLowerCase(),
        ...(sm ? { stringMatch: sm } : { presentMatch: true }),
        ...(invert ? { invertMatch: true } : {}),
      };
    });
}

function routeMatch(m: MatchSpec | undefined): EnvoyMessage {
  const uri = m?.uri;
  const caseSensitive = m?.ignoreUriCase ? { caseSensitive: false } : {};
  const path =
    uri?.exact !== undefined
      ? { path: uri.exact }
      : uri?.prefix !== undefined
        ? { prefix: uri.prefix }
        : uri?.regex !== undefined
          ? { safeRegex: { regex: uri.regex } }
          : { prefix: "/" };
  const headers = [
    ...headerMatchers(m?.headers, false),
    ...headerMatchers(m?.withoutHeaders, true),
  ];
  const query = Object.keys(m?.queryParams ?? {})
    .sort()
    .map((name) => {
      const sm = stringMatcher(m!.queryParams![name]!);
      return sm ? { name, stringMatch: sm } : { name, presentMatch: true };
    });
  return {
    ...path,
    ...caseSensitive,
    ...(headers.length > 0 ? { headers } : {}),
    ...(query.length > 0 ? { queryParameters: query } : {}),
  };
}

function matchApplies(m: MatchSpec, t: RouteTarget): boolean {
  if (m.port !== undefined && m.port !== t.port) return false;
  if (m.gateways && m.gateways.length > 0 && !m.gateways.includes("mesh")) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== t.proxyNamespace) return false;
  if (m.sourceLabels && !selectorMatches(m.sourceLabels, t.proxyLabels)) return false;
  return true;
}

/** The cluster a destination names: its port, else the service's only port, else this port. */
function destinationCluster(
  dest: NonNullable<HttpRuleSpec["route"]>[number]["destination"],
  t: RouteTarget,
): { host: string; name: string } {
  const host = resolveShortName(dest?.host ?? "", t.vsNamespace, t.domainSuffix);
  const service = t.serviceOf(host);
  const port =
    dest?.port?.number ?? (service && service.ports.length === 1 ? service.ports[0]!.port : t.port);
  return { host, name: clusterName(port, dest?.subset ?? "", service?.hostname ?? host) };
}

function routeAction(rule: HttpRuleSpec, t: RouteTarget): EnvoyMessage {
  const dests = (rule.route ?? []).filter((d) => d.weight === undefined || d.weight > 0);
  const clusters = dests.map((d) => ({
    ...destinationCluster(d.destination, t),
    weight: d.weight,
  }));
  const specifier =
    clusters.length === 1
      ? { cluster: clusters[0]!.name }
      : {
          weightedClusters: {
            clusters: clusters.map((c) => ({ name: c.name, weight: { value: c.weight ?? 0 } })),
          },
        };
  const retry = retryPolicy(rule);
  const hash = clusters.length > 0 ? t.hashPolicyFor(clusters[0]!.host) : undefined;
  return {
    ...specifier,
    ...timeoutFields(rule),
    ...(retry ? { retryPolicy: retry } : {}),
    ...(hash ? { hashPolicy: hash } : {}),
  };
}

export function routesOfRule(rule: HttpRuleSpec, t: RouteTarget): EnvoyMessage[] {
  if (rule.redirect || rule.directResponse || rule.delegate || !rule.route?.length) return [];
  const matches: (MatchSpec | undefined)[] =
    rule.match && rule.match.length > 0
      ? rule.match.filter((m) => matchApplies(m, t))
      : [undefined];
  if (matches.length === 0) return [];
  const action = routeAction(rule, t);
  const fault = faultConfig(rule);
  return matches.map((m) => ({
    ...(rule.name || m?.name ? { name: [rule.name, m?.name].filter(Boolean).join(".") } : {}),
    match: routeMatch(m),
    route: action,
    ...(fault ? { typedPerFilterConfig: { "envoy.filters.http.fault": fault } } : {}),
  }));
}
