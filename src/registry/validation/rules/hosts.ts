// Host names as Istio accepts them: FQDNs, short names, `*.suffix` wildcards, `*`, and IPs where
// allowed; plus the `namespace/host` forms used by Gateway servers and Sidecar egress.

import { isIP } from "node:net";
import { isDns1123Label } from "./names.js";
import { q, type IssueSink, type Path } from "./shape.js";

// Istio accepts either letter case in host names (DNS compares them case-insensitively).
const HOST_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

export function isIpAddress(s: string): boolean {
  return isIP(s) !== 0;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a plain IP (a /32 or /128). */
export function isIpOrCidr(s: string): boolean {
  const slash = s.indexOf("/");
  if (slash < 0) return isIpAddress(s);
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * Why a DNS name (no wildcard) is not valid, or undefined when it is. A trailing dot is allowed;
 * the last label may not be all digits (that would be an IP, not a name).
 */
export function dnsNameProblem(name: string): string | undefined {
  if (name === "") return "is empty";
  if (name.length > 255) return "is longer than 255 characters";
  const labels = (name.endsWith(".") ? name.slice(0, -1) : name).split(".");
  for (const label of labels) {
    if (label.length > 63) return `has a label "${label}" longer than 63 characters`;
    if (!HOST_LABEL.test(label))
      return `has an invalid label "${label}" (labels are letters, digits and '-', not starting or ending with '-')`;
  }
  const last = labels[labels.length - 1] ?? "";
  if (/^\d+$/.test(last)) return `has an all-numeric top-level label "${last}"`;
  return undefined;
}

/**
 * Why a host that may carry a wildcard is not valid. `*` alone is a wildcard for everything; a
 * wildcard is otherwise allowed only at the start of the first label (`*.example.com`,
 * `*-api.example.com`).
 */
export function wildcardHostProblem(host: string): string | undefined {
  if (host === "*") return undefined;
  if (host === "") return "is empty";
  const dot = host.indexOf(".");
  const first = dot < 0 ? host : host.slice(0, dot);
  const rest = dot < 0 ? "" : host.slice(dot + 1);
  if (rest.includes("*") || first.slice(1).includes("*"))
    return "has '*' in the wrong place; a wildcard may only start the first label, as in *.example.com";
  if (first === "*") {
    if (rest === "") return "is not valid";
    const p = dnsNameProblem(rest);
    return p ? `${p}` : undefined;
  }
  const unstarred = first.startsWith("*") ? `x${first.slice(1)}` : first;
  return dnsNameProblem(rest === "" ? unstarred : `${unstarred}.${rest}`);
}

export interface HostOptions {
  /** IP addresses are accepted as hosts. */
  readonly allowIp?: boolean;
  /** `*` and `*.suffix` are accepted. */
  readonly allowWildcard?: boolean;
  /** Word used in messages, e.g. "host", "destination host". */
  readonly what?: string;
}

/** Checks one host; reports and returns false when it is not valid. */
export function checkHost(
  sink: IssueSink,
  path: Path,
  host: unknown,
  opts: HostOptions = {},
): boolean {
  const what = opts.what ?? "host";
  if (typeof host !== "string" || host === "") {
    sink.error(
      path,
      `${what} is empty; give a service name such as reviews or reviews.default.svc.cluster.local`,
    );
    return false;
  }
  if (opts.allowIp && isIpAddress(host)) return true;
  if (host.includes("*") && !opts.allowWildcard) {
    sink.error(path, `${what} ${q(host)} may not contain a wildcard '*'`);
    return false;
  }
  const problem = wildcardHostProblem(host);
  if (problem) {
    sink.error(path, `${what} ${q(host)} ${problem}`);
    return false;
  }
  return true;
}

/**
 * Checks a `namespace/host` entry: Gateway server hosts (namespace optional, `.` or `*` or a
 * namespace name) or Sidecar egress hosts (namespace required; also `~` for "no namespace").
 */
export function checkNamespacedHost(
  sink: IssueSink,
  path: Path,
  value: unknown,
  form: "gateway" | "sidecar",
): void {
  if (typeof value !== "string" || value === "") {
    sink.error(path, "host is empty");
    return;
  }
  const parts = value.split("/");
  if (parts.length > 2 || (form === "sidecar" && parts.length !== 2)) {
    sink.error(
      path,
      form === "sidecar"
        ? `egress host ${q(value)} must have the form namespace/dnsName, e.g. ./* or istio-system/*`
        : `host ${q(value)} must be a host or namespace/host, with at most one '/'`,
    );
    return;
  }
  const host = parts.length === 2 ? (parts[1] ?? "") : (parts[0] ?? "");
  if (parts.length === 2) {
    const ns = parts[0] ?? "";
    const special = form === "sidecar" ? [".", "*", "~"] : [".", "*"];
    if (ns === "") {
      sink.error(
        path,
        `host ${q(value)} has an empty namespace; use . for this namespace or * for all`,
      );
      return;
    }
    if (!special.includes(ns) && !isDns1123Label(ns)) {
      sink.error(
        path,
        `namespace ${q(ns)} in host ${q(value)} must be ${special.map((s) => `'${s}'`).join(", ")} or a namespace name`,
      );
      return;
    }
  }
  if (host === "") {
    sink.error(path, `host ${q(value)} has an empty namespace or host part`);
    return;
  }
  if (form === "gateway" && isIpAddress(host)) return;
  if (host !== "*" && !host.includes(".")) {
    sink.error(
      path,
      `host ${q(host)} in ${q(value)} is a short name; use a fully qualified name such as ${host}.default.svc.cluster.local, or *`,
    );
    return;
  }
  const problem = wildcardHostProblem(host);
  if (problem) sink.error(path, `host ${q(host)} in ${q(value)} ${problem}`);
}

export const UNIX_PREFIX = "unix://";

/** Why a `unix://` address is not a usable socket path (absolute, or `@abstract`), or undefined. */
export function unixAddressProblem(address: string): string | undefined {
  const path = address.slice(UNIX_PREFIX.length);
  if (path === "") return "has no socket path after unix://";
  if (path.startsWith("@")) return undefined;
  if (!path.startsWith("/") || path.endsWith("/"))
    return "must name an absolute socket file path, e.g. unix:///var/run/app.sock";
  return undefined;
}
