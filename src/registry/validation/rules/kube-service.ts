// Kubernetes Service: ports (numbers, names, targetPorts) and the few fields Istio reads.
// Only what the API server would also reject, plus what would silently break routing.

import { isIpAddress } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import { isDns1123Subdomain } from "./names.js";
import { checkPort, isIanaServiceName } from "./ports.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";

export const serviceRule: KindRule = (doc, report) => {
  const spec = rec(doc.spec) ?? {};
  const type = typeof spec.type === "string" ? spec.type : "ClusterIP";
  const ports = list(spec.ports);
  const names = new Set<string>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    const at = ["spec", "ports", i];
    const port = rec(p) ?? {};
    checkPort(report, [...at, "port"], port.port, "service port");
    const name = port.name;
    if (typeof name === "string" && name !== "") {
      if (!isIanaServiceName(name))
        report.error(
          [...at, "name"],
          `port name ${q(name)} is not valid; use at most 15 lower case letters, digits and '-', e.g. http or grpc-web`,
        );
      else if (names.has(name))
        report.error(
          [...at, "name"],
          `port name ${q(name)} is used twice; port names must be unique`,
        );
      names.add(name);
    } else if (ports.length > 1) {
      report.error(
        [...at, "name"],
        "port name is required when a Service has more than one port (e.g. http, grpc)",
      );
    }
    const key = `${port.port}/${port.protocol ?? "TCP"}`;
    if (numbers.has(key))
      report.error(
        [...at, "port"],
        `port ${port.port} with protocol ${port.protocol ?? "TCP"} is listed twice`,
      );
    numbers.add(key);
    checkTargetPort(report, [...at, "targetPort"], port.targetPort);
  });
  if (type === "ExternalName") {
    if (
      typeof spec.externalName !== "string" ||
      !isDns1123Subdomain(spec.externalName.replace(/\.$/, ""))
    )
      report.error(
        ["spec", "externalName"],
        "a Service of type ExternalName needs externalName, a DNS name such as api.example.com",
      );
  } else if (ports.length === 0 && spec.clusterIP !== "None") {
    report.error(
      ["spec", "ports"],
      "Service has no ports; add at least one (only headless Services, clusterIP: None, may omit them)",
    );
  }
  const ip = spec.clusterIP;
  if (typeof ip === "string" && ip !== "" && ip !== "None" && !isIpAddress(ip))
    report.error(
      ["spec", "clusterIP"],
      `clusterIP ${q(ip)} must be an IP address, "None" or empty`,
    );
  checkLabels(report, ["spec", "selector"], spec.selector, "selector label");
};

/** targetPort: a number 1..65535 or the name of a container port (IANA service name). */
export function checkTargetPort(sink: IssueSink, path: Path, v: unknown): void {
  if (!present(v)) return;
  if (typeof v === "number") checkPort(sink, path, v, "targetPort");
  else if (typeof v === "string" && /^\d+$/.test(v)) checkPort(sink, path, Number(v), "targetPort");
  else if (typeof v !== "string" || !isIanaServiceName(v))
    sink.error(
      path,
      `targetPort ${q(v)} must be a port number from 1 to 65535 or a container port name`,
    );
}
