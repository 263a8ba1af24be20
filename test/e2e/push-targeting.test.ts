// End to end, who gets pushed: the real `meshpilot serve` on a copy of the grpc-echo fixture (its
// pods moved to 127.0.79.x so this file can run next to the others), real gRPC backends, and two
// real @grpc/grpc-js-xds clients: one in `default`, which sees echo, and one in `other`, whose
// Sidecar imports only its own namespace. Pushes per proxy are read from /metrics
// (meshpilot_proxy_pushes{proxy,types}).

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

/** Pushes per types label for one proxy, from the Prometheus text. */
async function pushesOf(serve: ServeProcess, proxyId: string): Promise<Record<string, number>> {
  const text = (await serve.get("/metrics")).body;
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const m = /^meshpilot_proxy_pushes\{proxy="([^"]+)",types="([^"]*)"\} (\d+)/.exec(line);
    if (m && m[1] === proxyId) out[m[2]!] = Number(m[3]);
  }
  return out;
}

test.serial(
  "a change pushes only the proxies that can see it, endpoint changes push EDS only, annotations push nothing",
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
    const serve = await startServe(["--config-dir", dir.dir]);
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
    await dir.setVirtualService("all-v1", (text) =>
      text.replace("{ host: echo, subset: v1 }", "{ host: echo, subset: v2 }"),
    );
    await eventually(
      async () => ((await seeing.call()).value === "v2" ? true : undefined),
      "calls to move to v2",
      20_000,
    );
    t.deepEqual(await pushesOf(serve, seeing.nodeId), { "cds,eds,lds,rds,sds": 1 });
    t.deepEqual(await pushesOf(serve, scoped.nodeId), {});

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
      async () => ((await pushesOf(serve, seeing.nodeId)).eds === 1 ? true : undefined),
      "the EDS push",
      20_000,
    );
    t.deepEqual(await pushesOf(serve, seeing.nodeId), { "cds,eds,lds,rds,sds": 1, eds: 1 });
    t.deepEqual(await pushesOf(serve, scoped.nodeId), {});
    t.deepEqual(await seeing.tally(20), { v2: 20 });

    const metrics = (await serve.get("/metrics")).body;
    t.regex(metrics, /pilot_push_triggers\{type="config"\} 1/);
    t.regex(metrics, /pilot_push_triggers\{type="endpoint"\} 1/);
    t.regex(metrics, /pilot_proxy_convergence_time_count 2/);
  },
);
