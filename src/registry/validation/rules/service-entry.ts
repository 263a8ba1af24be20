// ServiceEntry: hosts, addresses, ports, resolution and endpoints (or a workload selector).

import { checkExportTo } from "./export-to.js";
import {
  checkHost,
  isIpAddress,
  isIpOrCidr,
  UNIX_PREFIX,
  unixAddressProblem,
  wildcardHostProblem,
} from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import {
  checkIstioPortName,
  checkOptionalPort,
  checkPort,
  checkProtocol,
  protocolOf,
} from "./ports.js";
import { entries, list, present, q, rec, type IssueSink, type Path } from "./shape.js";

export const serviceEntryRule: KindRule = (doc, report, ctx) => {
  const spec = rec(doc.spec) ?? {};
  const hosts = list(spec.hosts);
  if (hosts.length === 0)
    report.error(["spec", "hosts"], "ServiceEntry needs at least one host, e.g. api.example.com");
  hosts.forEach((h, i) => {
    if (h === "*")
      report.error(
        ["spec", "hosts", i],
        'host "*" is not allowed in a ServiceEntry; name the hosts or use *.example.com',
      );
    else if (
      checkHost(report, ["spec", "hosts", i], h, { allowWildcard: true }) &&
      typeof h === "string" &&
      h.startsWith("*") &&
      h !== "*" &&
      !h.startsWith("*.")
    )
      report.warn(
        ["spec", "hosts", i],
        `host ${q(h)} is a partial wildcard; only *.domain wildcards are fully supported`,
      );
  });
  list(spec.addresses).forEach((a, i) => {
    if (typeof a !== "string" || !isIpOrCidr(a))
      report.error(
        ["spec", "addresses", i],
        `address ${q(a)} is not an IP address or CIDR such as 240.0.0.2 or 10.1.0.0/16`,
      );
  });
  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  list(spec.ports).forEach((p, i) => {
    const at = ["spec", "ports", i];
    const port = rec(p) ?? {};
    if (checkPort(report, [...at, "number"], port.number)) {
      if (portNumbers.has(port.number as number))
        report.error([...at, "number"], `port ${port.number} is listed twice`);
      portNumbers.add(port.number as number);
    }
    // An empty protocol is allowed: the proxy then sniffs it.
    if (present(port.protocol) && port.protocol !== "")
      checkProtocol(report, [...at, "protocol"], port.protocol);
    checkIstioPortName(report, [...at, "name"], port.name);
    if (typeof port.name === "string" && port.name !== "") {
      if (portNames.has(port.name))
        report.error([...at, "name"], `port name ${q(port.name)} is listed twice`);
      portNames.add(port.name);
    }
    checkOptionalPort(report, [...at, "targetPort"], port.targetPort, "targetPort");
  });

  const endpoints = list(spec.endpoints);
  const hasSelector = present(spec.workloadSelector);
  if (hasSelector && endpoints.length > 0)
    report.error(
      ["spec", "workloadSelector"],
      "workloadSelector and endpoints cannot both be set; use one of them",
    );
  checkLabels(
    report,
    ["spec", "workloadSelector", "labels"],
    rec(spec.workloadSelector)?.labels,
    "selector label",
  );
  const resolution = typeof spec.resolution === "string" ? spec.resolution : "NONE";
  const selector = rec(spec.workloadSelector);
  if (selector && Object.keys(rec(selector.labels) ?? {}).length === 0)
    report.warn(
      ["spec", "workloadSelector"],
      "workloadSelector has no labels, so it selects every workload in the namespace",
    );
  if (selector && resolution === "NONE")
    report.warn(
      ["spec", "workloadSelector"],
      "workloadSelector has no effect with resolution NONE; use STATIC",
    );
  checkResolution(report, spec, resolution, endpoints.length, hasSelector);
  checkAddressesAndHosts(report, spec, resolution);
  const unixCount = endpoints.filter((e) =>
    String(rec(e)?.address ?? "").startsWith(UNIX_PREFIX),
  ).length;
  if (unixCount > 0 && list(spec.ports).length !== 1)
    report.error(
      ["spec", "ports"],
      "endpoints with unix:// addresses need exactly one service port",
    );
  endpoints.forEach((e, i) =>
    checkEndpoint(report, ["spec", "endpoints", i], e, resolution, portNames),
  );
  checkExportTo(report, ["spec", "exportTo"], spec.exportTo, ctx.namespace, true);
  list(spec.subjectAltNames).forEach((s, i) => {
    if (typeof s !== "string" || s === "")
      report.error(["spec", "subjectAltNames", i], "subjectAltNames entry is empty");
  });
};

