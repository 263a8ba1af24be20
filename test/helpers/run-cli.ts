// Runs the real `meshpilot` command (bin/meshpilot.js) in a child process.

import { execFile } from "node:child_process";
import { repoPath, REPO_ROOT } from "./repo.js";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], cwd = REPO_ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [repoPath("bin/meshpilot.js"), ...args],
      { cwd, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
