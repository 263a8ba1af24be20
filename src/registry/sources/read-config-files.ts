// Reads and parses config files for a source: a file is either read (its objects and issues),
// gone (missing, or replaced by a directory: what it defined is deleted), or unreadable (it exists
// but cannot be read or parsed at all: what it defined keeps serving).

import { readFile } from "node:fs/promises";
import type { ValidateOptions } from "../validation/validate-document.js";
import { readYamlText, type YamlTextResult } from "./yaml-text.js";

export type FileRead =
  | { readonly state: "read"; readonly result: YamlTextResult }
  | { readonly state: "gone" }
  | { readonly state: "unreadable"; readonly reason: string };

/**
 * The last parse of each file, by its text: a file read again unchanged (a re-check, a save with
 * no edit) is not parsed again. The same result object comes back.
 */
export type ParseCache = Map<string, { readonly text: string; readonly result: YamlTextResult }>;

/** How many files are read from disk at once. */
const READ_CONCURRENCY = 16;

/**
 * Reads `files` (absolute paths) with bounded concurrency and parses each as it arrives; the
 * answer is in the same order. `display` names a file in sources and issues.
 */
export async function readConfigFiles(
  files: readonly string[],
  display: (file: string) => string,
  opts: ValidateOptions = {},
  cache?: ParseCache,
): Promise<FileRead[]> {
  const out = new Array<FileRead>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i]!;
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (e) {
        cache?.delete(file);
        const code = (e as NodeJS.ErrnoException).code;
        out[i] =
          code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR"
            ? { state: "gone" }
            : { state: "unreadable", reason: `cannot read file: ${code ?? (e as Error).message}` };
        continue;
      }
      const known = cache?.get(file);
      if (known?.text === text) {
        out[i] = { state: "read", result: known.result };
        continue;
      }
      try {
        const result = readYamlText(text, display(file), opts);
        cache?.set(file, { text, result });
        out[i] = { state: "read", result };
      } catch (e) {
        cache?.delete(file);
        // The YAML library throws for a few hostile inputs (e.g. an alias bomb) instead of
        // reporting a document error; one such file must not stop the others.
        out[i] = { state: "unreadable", reason: `cannot parse file: ${(e as Error).message}` };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return out;
}
