// Route destinations (host, subset, port) and the weights across them, shared by HTTP, TCP and TLS
// routes in a VirtualService.

import { checkHost } from "./hosts.js";
import { isDns1123Label } from "./names.js";
import { checkPort } from "./ports.js";
import { isRecord, list, q, rec, type IssueSink, type Path } from "./shape.js";

/** Checks `{host, subset, port: {number}}`. */
export function checkDestination(
  sink: IssueSink,
  path: Path,
  dest: unknown,
  what = "destination",
): void {
  if (!isRecord(dest)) {
    sink.error(path, `${what} is missing; give at least its host`);
    return;
  }
  if (dest.host === "*")
    sink.error([...path, "host"], `${what} host "*" is not allowed; name one service`);
  else checkHost(sink, [...path, "host"], dest.host, { allowWildcard: true, what: `${what} host` });
  const subset = dest.subset;
  if (
    subset !== undefined &&
    subset !== "" &&
    (typeof subset !== "string" || !isDns1123Label(subset))
  )
    sink.error(
      [...path, "subset"],
      `subset ${q(subset)} must be a DNS-1123 label (lower case letters, digits and '-')`,
    );
  const port = rec(dest.port);
  if (port && port.number !== undefined && port.number !== 0)
    checkPort(sink, [...path, "port", "number"], port.number, `${what} port`);
}

/**
 * Checks a list of weighted destinations. Each weight is a whole number from 0 to 100; with more
 * than one destination the weights must add up to 100 (a single destination takes all traffic).
 */
export function checkWeightedDestinations(
  sink: IssueSink,
  path: Path,
  routes: unknown,
  onEach?: (route: Record<string, unknown>, at: Path) => void,
): void {
  const items = list(routes);
  let total = 0;
  let anySet = false;
  let bad = false;
  items.forEach((r, i) => {
    const at = [...path, i];
    if (!isRecord(r)) {
      sink.error(at, "route destination must be a mapping with a destination");
      bad = true;
      return;
    }
    checkDestination(sink, [...at, "destination"], r.destination);
    if (r.weight !== undefined && r.weight !== null) {
      anySet = true;
      if (
        typeof r.weight !== "number" ||
        !Number.isInteger(r.weight) ||
        r.weight < 0 ||
        r.weight > 100
      ) {
        sink.error([...at, "weight"], `weight ${q(r.weight)} must be a whole number from 0 to 100`);
        bad = true;
      } else total += r.weight;
    }
    onEach?.(r, at);
  });
  if (bad || items.length === 0) return;
  if (items.length > 1 && !anySet) {
    sink.error(
      path,
      `${items.length} destinations have no weights; give each a weight so that they add up to 100`,
    );
    return;
  }
  if (items.length > 1 && total !== 100)
    sink.error(
      path,
      `weights sum to ${total}; when traffic is split across destinations the weights must add up to 100`,
    );
}
