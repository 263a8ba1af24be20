// Starts the real `meshpilot serve` in a child process on free ports and talks to its
// monitoring address over real HTTP.

import { spawn, type ChildProcess } from "node:child_process";
import { repoPath, REPO_ROOT } from "./repo.js";

export interface ServeProcess {
  readonly monitoring: string;
  readonly xds: string;
  readonly child: ChildProcess;
  get(path: string): Promise<{ status: number; body: string }>;
  getJson<T = unknown>(path: string): Promise<T>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
  stderr(): string;
}

export function startServe(
  args: readonly string[],
  timeoutMs = 20_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      repoPath("bin/meshpilot.js"),
      "serve",
      "--monitoring-address",
      "127.0.0.1:0",
      "--xds-address",
      "127.0.0.1:0",
      ...args,
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], env },
  );
  let err = "";
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`meshpilot serve did not start in ${timeoutMs} ms:\n${err}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`meshpilot serve exited with ${code}:\n${err}`));
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
      if (started) return;
      const m = /"monitoringAddress":"([^"]+)","xdsAddress":"([^"]+)"/.exec(err);
      if (!m) return;
      started = true;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const monitoring = m[1]!;
      const get = async (path: string) => {
        const res = await fetch(`http://${monitoring}${path}`);
        return { status: res.status, body: await res.text() };
      };
      resolve({
        monitoring,
        xds: m[2]!,
        child,
        get,
        getJson: async <T>(path: string) => JSON.parse((await get(path)).body) as T,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode);
            child.once("exit", (code) => done(code));
            child.kill("SIGTERM");
          }),
        stderr: () => err,
      });
    });
  });
}

/** Re-evaluates `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
