// Kubernetes Ingress (networking.k8s.io/v1): rules with hosts, paths with pathType and backends.

import { wildcardHostProblem } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { isIanaServiceName } from "./ports.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";

const PATH_TYPES = ["Exact", "Prefix", "ImplementationSpecific"];

export const ingressRule: KindRule = (doc, report) => {
  const spec = rec(doc.spec) ?? {};
  if (present(spec.defaultBackend))
    checkBackend(report, ["spec", "defaultBackend"], spec.defaultBackend);
  const rules = list(spec.rules);
  if (rules.length === 0 && !present(spec.defaultBackend))
    report.error(["spec", "rules"], "Ingress has no rules and no defaultBackend; add at least one");
  rules.forEach((r, i) => {
    const at = ["spec", "rules", i];
    const rule = rec(r) ?? {};
    const host = rule.host;
    if (typeof host === "string" && host !== "") {
      const problem = host === "*" ? "must not be just '*'" : wildcardHostProblem(host);
      if (problem || (host.includes("*") && !host.startsWith("*.")))
        report.error(
          [...at, "host"],
          `host ${q(host)} ${problem ?? "may only use a wildcard as *.domain"}`,
        );
    }
    const http = rec(rule.http);
    if (!http) return;
    const paths = list(http.paths);
    if (paths.length === 0) report.error([...at, "http", "paths"], "http needs at least one path");
    paths.forEach((p, j) => {
      const pp = [...at, "http", "paths", j];
      const entry = rec(p) ?? {};
      if (!PATH_TYPES.includes(String(entry.pathType)))
        report.error(
          [...pp, "pathType"],
          `pathType ${q(entry.pathType)} must be Exact, Prefix or ImplementationSpecific`,
        );
      const path = entry.path;
      if (
        entry.pathType !== "ImplementationSpecific" &&
        (typeof path !== "string" || !path.startsWith("/"))
      )
        report.error([...pp, "path"], `path ${q(path)} must start with '/'`);
      if (!present(entry.backend))
        report.error([...pp, "backend"], "path needs a backend (service name and port)");
      else checkBackend(report, [...pp, "backend"], entry.backend);
    });
  });
};

function checkBackend(sink: IssueSink, path: Path, backend: unknown): void {
  const b = rec(backend) ?? {};
  const service = rec(b.service);
  if (service && present(b.resource))
    sink.error(path, "backend sets both service and resource; use one");
  if (!service) {
    if (!present(b.resource)) sink.error(path, "backend needs service (name and port) or resource");
    return;
  }
  if (typeof service.name !== "string" || service.name === "")
    sink.error([...path, "service", "name"], "backend service needs a name");
  const port = rec(service.port);
  const number = port?.number;
  const name = port?.name;
  if (present(number) && present(name))
    sink.error([...path, "service", "port"], "backend port sets both number and name; use one");
  else if (present(number)) {
    if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > 65535)
      sink.error(
        [...path, "service", "port", "number"],
        `backend port ${q(number)} is out of range; ports are 1 to 65535`,
      );
  } else if (present(name)) {
    if (typeof name !== "string" || !isIanaServiceName(name))
      sink.error(
        [...path, "service", "port", "name"],
        `backend port name ${q(name)} is not a valid port name`,
      );
  } else sink.error([...path, "service", "port"], "backend service needs a port number or name");
}
