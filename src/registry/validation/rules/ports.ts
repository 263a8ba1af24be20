// Port numbers (1..65535), port names (IANA service names for Kubernetes, DNS labels for Istio)
// and the protocol names Istio understands on ports.

import { isDns1123Label } from "./names.js";
import { q, type IssueSink, type Path } from "./shape.js";

export function isPortNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535;
}

/** Checks a port number that must be set; `what` names it in the message. */
export function checkPort(sink: IssueSink, path: Path, v: unknown, what = "port"): boolean {
  if (isPortNumber(v)) return true;
  if (v === undefined || v === null)
    sink.error(path, `${what} is missing; give a number from 1 to 65535`);
  else if (typeof v !== "number")
    sink.error(path, `${what} ${q(v)} is not a number; give a port number from 1 to 65535`);
  else sink.error(path, `${what} ${q(v)} is out of range; ports are 1 to 65535`);
  return false;
}

/** Checks a port number only when it is set (0 counts as unset, as in Istio's protos). */
export function checkOptionalPort(sink: IssueSink, path: Path, v: unknown, what = "port"): void {
  if (v === undefined || v === null || v === 0) return;
  checkPort(sink, path, v, what);
}

/** Kubernetes IANA_SVC_NAME: at most 15 characters, lower case letters, digits and single '-'. */
export function isIanaServiceName(s: string): boolean {
  return (
    s.length >= 1 &&
    s.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) &&
    /[a-z]/.test(s) &&
    !s.includes("--")
  );
}

/** Istio port names (Gateway servers, ServiceEntry ports, Sidecar listeners): DNS-1123 labels. */
export function checkIstioPortName(sink: IssueSink, path: Path, v: unknown): void {
  if (typeof v !== "string" || v === "") {
    sink.error(path, "port name is missing; name the port, e.g. http or https-web");
    return;
  }
  if (!isDns1123Label(v))
    sink.error(
      path,
      `port name ${q(v)} must be a DNS-1123 label (lower case letters, digits and '-')`,
    );
}

/** Protocols Istio accepts on ports (case-insensitive). */
export const PORT_PROTOCOLS = [
  "HTTP",
  "HTTPS",
  "GRPC",
  "GRPC-WEB",
  "HTTP2",
  "MONGO",
  "REDIS",
  "MYSQL",
  "TCP",
  "TLS",
  "UDP",
] as const;

export function protocolOf(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const up = v.toUpperCase();
  return (PORT_PROTOCOLS as readonly string[]).includes(up) ? up : undefined;
}

/** Checks a required port protocol name. */
export function checkProtocol(sink: IssueSink, path: Path, v: unknown): void {
  if (typeof v !== "string" || v === "") {
    sink.error(path, `protocol is missing; use one of ${PORT_PROTOCOLS.join(", ")}`);
    return;
  }
  if (!protocolOf(v))
    sink.error(path, `protocol ${q(v)} is not supported; use one of ${PORT_PROTOCOLS.join(", ")}`);
}
