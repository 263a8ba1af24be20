// Names in a VirtualService's `gateways` list: `mesh`, `name` or `namespace/name`.

import { isDns1123Label, isDns1123Subdomain } from "./names.js";
import { list, q, type IssueSink, type Path } from "./shape.js";

export function gatewayNameProblem(gw: unknown): string | undefined {
  if (typeof gw !== "string" || gw === "") return "is empty";
  if (gw === "mesh") return undefined;
  const parts = gw.split("/");
  if (parts.length > 2) return "has more than one '/'; use name or namespace/name";
  if (parts.length === 2) {
    if (!isDns1123Label(parts[0] ?? "")) return `has an invalid namespace ${q(parts[0])}`;
    if (!isDns1123Label(parts[1] ?? ""))
      return `has an invalid name ${q(parts[1])} (after namespace/ the name is a DNS-1123 label, without dots)`;
    return undefined;
  }
  return isDns1123Subdomain(gw)
    ? undefined
    : "is not a valid Gateway name (lower case letters, digits, '-' and '.')";
}

export function checkGatewayNames(sink: IssueSink, path: Path, gateways: unknown): void {
  list(gateways).forEach((gw, i) => {
    if (typeof gw === "string" && !gw.includes("/") && gw.includes(".")) {
      const [name, ns] = gw.split(".");
      sink.warn(
        [...path, i],
        `gateway ${q(gw)} uses the legacy name.namespace form; prefer ${ns}/${name}`,
      );
    }
    const problem = gatewayNameProblem(gw);
    if (problem) sink.error([...path, i], `gateway ${q(gw)} ${problem}`);
  });
}
