// Protocol selection as Istio does it: a Service port's `appProtocol`, else its name
// (`<protocol>[-<suffix>]`, case-insensitive); a ServiceEntry port's `protocol` field. A port that
// names no known protocol is UNKNOWN (sniffed later), except on a few server-first well-known ports,
// which are TCP because sniffing would break them.

import type { Protocol } from "./types.js";

const BY_NAME: Readonly<Record<string, Protocol>> = {
  tcp: "TCP",
  udp: "UDP",
  grpc: "GRPC",
  "grpc-web": "GRPC-Web",
  http: "HTTP",
  http_proxy: "HTTP_PROXY",
  http2: "HTTP2",
  https: "HTTPS",
  tls: "TLS",
  mongo: "Mongo",
  redis: "Redis",
  mysql: "MySQL",
};

/** Kubernetes' standard appProtocol values (only meaningful as appProtocol, never as a name). */
const KUBERNETES_APP_PROTOCOLS: Readonly<Record<string, Protocol>> = {
  "kubernetes.io/h2c": "HTTP2",
  "kubernetes.io/ws": "HTTP",
  "kubernetes.io/wss": "HTTPS",
};

/** SMTP, DNS, MySQL, MongoDB: the server speaks first, so protocol sniffing must not be used. */
const SERVER_FIRST_PORTS: ReadonlySet<number> = new Set([25, 53, 3306, 27017]);

/** A protocol name exactly (case-insensitive), as in a ServiceEntry or Gateway port's `protocol`. */
export function parseProtocol(name: string | undefined): Protocol {
  if (name === undefined) return "UNKNOWN";
  return BY_NAME[name.toLowerCase()] ?? "UNKNOWN";
}

/** Protocol of a Kubernetes Service port. */
export function kubernetesPortProtocol(port: {
  port: number;
  name?: string;
  protocol?: string;
  appProtocol?: string;
}): Protocol {
  if (port.protocol?.toUpperCase() === "UDP") return "UDP";
  let name = port.name ?? "";
  if (port.appProtocol !== undefined && port.appProtocol !== "") {
    name = port.appProtocol;
    const standard = KUBERNETES_APP_PROTOCOLS[name];
    if (standard) return standard;
  }
  // `grpc-web` contains the separator, so it is checked before the prefix is cut.
  if (name.toLowerCase().startsWith("grpc-web")) return "GRPC-Web";
  const dash = name.indexOf("-");
  const prefix = dash >= 0 ? name.slice(0, dash) : name;
  const protocol = parseProtocol(prefix);
  if (protocol === "UNKNOWN" && SERVER_FIRST_PORTS.has(port.port)) return "TCP";
  return protocol;
}

export function isHttpProtocol(p: Protocol): boolean {
  return p === "HTTP" || p === "HTTP2" || p === "GRPC" || p === "GRPC-Web" || p === "HTTP_PROXY";
}

/** HTTP/2-framed protocols (Envoy must speak HTTP/2 upstream). */
export function isHttp2Protocol(p: Protocol): boolean {
  return p === "HTTP2" || p === "GRPC" || p === "GRPC-Web";
}

/** Protocols carried as opaque TCP by the proxy (TLS and HTTPS are routed by SNI). */
export function isTcpProtocol(p: Protocol): boolean {
  return (
    p === "TCP" || p === "TLS" || p === "HTTPS" || p === "Mongo" || p === "Redis" || p === "MySQL"
  );
}

export function isTlsProtocol(p: Protocol): boolean {
  return p === "TLS" || p === "HTTPS";
}
