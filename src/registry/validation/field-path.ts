// Field paths in the dotted form users read: `spec.http[0].route[1].weight`.

export type PathPart = string | number;

export function formatPath(parts: readonly PathPart[]): string {
  let out = "";
  for (const p of parts) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? p : `.${p}`;
  }
  return out;
}

/** Converts a JSON-pointer instance path (`/spec/http/0/weight`) to dotted form. */
export function fromJsonPointer(pointer: string): string {
  if (pointer === "") return "";
  const parts = pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  return formatPath(parts);
}
