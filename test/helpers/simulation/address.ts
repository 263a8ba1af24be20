// IP addresses and Envoy CidrRange ({addressPrefix, prefixLen}) matching.

import { BlockList, isIP } from "node:net";
import { num, str, type Msg } from "./plain.js";

export interface Cidr {
  readonly prefix: string;
  readonly len: number;
}

export function cidrOf(range: Msg): Cidr | undefined {
  const prefix = str(range["addressPrefix"]);
  if (!prefix || isIP(prefix) === 0) return undefined;
  return { prefix, len: num(range["prefixLen"]) ?? 0 };
}

export function inCidr(ip: string, c: Cidr): boolean {
  const family = isIP(ip);
  const cFamily = isIP(c.prefix);
  if (family === 0 || family !== cFamily) return false;
  const type = family === 4 ? "ipv4" : "ipv6";
  const b = new BlockList();
  b.addSubnet(c.prefix, c.len, type);
  return b.check(ip, type);
}

export function isWildcardIp(ip: string): boolean {
  return ip === "0.0.0.0" || ip === "::";
}

export function isLoopback(ip: string): boolean {
  return ip.startsWith("127.") || ip === "::1";
}
