// Routes are tried top to bottom; Istio warns about rules that can never be reached.

import { isRecord, list, type IssueSink, type Path } from "./shape.js";

/** A stable text form of a value: mapping keys sorted at every level. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

function matchKey(match: unknown): string {
  if (!isRecord(match)) return canonical(match);
  const { name: _name, ...rest } = match;
  return canonical(rest);
}

/** Warns about rules after a catch-all rule, and matches an earlier rule already has. */
export function warnUnreachableRules(sink: IssueSink, path: Path, routes: unknown[]): void {
  let catchAll = -1;
  const seen = new Map<string, number>();
  routes.forEach((route, i) => {
    const matches = isRecord(route) ? list(route.match) : [];
    if (catchAll >= 0) {
      sink.warn(
        [...path, i],
        `rule is never used: rule ${catchAll} before it has no match and takes all remaining traffic`,
      );
      return;
    }
    if (matches.length === 0) {
      catchAll = i;
      return;
    }
    let repeated = 0;
    matches.forEach((m, j) => {
      const key = matchKey(m);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        repeated++;
        sink.warn(
          [...path, i, "match", j],
          `match is never used: rule ${earlier} has the same match`,
        );
      } else seen.set(key, i);
    });
    if (repeated === matches.length && repeated > 1)
      sink.warn([...path, i], "rule is never used: earlier rules have all of its matches");
  });
}
