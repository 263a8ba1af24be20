// Sidecar: egress listeners (namespace/host lists), ingress listeners and the outbound policy.

import { checkDestination } from "./destination.js";
import { UNIX_PREFIX, unixAddressProblem } from "./hosts.js";
import { checkEgressListeners, checkPortDetails } from "./sidecar-egress.js";
import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import { checkPort, isPortNumber } from "./ports.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";

export const sidecarRule: KindRule = (doc, report, ctx) => {
  const spec = rec(doc.spec) ?? {};
  const selector = rec(spec.workloadSelector);
  if (selector && Object.keys(rec(selector.labels) ?? {}).length === 0)
    report.warn(
      ["spec", "workloadSelector"],
      "workloadSelector has no labels, so this Sidecar applies to every workload in the namespace",
    );
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

  checkEgressListeners(report, egress, ctx.namespace);

  const ingressPorts = new Set<number>();
  ingress.forEach((l, i) => {
    const at = ["spec", "ingress", i];
    const listener = rec(l) ?? {};
    const port = rec(listener.port);
    if (!port)
      report.error([...at, "port"], "ingress listener needs a port with number, protocol and name");
    else {
      checkPort(report, [...at, "port", "number"], port.number, "ingress port");
      checkPortDetails(report, [...at, "port"], port);
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
