// Paths in the repository, from compiled tests in dist/test/**.

import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/** The repository root (tests run from dist/test/<area>/, three levels below it). */
export const REPO_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}
