// AuthorizationPolicy `when` condition keys: the attributes Istio can match on.

import { isIpOrCidr } from "./hosts.js";
import { isPortNumber } from "./ports.js";
import { q, type IssueSink, type Path } from "./shape.js";

const PLAIN_KEYS = new Set([
  "source.ip",
  "remote.ip",
  "source.namespace",
  "source.principal",
  "source.serviceAccount",
  "request.auth.principal",
  "request.auth.audiences",
  "request.auth.presenter",
  "destination.ip",
  "destination.port",
  "connection.sni",
]);
const BRACKET_KEYS = ["request.headers", "request.auth.claims"];

export function conditionKeyProblem(key: string): string | undefined {
  if (PLAIN_KEYS.has(key)) return undefined;
  if (key.startsWith("experimental.envoy.filters.")) return undefined;
  for (const prefix of BRACKET_KEYS) {
    if (!key.startsWith(prefix)) continue;
    if (!/^\[[^\]]+\](\[[^\]]+\])*$/.test(key.slice(prefix.length)))
      return `must name the ${prefix === "request.headers" ? "header" : "claim"} in brackets, e.g. ${prefix}[${prefix === "request.headers" ? "version" : "iss"}]`;
    if (prefix === "request.headers" && key.split("[").length > 2)
      return "names more than one header";
    return undefined;
  }
  return `is not a known condition key (e.g. request.headers[name], source.ip, source.namespace, request.auth.claims[iss], destination.port)`;
}

export function checkConditionKey(sink: IssueSink, at: Path, key: string, values: unknown[]): void {
  const problem = conditionKeyProblem(key);
  if (problem) {
    sink.error([...at, "key"], `condition key ${q(key)} ${problem}`);
    return;
  }
  const bad = (check: (v: string) => boolean) =>
    values.find((v) => typeof v !== "string" || !check(v));
  if (key === "destination.port") {
    const v = bad((s) => /^\d+$/.test(s) && isPortNumber(Number(s)));
    if (v !== undefined)
      sink.error(at, `destination.port value ${q(v)} must be a port number from 1 to 65535`);
  }
  if (key === "source.ip" || key === "remote.ip" || key === "destination.ip") {
    const v = bad(isIpOrCidr);
    if (v !== undefined) sink.error(at, `${key} value ${q(v)} is not an IP address or CIDR`);
  }
}
