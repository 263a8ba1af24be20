// Sidecar: egress listeners (namespace/host lists), ingress listeners and the outbound policy.

import { checkDestination } from "./destination.js";
import { checkNamespacedHost, isIpAddress, UNIX_PREFIX, unixAddressProblem } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import { checkIstioPortName, checkPort, checkProtocol, isPortNumber } from "./ports.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";

export const sidecarRule: KindRule = (doc, report) => {
  const spec = rec(doc.spec) ?? {};
  checkLabels(
    report,
    ["spec", "workloadSelector", "labels"],
    rec(spec.workloadSelector)?.labels,
    "selector label",
  );
  const egress = list(spec.egress);
  const ingress = list(spec.ingress);
  if (
    egress.length === 0 &&
    ingress.length === 0 &&
    !present(spec.outboundTrafficPolicy) &&
    !present(spec.inboundConnectionPool)
  )
    report.error(
      "spec",
      'Sidecar is empty; set egress (e.g. hosts: ["./*", "istio-system/*"]), ingress or outboundTrafficPolicy',
    );

  const egressKeys = new Set<string>();
  egress.forEach((e, i) => {
    const at = ["spec", "egress", i];
    const listener = rec(e) ?? {};
    const hosts = list(listener.hosts);
    if (hosts.length === 0)
      report.error(
        [...at, "hosts"],
        'egress listener needs hosts, e.g. "./*" and "istio-system/*"',
      );
    hosts.forEach((h, j) => checkNamespacedHost(report, [...at, "hosts", j], h, "sidecar"));
    const port = rec(listener.port);
    if (!port) {
      if (i !== egress.length - 1)
        report.error(
          [...at, "port"],
          "an egress listener without a port catches all other traffic and must be the last one",
        );
    } else {
      const unixBind = typeof listener.bind === "string" && listener.bind.startsWith(UNIX_PREFIX);
      checkListenerPort(report, [...at, "port"], port, unixBind);
    }
    const bind = listener.bind;
    if (
      bind !== undefined &&
      bind !== "" &&
      (typeof bind !== "string" ||
        (bind.startsWith(UNIX_PREFIX)
          ? unixAddressProblem(bind) !== undefined
          : !isIpAddress(bind)))
    )
      report.error(
        [...at, "bind"],
        `bind ${q(bind)} must be an IP address or an absolute unix:// socket path`,
      );
    const key = `${port?.number ?? "*"}|${bind ?? ""}`;
    if (egressKeys.has(key))
      report.error(at, "two egress listeners have the same port and bind; each must be unique");
    egressKeys.add(key);
  });

  const ingressPorts = new Set<number>();
  ingress.forEach((l, i) => {
    const at = ["spec", "ingress", i];
    const listener = rec(l) ?? {};
    const port = rec(listener.port);
    if (!port)
      report.error([...at, "port"], "ingress listener needs a port with number, protocol and name");
    else {
      checkListenerPort(report, [...at, "port"], port);
      if (isPortNumber(port.number)) {
        if (ingressPorts.has(port.number))
          report.error([...at, "port", "number"], `ingress port ${port.number} is listed twice`);
        ingressPorts.add(port.number);
      }
    }
    checkDefaultEndpoint(report, [...at, "defaultEndpoint"], listener.defaultEndpoint);
  });

  const otp = rec(spec.outboundTrafficPolicy);
  if (otp && present(otp.egressProxy)) {
    if (otp.mode !== "ALLOW_ANY")
      report.error(
        ["spec", "outboundTrafficPolicy", "egressProxy"],
        "egressProxy is only allowed with outboundTrafficPolicy mode ALLOW_ANY",
      );
    checkDestination(
      report,
      ["spec", "outboundTrafficPolicy", "egressProxy"],
      otp.egressProxy,
      "egressProxy",
    );
  }
};

/** `unixBind`: the listener binds a unix socket, so port number 0 (or none) is allowed. */
function checkListenerPort(
  sink: IssueSink,
  path: Path,
  port: Record<string, unknown>,
  unixBind = false,
): void {
  if (!(unixBind && (port.number === 0 || port.number === undefined)))
    checkPort(sink, [...path, "number"], port.number);
  if (present(port.protocol)) checkProtocol(sink, [...path, "protocol"], port.protocol);
  if (present(port.name)) checkIstioPortName(sink, [...path, "name"], port.name);
}

const DEFAULT_ENDPOINT = /^(127\.0\.0\.1|0\.0\.0\.0|\[::1\]|\[::\]):(\d+)$/;

function checkDefaultEndpoint(sink: IssueSink, path: Path, value: unknown): void {
  if (value === undefined || value === null || value === "") return;
  const rule =
    "defaultEndpoint must be 127.0.0.1:PORT, 0.0.0.0:PORT, [::1]:PORT, [::]:PORT or unix://path";
  if (typeof value !== "string") {
    sink.error(path, rule);
    return;
  }
  if (value.startsWith(UNIX_PREFIX)) {
    const problem = unixAddressProblem(value);
    if (problem) sink.error(path, `defaultEndpoint ${q(value)} ${problem}`);
    return;
  }
  const m = DEFAULT_ENDPOINT.exec(value);
  if (!m) sink.error(path, `defaultEndpoint ${q(value)} is not valid; ${rule}`);
  else if (!isPortNumber(Number(m[2])))
    sink.error(path, `defaultEndpoint ${q(value)} has port ${m[2]} out of range 1..65535`);
}
