// xDS push benchmark (npm run bench): a server process pushes N clusters and N endpoint sets to
// M concurrent streams held by a separate client process, and reports, per push, the time until
// every stream has ACKed, server CPU per push, and server RSS.
//
//   node dist/loadtest/xds-bench.js [--resources 1000] [--streams 100] [--pushes 5]
//                                   [--variant sotw|delta] [--client-procs 1] [--profile DIR]
//                                   [--transport grpc-js|http2] [--shape minimal|istio]

import { fork, type ChildProcess } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}

const N = Number(arg("resources", "1000"));
const M = Number(arg("streams", "100"));
const P = Number(arg("pushes", "5"));
const variant = arg("variant", "sotw");
const shape = arg("shape", "minimal");
const transport = arg("transport", "grpc-js");
const K = Number(arg("client-procs", M >= 500 ? "2" : "1"));
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

type Msg = Record<string, unknown> & { cmd: string };

function next(p: ChildProcess, cmd: string): Promise<Msg> {
  return new Promise((resolve) => {
    const on = (m: Msg) => {
      if (m.cmd !== cmd) return;
      p.off("message", on);
      resolve(m);
    };
    p.on("message", on);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const profileDir = arg("profile", "");
/** Extra node flags for the server process, e.g. --server-flags "--max-semi-space-size=32". */
const serverFlags = arg("server-flags", "").split(" ").filter(Boolean);
const server = fork(here("./xds-bench-server.js"), [String(N), shape, transport], {
  execArgv: [
    "--expose-gc",
    ...serverFlags,
    ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []),
  ],
});
const { address } = (await next(server, "ready")) as unknown as { address: string };
const initial = next(server, "initial-done");
server.send({ cmd: "await-initial", streams: M });
const clients: ChildProcess[] = [];
const t0 = performance.now();
for (let k = 0; k < K; k++) {
  const share = Math.floor(M / K) + (k < M % K ? 1 : 0);
  const offset = k * Math.floor(M / K) + Math.min(k, M % K);
  const c = fork(here("./xds-bench-client.js"), [
    address,
    String(share),
    String(N),
    variant,
    String(offset),
  ]);
  clients.push(c);
}
const init = (await initial) as unknown as { rssMB: number };
const connectMs = performance.now() - t0;

const rows: Array<{
  ms: number;
  cpuMs: number;
  encodeMs: number;
  rssMB: number;
  maxRssMB: number;
  bytesPerStream: number;
}> = [];
for (let p = 1; p <= P; p++) {
  const done = next(server, "pushed");
  server.send({ cmd: "push", version: p });
  rows.push((await done) as unknown as (typeof rows)[number]);
}
const stats = await Promise.all(
  clients.map((c) => {
    const s = next(c, "stats");
    c.send({ cmd: "stats" });
    return s as unknown as Promise<{ cpuMs: number; responses: number }>;
  }),
);
for (const c of clients) c.send({ cmd: "exit" });
const fin = next(server, "final");
server.send({ cmd: "exit" });
const { maxRssMB } = (await fin) as unknown as { maxRssMB: number };

const r = (x: number) => Math.round(x);
console.log(
  `xds-bench variant=${variant} transport=${transport} shape=${shape} resources=${N} streams=${M} pushes=${P} client-procs=${K}` +
    `${serverFlags.length ? ` server-flags="${serverFlags.join(" ")}"` : ""}` +
    `${process.env.GLIBC_TUNABLES ? ` GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES}` : ""}; ` +
    `${cpus().length} cpus (${cpus()[0]?.model ?? "?"}), ${r(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
);
console.log(
  `  connect + initial CDS/EDS to all streams: ${r(connectMs)} ms; server RSS ${r(init.rssMB)} MB`,
);
console.log(`  bytes per stream per push (CDS + EDS responses): ${rows[0]?.bytesPerStream ?? 0}`);
console.log("  push  all-ACKed ms  server CPU ms  encode ms  RSS after MB  max RSS so far MB");
rows.forEach((x, i) =>
  console.log(
    `  ${String(i + 1).padStart(4)}  ${String(r(x.ms)).padStart(12)}  ${String(r(x.cpuMs)).padStart(13)}  ${String(r(x.encodeMs)).padStart(9)}  ${String(r(x.rssMB)).padStart(12)}  ${String(r(x.maxRssMB)).padStart(17)}`,
  ),
);
console.log(
  `  median: all-ACKed ${r(median(rows.map((x) => x.ms)))} ms, server CPU ${r(median(rows.map((x) => x.cpuMs)))} ms/push, ` +
    `encode ${r(median(rows.map((x) => x.encodeMs)))} ms; server max RSS ${r(maxRssMB)} MB; ` +
    `client CPU total ${r(stats.reduce((a, s) => a + s.cpuMs, 0))} ms, responses ${stats.reduce((a, s) => a + s.responses, 0)}`,
);
console.log(
  "JSON " +
    JSON.stringify({
      variant,
      transport,
      shape,
      N,
      M,
      P,
      K,
      connectMs: r(connectMs),
      pushes: rows,
      maxRssMB: r(maxRssMB),
    }),
);
