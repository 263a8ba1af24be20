// Kubernetes Endpoints and EndpointSlice: addresses of the right family, ports in range.

import { isIP } from "node:net";
import { dnsNameProblem } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { checkPort } from "./ports.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";

export const endpointsRule: KindRule = (doc, report) => {
  list(doc.subsets).forEach((s, i) => {
    const subset = rec(s) ?? {};
    for (const field of ["addresses", "notReadyAddresses"] as const)
      list(subset[field]).forEach((a, j) => {
        const ip = rec(a)?.ip;
        if (typeof ip !== "string" || isIP(ip) === 0)
          report.error(["subsets", i, field, j, "ip"], `endpoint ip ${q(ip)} is not an IP address`);
      });
    checkEndpointPorts(report, ["subsets", i, "ports"], subset.ports);
  });
};

const FAMILIES: Readonly<Record<string, (s: string) => string | undefined>> = {
  IPv4: (s) => (isIP(s) === 4 ? undefined : "is not an IPv4 address"),
  IPv6: (s) => (isIP(s) === 6 ? undefined : "is not an IPv6 address"),
  FQDN: (s) => dnsNameProblem(s),
};

export const endpointSliceRule: KindRule = (doc, report) => {
  const type = String(doc.addressType ?? "");
  const check = FAMILIES[type];
  if (!check) {
    report.error("addressType", `addressType ${q(doc.addressType)} must be IPv4, IPv6 or FQDN`);
    return;
  }
  list(doc.endpoints).forEach((e, i) => {
    const addresses = list(rec(e)?.addresses);
    if (addresses.length === 0)
      report.error(["endpoints", i, "addresses"], "endpoint needs at least one address");
    addresses.forEach((a, j) => {
      const problem = typeof a === "string" ? check(a) : "is not a string";
      if (problem)
        report.error(
          ["endpoints", i, "addresses", j],
          `address ${q(a)} ${problem} (addressType is ${type})`,
        );
    });
  });
  checkEndpointPorts(report, ["ports"], doc.ports);
};

function checkEndpointPorts(sink: IssueSink, path: Path, ports: unknown): void {
  list(ports).forEach((p, i) => {
    const port = rec(p)?.port;
    if (present(port)) checkPort(sink, [...path, i, "port"], port);
  });
}
