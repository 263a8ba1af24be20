// Which listener takes a connection, and what its listener filters detect. Outbound capture goes to
// the listener with useOriginalDst (virtualOutbound), which hands the connection to the listener
// bound to the original destination IP:port, else to one on 0.0.0.0:port (or [::]:port), and keeps
// it otherwise. Inbound capture goes to the listener on 15006. Direct connections go to the
// listener bound to their port (an exact address first, then a wildcard one).

import { isWildcardIp } from "./address.js";
import { anyType, bool, list, num, obj, str, type Msg } from "./plain.js";
import type { ProxyConfig, SimRequest } from "./types.js";

export const NO_LISTENER_IP = "240.240.240.240";
const INBOUND_CAPTURE_PORT = 15006;

function socket(l: Msg): { ip: string; port: number } | undefined {
  const sa = obj(obj(l["address"])?.["socketAddress"]);
  const ip = str(sa?.["address"]);
  const port = num(sa?.["portValue"]);
  return ip === undefined || port === undefined ? undefined : { ip, port };
}

function boundTo(listeners: readonly Msg[], ip: string, port: number): Msg | undefined {
  const onPort = listeners.filter((l) => socket(l)?.port === port);
  return (
    onPort.find((l) => socket(l)?.ip === ip) ?? onPort.find((l) => isWildcardIp(socket(l)!.ip))
  );
}

export function listenerAddress(l: Msg): string {
  const s = socket(l);
  return s ? `${s.ip}:${s.port}` : "(no socket address)";
}

export function selectListener(cfg: ProxyConfig, req: SimRequest): Msg | undefined {
  const ip = req.destinationIp ?? NO_LISTENER_IP;
  const capture = cfg.listeners.find((l) => bool(l["useOriginalDst"]) === true);
  const direction = req.direction ?? (capture ? "outbound" : "direct");
  if (direction === "inbound")
    return (
      cfg.listeners.find((l) => l["name"] === "virtualInbound") ??
      cfg.listeners.find((l) => socket(l)?.port === INBOUND_CAPTURE_PORT)
    );
  if (direction === "outbound" && capture) {
    const others = cfg.listeners.filter((l) => l !== capture);
    return boundTo(others, ip, req.port) ?? capture;
  }
  return boundTo(
    cfg.listeners.filter((l) => bool(l["bindToPort"]) !== false),
    ip,
    req.port,
  );
}

/** What the listener filters learn about a connection before a filter chain is chosen. */
export interface Detected {
  readonly transportProtocol: string;
  readonly serverName?: string;
  readonly applicationProtocols: readonly string[];
}

function isFilter(f: Msg, short: string): boolean {
  const name = str(f["name"]) ?? "";
  return name.endsWith(short) || (anyType(f["typedConfig"]) ?? "").includes(`.${short}.`);
}

/** ListenerFilterChainMatchPredicate: true means the filter is skipped for this connection. */
function predicate(p: Msg | undefined, port: number): boolean {
  if (!p) return false;
  if (bool(p["anyMatch"]) === true) return true;
  const range = obj(p["destinationPortRange"]);
  if (range) return port >= (num(range["start"]) ?? 0) && port < (num(range["end"]) ?? 0);
  const not = obj(p["notMatch"]);
  if (not) return !predicate(not, port);
  const or = obj(p["orMatch"]);
  if (or) return list(or["rules"]).some((r) => predicate(r, port));
  const and = obj(p["andMatch"]);
  if (and) return list(and["rules"]).every((r) => predicate(r, port));
  return false;
}

export function detect(l: Msg, req: SimRequest): Detected {
  const filters = list(l["listenerFilters"]).filter(
    (f) => !predicate(obj(f["filterDisabled"]), req.port),
  );
  const tls = req.protocol === "tls" || req.sni !== undefined || req.tls === true;
  const tlsInspector = filters.some((f) => isFilter(f, "tls_inspector"));
  const httpInspector = filters.some((f) => isFilter(f, "http_inspector"));
  if (tls && tlsInspector)
    return { transportProtocol: "tls", serverName: req.sni, applicationProtocols: req.alpn ?? [] };
  const http = req.protocol === "http" || req.protocol === "grpc";
  const sniffed =
    !tls && http && httpInspector ? [req.protocol === "grpc" ? "h2c" : "http/1.1"] : [];
  return { transportProtocol: "raw_buffer", applicationProtocols: sniffed };
}
