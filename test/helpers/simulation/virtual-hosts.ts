// Virtual host selection in a RouteConfiguration, by the Host (:authority) header, case-insensitive:
// an exact domain first, then suffix wildcards (`*.foo.com`, `*-bar.foo.com`), then prefix
// wildcards (`foo.*`), each longest first, then `*`. A wildcard never matches the empty string.
// The host is matched with its port unless the HCM strips it or the route configuration ignores
// ports in host matching.

import { bool, list, obj, strings, type Msg } from "./plain.js";

/** Host without a trailing `:port` (IPv6 literals keep their brackets). */
export function stripPort(host: string): string {
  const m = /^(\[[^\]]*\]|[^:]*):\d+$/.exec(host);
  return m ? m[1]! : host;
}

/** The host the HCM matches virtual hosts with, after its port-stripping options. */
export function hostForMatching(
  hcm: Msg,
  routeConfig: Msg,
  host: string,
  listenerPort: number,
): string {
  const mode = obj(hcm["stripPortMode"]);
  if (bool(mode?.["stripAnyHostPort"]) === true || bool(hcm["stripAnyHostPort"]) === true)
    return stripPort(host);
  if (bool(hcm["stripMatchingHostPort"]) === true && host.endsWith(`:${listenerPort}`))
    return stripPort(host);
  if (bool(routeConfig["ignorePortInHostMatching"]) === true) return stripPort(host);
  return host;
}

export function selectVirtualHost(routeConfig: Msg, rawHost: string): Msg | undefined {
  const host = rawHost.toLowerCase();
  const vhosts = list(routeConfig["virtualHosts"]);
  const entries = vhosts.flatMap((vh) =>
    strings(vh["domains"]).map((d) => ({ d: d.toLowerCase(), vh })),
  );
  const exact = entries.find((e) => e.d === host);
  if (exact) return exact.vh;
  const longestFirst = (a: { d: string }, b: { d: string }) => b.d.length - a.d.length;
  const suffix = entries
    .filter((e) => e.d.startsWith("*") && e.d !== "*")
    .sort(longestFirst)
    .find((e) => host.endsWith(e.d.slice(1)) && host.length > e.d.length - 1);
  if (suffix) return suffix.vh;
  const prefix = entries
    .filter((e) => e.d.endsWith("*") && e.d !== "*")
    .sort(longestFirst)
    .find((e) => host.startsWith(e.d.slice(0, -1)) && host.length > e.d.length - 1);
  if (prefix) return prefix.vh;
  return entries.find((e) => e.d === "*")?.vh;
}
