// exportTo lists: `.` (this namespace), `*` (every namespace) or namespace names; ServiceEntries
// may also use `~` (visible to no namespace, only to the service's own proxies).

import { isDns1123Label } from "./names.js";
import { list, q, type IssueSink, type Path } from "./shape.js";

export function checkExportTo(
  sink: IssueSink,
  path: Path,
  value: unknown,
  ownNamespace: string,
  allowNone = false,
): void {
  const items = list(value);
  const seen = new Set<string>();
  const forms = allowNone ? "'.', '*', '~' or a namespace name" : "'.', '*' or a namespace name";
  items.forEach((item, i) => {
    const special = item === "." || item === "*" || (allowNone && item === "~");
    if (typeof item !== "string" || (!special && !isDns1123Label(item))) {
      const why = item === "~" ? "'~' (no namespace) is only allowed for ServiceEntry; " : "";
      sink.error(
        [...path, i],
        `exportTo entry ${q(item)} is not valid; ${why}use ${forms} (a DNS-1123 label)`,
      );
      return;
    }
    // `.` and the object's own namespace name are the same entry.
    const key = item === "." ? ownNamespace || "." : item;
    if (seen.has(key)) {
      const same =
        item === "." || item === ownNamespace ? ` ('.' is this namespace, ${ownNamespace})` : "";
      sink.error([...path, i], `exportTo entry ${q(item)} is listed twice${same}`);
    }
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