function checkResolution(
  sink: IssueSink,
  spec: Record<string, unknown>,
  resolution: string,
  endpointCount: number,
  hasSelector: boolean,
): void {
  if (resolution === "NONE" && endpointCount > 0)
    sink.error(
      ["spec", "endpoints"],
      "resolution NONE forwards to the original destination; endpoints are not allowed (use STATIC or DNS)",
    );
  if (resolution === "STATIC" && endpointCount === 0 && !hasSelector)
    sink.error(["spec", "endpoints"], "resolution STATIC needs endpoints (or a workloadSelector)");
  if (resolution === "DNS_ROUND_ROBIN" && endpointCount > 1)
    sink.error(["spec", "endpoints"], "resolution DNS_ROUND_ROBIN allows at most one endpoint");
  if ((resolution === "DNS" || resolution === "DNS_ROUND_ROBIN") && endpointCount === 0) {
    list(spec.hosts).forEach((h, i) => {
      if (typeof h === "string" && h.includes("*"))
        sink.error(
          ["spec", "hosts", i],
          `wildcard host ${q(h)} cannot be resolved by DNS; add endpoints or use resolution NONE`,
        );
    });
  }
}

function checkEndpoint(
  sink: IssueSink,
  at: Path,
  e: unknown,
  resolution: string,
  portNames: Set<string>,
): void {
  const ep = rec(e) ?? {};
  const address = ep.address;
  if (typeof address === "string" && address !== "") {
    if (address.startsWith(UNIX_PREFIX)) {
      const problem = unixAddressProblem(address);
      if (problem) sink.error([...at, "address"], `endpoint address ${q(address)} ${problem}`);
      if (entries(ep.ports).length > 0)
        sink.error([...at, "ports"], "an endpoint with a unix:// address cannot have ports");
    } else if (resolution === "STATIC") {
      if (!isIpAddress(address))
        sink.error(
          [...at, "address"],
          `endpoint address ${q(address)} must be an IP address (or unix://path) with resolution STATIC`,
        );
    } else if (!isIpAddress(address)) {
      const problem = address.includes("*")
        ? "may not contain a wildcard"
        : wildcardHostProblem(address);
      if (problem)
        sink.error(
          [...at, "address"],
          `endpoint address ${q(address)} ${problem}; give an IP address or a host name`,
        );
    }
  } else if (resolution === "STATIC") {
    sink.error([...at, "address"], "endpoint needs an address with resolution STATIC");
  }
  for (const [name, port] of entries(ep.ports)) {
    if (!portNames.has(name))
      sink.error(
        [...at, "ports", name],
        `endpoint port ${q(name)} does not name any of the ServiceEntry's ports`,
      );
    checkPort(sink, [...at, "ports", name], port, `endpoint port ${name}`);
  }
  checkLabels(sink, [...at, "labels"], ep.labels, "endpoint label");
  if (present(ep.weight) && (typeof ep.weight !== "number" || ep.weight < 0))
    sink.error([...at, "weight"], `endpoint weight ${q(ep.weight)} must be 0 or more`);
}

/**
 * CIDR addresses only make sense when the proxy does not resolve the hosts (NONE or STATIC). With
 * several hosts, plain TCP ports cannot tell them apart unless resolution is NONE.
 */
function checkAddressesAndHosts(
  sink: IssueSink,
  spec: Record<string, unknown>,
  resolution: string,
): void {
  const resolves = resolution !== "NONE" && resolution !== "STATIC";
  list(spec.addresses).forEach((a, i) => {
    if (resolves && typeof a === "string" && a.includes("/") && isIpOrCidr(a))
      sink.error(
        ["spec", "addresses", i],
        `CIDR address ${q(a)} is only allowed with resolution NONE or STATIC`,
      );
  });
  if (resolution === "NONE" || list(spec.hosts).length < 2) return;
  const l4 = list(spec.ports).find((p) => {
    const proto = protocolOf(rec(p)?.protocol);
    return (
      proto === undefined || !["HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTPS", "TLS"].includes(proto)
    );
  });
  if (l4 !== undefined)
    sink.error(
      ["spec", "hosts"],
      `several hosts share port ${q(rec(l4)?.number)} whose protocol is neither HTTP nor TLS, so the proxy cannot tell them apart; use one host per ServiceEntry, an HTTP/TLS protocol, or resolution NONE`,
    );
}
