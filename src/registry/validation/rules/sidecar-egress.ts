// Sidecar egress listeners: which hosts each listener exposes, on which port or unix socket.

import { checkNamespacedHost, isIpAddress, UNIX_PREFIX, unixAddressProblem } from "./hosts.js";
import { checkIstioPortName, checkPort, checkProtocol } from "./ports.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";

export function checkEgressListeners(sink: IssueSink, egress: unknown[], namespace: string): void {
  const ipPorts = new Set<number>();
  const unixBinds = new Set<string>();
  let catchAll = false;
  egress.forEach((e, i) => {
    const at = ["spec", "egress", i];
    const listener = rec(e) ?? {};
    const port = rec(listener.port);
    const bind = typeof listener.bind === "string" ? listener.bind : "";
    if (!port) {
      if (catchAll) sink.error([...at, "port"], "only one egress listener may go without a port");
      else if (i !== egress.length - 1)
        sink.error(
          [...at, "port"],
          "an egress listener without a port catches all other traffic and must be the last one",
        );
      catchAll = true;
    } else if (port.number === 0 || port.number === undefined) {
      // Port 0: the listener is a unix domain socket named by bind.
      if (!bind.startsWith(UNIX_PREFIX))
        sink.error(
          [...at, "port", "number"],
          "egress port number is missing; only a listener with a unix:// bind may omit it",
        );
      else if (unixBinds.has(bind))
        sink.error([...at, "bind"], `unix socket ${q(bind)} is used by two egress listeners`);
      unixBinds.add(bind);
      checkPortDetails(sink, [...at, "port"], port);
    } else {
      if (checkPort(sink, [...at, "port", "number"], port.number, "egress port")) {
        if (ipPorts.has(port.number as number))
          sink.error(
            [...at, "port", "number"],
            `egress port ${port.number} is used by two listeners; ports must be unique`,
          );
        ipPorts.add(port.number as number);
      }
      checkPortDetails(sink, [...at, "port"], port);
      if (bind !== "" && !isIpAddress(bind))
        sink.error(
          [...at, "bind"],
          `bind ${q(bind)} must be an IP address when a port number is given`,
        );
    }
    if (bind.startsWith(UNIX_PREFIX)) {
      const problem = unixAddressProblem(bind);
      if (problem) sink.error([...at, "bind"], `bind ${q(bind)} ${problem}`);
    }
    checkEgressHosts(sink, at, list(listener.hosts), namespace);
  });
}

/** Protocol and name are optional on Sidecar ports, but must be valid when given. */
export function checkPortDetails(sink: IssueSink, path: Path, port: Record<string, unknown>): void {
  if (present(port.protocol) && port.protocol !== "")
    checkProtocol(sink, [...path, "protocol"], port.protocol);
  if (present(port.name) && port.name !== "")
    checkIstioPortName(sink, [...path, "name"], port.name);
  if (typeof port.targetPort === "number" && port.targetPort > 0)
    sink.error(
      [...path, "targetPort"],
      "targetPort has no effect on a Sidecar listener; remove it",
    );
}

function checkEgressHosts(sink: IssueSink, at: Path, hosts: unknown[], namespace: string): void {
  if (hosts.length === 0) {
    sink.error([...at, "hosts"], 'egress listener needs hosts, e.g. "./*" and "istio-system/*"');
    return;
  }
  // namespace → hosts already listed, to warn about entries another entry already covers.
  const seen = new Map<string, Set<string>>();
  hosts.forEach((h, j) => {
    checkNamespacedHost(sink, [...at, "hosts", j], h, "sidecar");
    if (typeof h !== "string" || !h.includes("/")) return;
    const [rawNs = "", host = ""] = h.split("/", 2);
    const ns = rawNs === "." ? namespace : rawNs;
    const inNs = seen.get(ns) ?? new Set<string>();
    if (inNs.has(host) || inNs.has("*") || (host === "*" && inNs.size > 0))
      sink.warn([...at, "hosts", j], `egress host ${q(h)} repeats or overlaps an earlier entry`);
    inNs.add(host);
    seen.set(ns, inNs);
  });
  if (seen.get("*")?.has("*") && seen.size > 1)
    sink.warn([...at, "hosts"], "*/* already selects every service; the other hosts add nothing");
}
