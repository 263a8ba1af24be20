// VirtualService: hosts, gateways, exportTo, and its HTTP, TCP and TLS routes.

import { checkWeightedDestinations } from "./destination.js";
import { checkExportTo } from "./export-to.js";
import { checkGatewayNames } from "./gateway-names.js";
import { hostsOverlap, hostSubsetOf } from "./host-match.js";
import { checkHost, isIpAddress, isIpOrCidr, wildcardHostProblem } from "./hosts.js";
import { checkHttpRoute } from "./http-route.js";
import { checkLabels } from "./labels.js";
import { warnUnreachableRules } from "./route-order.js";
import { checkOptionalPort } from "./ports.js";
import type { KindRule } from "./rule-types.js";
import { isRecord, list, q, rec, type IssueSink, type Path } from "./shape.js";

export const virtualServiceRule: KindRule = (doc, report, ctx) => {
  const spec = rec(doc.spec) ?? {};
  const hosts = list(spec.hosts);
  const gateways = list(spec.gateways);
  const isDelegate = hosts.length === 0;
  const appliesToMesh = gateways.length === 0 || gateways.includes("mesh");

  if (isDelegate && gateways.length > 0)
    report.error(
      ["spec", "hosts"],
      "hosts is empty; a VirtualService needs at least one host (only a delegate VirtualService, which lists no gateways, may omit hosts)",
    );
  const validHosts: string[] = [];
  hosts.forEach((h, i) => {
    if (!checkHost(report, ["spec", "hosts", i], h, { allowIp: true, allowWildcard: true })) return;
    const earlier = validHosts.find((v) => hostsOverlap(v, h as string));
    if (earlier !== undefined)
      report.error(
        ["spec", "hosts", i],
        `host ${q(h)} overlaps ${q(earlier)} listed before it; each host may appear once`,
      );
    validHosts.push(h as string);
    if (h === "*" && appliesToMesh)
      report.error(
        ["spec", "hosts", i],
        'host "*" is only allowed for a VirtualService bound to gateways; it would capture all mesh traffic (list gateways without mesh, or name the hosts)',
      );
  });
  checkGatewayNames(report, ["spec", "gateways"], spec.gateways);
  checkExportTo(report, ["spec", "exportTo"], spec.exportTo, ctx.namespace);

  const http = list(spec.http);
  const tcp = list(spec.tcp);
  const tls = list(spec.tls);
  if (http.length + tcp.length + tls.length === 0)
    report.error("spec", "VirtualService has no http, tcp or tls routes; add at least one");
  if (isDelegate && tcp.length > 0)
    report.error(["spec", "tcp"], "a delegate VirtualService (no hosts) may only have http routes");
  if (isDelegate && tls.length > 0)
    report.error(["spec", "tls"], "a delegate VirtualService (no hosts) may only have http routes");

  // Bound only to gateways (JWT claim routing needs this); `hasGateway` also allows mesh.
  const appliesToGateway = gateways.length > 0 && !gateways.includes("mesh");
  const hasGateway = gateways.some((g) => g !== "mesh");
  http.forEach((r, i) => {
    if (!isRecord(r)) report.error(["spec", "http", i], "HTTP route must be a mapping");
    else {
      if (isRecord(r.delegate) && !hasGateway)
        report.error(
          ["spec", "http", i, "delegate"],
          "delegate is only allowed in a VirtualService bound to gateways (not mesh only)",
        );
      checkHttpRoute(report, ["spec", "http", i], r, {
        inDelegateVs: isDelegate,
        boundToGateway: appliesToGateway,
      });
    }
  });
  tcp.forEach((r, i) => checkL4Route(report, ["spec", "tcp", i], r, "TCP", validHosts));
  tls.forEach((r, i) => checkL4Route(report, ["spec", "tls", i], r, "TLS", validHosts));
  warnUnreachableRules(report, ["spec", "http"], http);
  warnUnreachableRules(report, ["spec", "tcp"], tcp);
  warnUnreachableRules(report, ["spec", "tls"], tls);
};

function checkL4Route(
  sink: IssueSink,
  at: Path,
  r: unknown,
  kind: "TCP" | "TLS",
  vsHosts: readonly string[],
): void {
  const route = rec(r);
  if (!route) {
    sink.error(at, `${kind} route must be a mapping`);
    return;
  }
  const matches = list(route.match);
  if (kind === "TLS" && matches.length === 0)
    sink.error([...at, "match"], "TLS route needs at least one match with sniHosts");
  matches.forEach((m, i) => {
    const mp = [...at, "match", i];
    const match = rec(m) ?? {};
    if (kind === "TLS") {
      const sni = list(match.sniHosts);
      if (sni.length === 0)
        sink.error([...mp, "sniHosts"], "TLS match needs sniHosts (the server names to match)");
      sni.forEach((h, j) => {
        if (typeof h === "string" && isIpAddress(h)) {
          sink.warn(
            [...mp, "sniHosts", j],
            `sniHost ${q(h)} is an IP address; SNI carries names, and most clients never send an IP`,
          );
          return;
        }
        const problem = typeof h !== "string" ? "is not a string" : wildcardHostProblem(h);
        if (problem) sink.error([...mp, "sniHosts", j], `sniHost ${q(h)} ${problem}`);
        else if (!vsHosts.some((v) => hostSubsetOf(h as string, v)))
          sink.error(
            [...mp, "sniHosts", j],
            `sniHost ${q(h)} is not covered by any of the VirtualService's hosts (${vsHosts.join(", ")})`,
          );
      });
    }
    list(match.destinationSubnets).forEach((s, j) => {
      if (typeof s !== "string" || !isIpOrCidr(s))
        sink.error(
          [...mp, "destinationSubnets", j],
          `destinationSubnets entry ${q(s)} is not an IP or CIDR such as 10.0.0.0/8`,
        );
    });
    checkOptionalPort(sink, [...mp, "port"], match.port, "match port");
    checkLabels(sink, [...mp, "sourceLabels"], match.sourceLabels, "source label");
    checkGatewayNames(sink, [...mp, "gateways"], match.gateways);
  });
  if (list(route.route).length === 0)
    sink.error([...at, "route"], `${kind} route needs route with at least one destination`);
  else checkWeightedDestinations(sink, [...at, "route"], route.route);
}
