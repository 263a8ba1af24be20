// Which files under a config directory are config files, and listing them. A config file is a
// `*.yaml`, `*.yml` or `*.json` file (the YAML reader reads JSON too). Anything whose name starts
// with "." below a root is skipped, files and directories alike: editors' swap and temp files
// (`.x.yaml.swp`), version-control folders, Kubernetes ConfigMap volumes' `..data` internals.

import { readdir, realpath, stat } from "node:fs/promises";
import { basename, join, resolve, sep } from "node:path";

const CONFIG_FILE_NAME = /\.(ya?ml|json)$/i;

export function isConfigFileName(path: string): boolean {
  const name = basename(path);
  return !name.startsWith(".") && CONFIG_FILE_NAME.test(name);
}

/** The directories a source reads, absolute, in the order given (duplicates dropped). */
export class ConfigRoots {
  readonly dirs: readonly string[];

  constructor(dirs: readonly string[]) {
    this.dirs = [...new Set(dirs.map((d) => resolve(d)))];
  }

  /** Index of the first root containing `path`, or -1. */
  rootIndexOf(path: string): number {
    return this.dirs.findIndex((r) => path === r || path.startsWith(r + sep));
  }

  /** True for paths below a root with a hidden (dot-named) component. Roots are never hidden. */
  isHidden(path: string): boolean {
    const r = this.dirs[this.rootIndexOf(path)];
    if (r === undefined || path === r) return false;
    return path
      .slice(r.length + 1)
      .split(sep)
      .some((part) => part.startsWith("."));
  }

  /** Deterministic order of files: by root (as given), then by path in plain code-unit order. */
  compareFiles = (a: string, b: string): number => {
    const ra = this.rootIndexOf(a);
    const rb = this.rootIndexOf(b);
    if (ra !== rb) return ra - rb;
    return a < b ? -1 : a > b ? 1 : 0;
  };

  /** Throws a clear error when a root does not exist or is not a directory. */
  async checkExist(): Promise<void> {
    for (const dir of this.dirs) {
      let isDir: boolean;
      try {
        isDir = (await stat(dir)).isDirectory();
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(
          code === "ENOENT"
            ? `config directory ${dir} does not exist`
            : `config directory ${dir} cannot be read: ${code ?? (e as Error).message}`,
        );
      }
      if (!isDir) throw new Error(`config directory ${dir} is not a directory`);
    }
  }
}

/**
 * Every config file under `dir`, recursively, skipping hidden names. A directory that vanishes
 * while being listed yields what was found so far (the watcher reports the removal). Symbolic
 * links are followed; a directory reached twice (a link loop) is listed once.
 */
export async function listConfigFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const pending = [dir];
  const seen = new Set<string>();
  for (let d = pending.pop(); d !== undefined; d = pending.pop()) {
    let entries;
    try {
      const real = await realpath(d);
      if (seen.has(real)) continue;
      seen.add(real);
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = join(d, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const s = await stat(full);
          isDir = s.isDirectory();
          isFile = s.isFile();
        } catch {
          continue; // a dangling link
        }
      }
      if (isDir) pending.push(full);
      else if (isFile && isConfigFileName(full)) out.push(full);
    }
  }
  return out;
}
