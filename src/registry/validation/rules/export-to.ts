// exportTo lists: `.` (this namespace), `*` (every namespace), `~` (no namespace) or namespace names.

import { isDns1123Label } from "./names.js";
import { list, q, type IssueSink, type Path } from "./shape.js";

export function checkExportTo(
  sink: IssueSink,
  path: Path,
  value: unknown,
  ownNamespace: string,
): void {
  const items = list(value);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (
      typeof item !== "string" ||
      (item !== "." && item !== "*" && item !== "~" && !isDns1123Label(item))
    ) {
      sink.error(
        [...path, i],
        `exportTo entry ${q(item)} must be '.', '*', '~' or a namespace name (a DNS-1123 label)`,
      );
      return;
    }
    const key = item === ownNamespace ? "." : item;
    if (seen.has(key)) sink.error([...path, i], `exportTo entry ${q(item)} is listed twice`);
    seen.add(key);
  });
  if (items.length > 1) {
    if (seen.has("*"))
      sink.error(
        path,
        "exportTo '*' already means every namespace; it cannot be combined with other entries",
      );
    else if (seen.has("~"))
      sink.error(path, "exportTo '~' means no namespace; it cannot be combined with other entries");
  }
}
