// End to end, who gets pushed: the real `meshpilot serve` on a copy of the grpc-echo fixture (its
// pods moved to 127.0.79.x so this file can run next to the others), real gRPC backends, and two
// real @grpc/grpc-js-xds clients: one in `default`, which sees echo, and one in `other`, whose
// Sidecar imports only its own namespace. Pushes per proxy and type are read from /debug/syncz
// (`cluster_pushes`, `endpoint_pushes`…); /metrics carries no per-proxy series.

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { eventually, startServe, type ServeProcess } from "../helpers/serve-process.js";
import { startEchoBackend } from "./helpers/echo-backend.js";
import { meshDir } from "./helpers/mesh-dir.js";
import { XdsEchoClient } from "./helpers/xds-client.js";

const OTHER_SIDECAR = `
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: other }
spec:
  egress:
    - hosts: ["./*"]
`;

const EXTRA_SLICE = `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: echo-2
  namespace: default
  labels: { kubernetes.io/service-name: echo }
addressType: IPv4
ports:
  - { name: grpc, port: 7070, protocol: TCP }
endpoints:
  - addresses: ["127.0.79.3"]
    conditions: { ready: false, serving: false, terminating: true }
`;

/** Pushes per xDS type for one proxy (types never pushed left out), from /debug/syncz. */
async function pushesOf(serve: ServeProcess, proxyId: string): Promise<Record<string, number>> {
  const rows = await serve.getJson<Array<Record<string, string>>>("/debug/syncz");
  const row = rows.find((r) => r["proxy"] === proxyId) ?? {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(row))
    if (k.endsWith("_pushes")) out[k.slice(0, -"_pushes".length)] = Number(v);
  return out;
}

/** The value of one series in Prometheus text (0 when absent). */
function series(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : 0;
}

// Once with generation in the coordinator's thread (the default on 2 cores) and once on a compute
// pool of two piscina workers: same pushes, same traffic.
for (const [mode, threads] of [
  ["in thread", "0"],
  ["compute pool", "2"],
] as const)
  test.serial(
    `${mode}: a change pushes only the proxies that can see it, endpoint changes push EDS only, annotations push nothing`,
    async (t) => {
      const dir = await meshDir("all-v1");
      const echoFile = join(dir.dir, "echo.yaml");
      await writeFile(
        echoFile,
        (await readFile(echoFile, "utf8")).replaceAll("127.0.77.", "127.0.79."),
      );
      await writeFile(join(dir.dir, "sidecar-other.yaml"), OTHER_SIDECAR);
      const backends = [
        await startEchoBackend("127.0.79.1:7070", "v1"),
        await startEchoBackend("127.0.79.2:7070", "v2"),
      ];
      const serve = await startServe(["--config-dir", dir.dir], 20_000, {
        ...process.env,
        MESHPILOT_COMPUTE_THREADS: threads,
      });
      t.regex(serve.stderr(), new RegExp(`"computeThreads":${threads}`));
      const seeing = new XdsEchoClient(serve.xds, "echo.default:7070");
      const scoped = new XdsEchoClient(serve.xds, "echo.default.svc.cluster.local:7070", "other");
      t.teardown(async () => {
        seeing.close();
        scoped.close();
        await serve.stop();
        for (const b of backends) b.close();
        await dir.remove();
      });

      await eventually(
        async () => ((await seeing.call()).ok ? true : undefined),
        "first call",
        20_000,
      );
      // The scoped client cannot resolve echo, but its xDS stream is up.
      void scoped.call({}, 2000);
      await eventually(
        async () => {
          const rows = await serve.getJson<Array<{ proxy: string }>>("/debug/syncz");
          return rows.some((r) => r.proxy === scoped.nodeId) ? true : undefined;
        },
        "the scoped client to connect",
        20_000,
      );
      t.deepEqual(await pushesOf(serve, seeing.nodeId), {}, "connecting is no push");

      // A VirtualService edit: the default client is pushed (and its traffic moves), the other not.
      const beforeVs = (await serve.get("/metrics")).body;
      await dir.setVirtualService("all-v1", (text) =>
        text.replace("{ host: echo, subset: v1 }", "{ host: echo, subset: v2 }"),
      );
      await eventually(
        async () => ((await seeing.call()).value === "v2" ? true : undefined),
        "calls to move to v2",
        20_000,
      );
      const all = { cluster: 1, endpoint: 1, listener: 1, route: 1 };
      t.deepEqual(await pushesOf(serve, seeing.nodeId), all);
      t.deepEqual(await pushesOf(serve, scoped.nodeId), {});
      const afterVs = (await serve.get("/metrics")).body;

      // An annotation-only edit of the Service: stored (configz shows it), pushed to nobody.
      await writeFile(
        echoFile,
        (await readFile(echoFile, "utf8")).replace(
          "labels: { app: echo }\nspec:",
          "labels: { app: echo }\n  annotations: { note: touched }\nspec:",
        ),
      );
      await eventually(
        async () => {
          const objects = await serve.getJson<
            Array<{
              kind: string;
              metadata: { name: string; annotations?: Record<string, string> };
            }>
          >("/debug/configz");
          const svc = objects.find((o) => o.kind === "Service" && o.metadata.name === "echo");
          return svc?.metadata.annotations?.note === "touched" ? true : undefined;
        },
        "the annotation to be read",
        20_000,
      );

      // An endpoint-only change: EDS only, to the default client only.
      await writeFile(join(dir.dir, "echo-slice-2.yaml"), EXTRA_SLICE);
      await eventually(
        async () => ((await pushesOf(serve, seeing.nodeId)).endpoint === 2 ? true : undefined),
        "the EDS push",
        20_000,
      );
      t.deepEqual(await pushesOf(serve, seeing.nodeId), { ...all, endpoint: 2 });
      t.deepEqual(await pushesOf(serve, scoped.nodeId), {});
      t.deepEqual(await seeing.tally(20), { v2: 20 });

      const metrics = (await serve.get("/metrics")).body;
      t.regex(metrics, /pilot_push_triggers\{type="config"\} 1/);
      t.regex(metrics, /pilot_push_triggers\{type="endpoint"\} 1/);
      t.regex(metrics, /pilot_proxy_convergence_time_count 2/);
      t.regex(metrics, /^meshpilot_proxy_pushes\{types="cds,eds,lds,rds,sds"\} 1$/m);
      t.regex(metrics, /^meshpilot_proxy_pushes\{types="eds"\} 1$/m);
      t.notRegex(metrics, /proxy="/, "no series per proxy");
      t.regex(metrics, /^pilot_xds 2$/m);
      t.regex(metrics, /^pilot_debounce_time_count 2$/m);
      t.regex(metrics, /^pilot_pushcontext_init_seconds_count 2$/m);
      // The VirtualService edit sent new routes: pushes and response sizes by type moved.
      for (const name of [
        'pilot_xds_pushes{type="rds"}',
        'pilot_xds_config_size_bytes_count{type="rds"}',
        'pilot_xds_send_bytes{type="rds"}',
      ])
        t.true(series(afterVs, name) > series(beforeVs, name), `${name} grew`);
      t.regex(metrics, /# TYPE pilot_total_xds_rejects counter/);
      t.regex(metrics, /# TYPE pilot_xds_expired_nonce counter/);
    },
  );
