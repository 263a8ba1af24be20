// Fleet benchmark: the real `meshpilot serve` as a child process. Its CPU and RSS come from
// /proc/<pid>/stat|status; pushes and event-loop lag from its /metrics. Every scrape of /metrics
// goes through scrape(), because serve's lag gauges cover the time since the previous scrape
// (meshpilot_event_loop_lag_seconds{thread,quantile}): a lag window collects every scrape made
// while it is open (and scrapes every 500 ms on its own), per thread the worst p99 and max seen.

import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Per thread: the worst window p99 and the max lag seen (ms); undefined when serve has none. */
export type LagFigures = Record<string, { p99: number; max: number }> | undefined;

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const LAG = /^meshpilot_event_loop_lag_seconds\{([^}]*)\} ([0-9.eE+-]+)$/gm;

export class ServeProcess {
  readonly proc: ChildProcess;
  xdsAddress = "";
  monitoringAddress = "";
  /** "config pushed" log lines: model versions pushed to the fleet. */
  versionsPushed = 0;
  maxRssMB = 0;
  private stderrTail: string[] = [];
  private readonly ticks = 100; // CLK_TCK on Linux
  private lag: Map<string, { p99: number; max: number }> | undefined;
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(meshDir: string, transport: string, env: NodeJS.ProcessEnv = process.env) {
    const args = ["serve", "--config-dir", meshDir, "--xds-address", "127.0.0.1:0"];
    args.push("--monitoring-address", "127.0.0.1:0", "--xds-transport", transport);
    args.push("--log-level", "info");
    // FLEET_SERVE_NODE_ARGS: node flags for serve only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p"
    // (every thread writes its own profile).
    // FLEET_SERVE_STDOUT: a file for serve's stdout (what node flags such as --trace-gc print).
    const nodeArgs = (env.FLEET_SERVE_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const stdout = env.FLEET_SERVE_STDOUT ? openSync(env.FLEET_SERVE_STDOUT, "w") : "ignore";
    this.proc = spawn(process.execPath, [...nodeArgs, here("../../bin/meshpilot.js"), ...args], {
      stdio: ["ignore", stdout, "pipe"],
      env,
    });
  }

  ready(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let buf = "";
      const timer = setTimeout(
        () => reject(new Error(`meshpilot serve not ready in ${timeoutMs} ms: ${this.tail()}`)),
        timeoutMs,
      );
      this.proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`meshpilot serve exited (${code}): ${this.tail()}`));
      });
      this.proc.stderr!.setEncoding("utf8");
      this.proc.stderr!.on("data", (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          this.stderrTail.push(line);
          if (this.stderrTail.length > 20) this.stderrTail.shift();
          if (line.includes('"config pushed"')) this.versionsPushed++;
          else if (line.includes('"meshpilot serving"')) {
            const j = JSON.parse(line) as { xdsAddress: string; monitoringAddress: string };
            this.xdsAddress = j.xdsAddress;
            this.monitoringAddress = j.monitoringAddress;
            clearTimeout(timer);
            resolve();
          }
        }
      });
    });
  }

  tail(): string {
    return this.stderrTail.slice(-5).join("\n");
  }

  cpuS(): number {
    const stat = readFileSync(`/proc/${this.proc.pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14 and 15 (utime, stime); f[0] is field 3.
    return (Number(f[11]) + Number(f[12])) / this.ticks;
  }

  rssMB(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, "utf8"));
    const mb = m ? Number(m[1]) / 1024 : NaN;
    this.maxRssMB = Math.max(this.maxRssMB, mb);
    return mb;
  }

  /** pilot_xds_pushes summed over types. */
  async pushes(): Promise<number> {
    const text = await this.scrape();
    let sum = 0;
    for (const m of text.matchAll(/^pilot_xds_pushes\{[^}]*\} (\d+(?:\.\d+)?)/gm))
      sum += Number(m[1]);
    return sum;
  }

  /** Opens a lag window (closing any open one). */
  startLag(): void {
    this.lag = new Map();
    clearInterval(this.lagTimer);
    this.lagTimer = setInterval(() => void this.scrape().catch(() => undefined), 500);
  }

  /** Closes the lag window: per thread the worst p99 and max (ms), or undefined without data. */
  async stopLag(): Promise<LagFigures> {
    await this.scrape().catch(() => undefined);
    clearInterval(this.lagTimer);
    this.lagTimer = undefined;
    const lag = this.lag;
    this.lag = undefined;
    return lag && lag.size > 0 ? Object.fromEntries([...lag].sort()) : undefined;
  }

  private async scrape(): Promise<string> {
    const text = await (await fetch(`http://${this.monitoringAddress}/metrics`)).text();
    if (this.lag) {
      for (const [, labels, value] of text.matchAll(LAG)) {
        const thread = /thread="([^"]*)"/.exec(labels!)?.[1] ?? "?";
        const q = /quantile="([^"]*)"/.exec(labels!)?.[1];
        const ms = Number(value) * 1000;
        const t = this.lag.get(thread) ?? { p99: 0, max: 0 };
        if (q === "0.99") t.p99 = Math.max(t.p99, ms);
        else if (q === "1") t.max = Math.max(t.max, ms);
        this.lag.set(thread, t);
      }
    }
    return text;
  }

  async stop(): Promise<void> {
    clearInterval(this.lagTimer);
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  }
}
