// Actor restarts in the real `meshpilot serve` (test hooks on: /debug/crash_actor makes an
// actor's thread throw). The coordinator dying loses no stream: the xDS actor keeps its
// connections, and a config change after the restart still reaches them. The ingest actor
// dying loses no stream either: the new one re-reads the directories and counts from 1 again,
// and the coordinator resyncs, so a change after the restart still reaches them. The xDS actor
// dying loses its streams, says so in the log, and proxies reconnect to the restarted one.

import test, { type ExecutionContext } from "ava";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { repoPath } from "../helpers/repo.js";
import { eventually, startServe, type ServeProcess } from "../helpers/serve-process.js";
import { AdsClient } from "../xds/helpers/ads-client.js";

const CDS = TypeUrl.Cluster;

/** A Service named `name` (its YAML), and the outbound cluster it gives every sidecar. */
function service(name: string): { yaml: string; cluster: string } {
  return {
    yaml: `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: default }
spec:
  selector: { app: ${name} }
  ports: [{ name: http, port: 8080 }]
`,
    cluster: `outbound|8080||${name}.default.svc.cluster.local`,
  };
}
const EXTRA = service("extra");

process.env["MESHPILOT_TEST_HOOKS"] = "1";

async function serveBookinfo(t: ExecutionContext): Promise<[ServeProcess, string]> {
  const dir = await mkdtemp(join(tmpdir(), "meshpilot-restart-"));
  await cp(repoPath("examples/bookinfo"), dir, { recursive: true });
  const serve = await startServe(["--config-dir", dir]);
  t.teardown(async () => {
    await serve.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return [serve, dir];
}

/** A client on an ADS stream that asked for clusters; the first response's names (acked). */
async function clusterClient(t: ExecutionContext, serve: ServeProcess) {
  const client = new AdsClient(serve.xds);
  t.teardown(() => client.close());
  client.request(CDS);
  const first = await client.next(CDS);
  client.ack(first);
  return { client, names: first.names(), ended: client.status.then(() => true) };
}

/** Crashes an actor through the test hook; resolves once it was logged, counted and restarted. */
async function crashAndRestart(t: ExecutionContext, serve: ServeProcess, actor: string) {
  t.is((await serve.get(`/debug/crash_actor?actor=${actor}`)).status, 200);
  const re = new RegExp(`"actor":"${actor}".*"msg":"actor restarted"`);
  await eventually(
    async () => (re.test(serve.stderr()) ? true : undefined),
    `${actor} restart`,
    20_000,
  );
  t.regex(serve.stderr(), new RegExp(`"actor":"${actor}".*"msg":"actor crashed; restarting"`));
  const metrics = (await serve.get("/metrics")).body;
  t.true(metrics.includes(`meshpilot_actor_restarts_total{actor="${actor}"} 1`));
}

/** False while the stream is up. */
const hasEnded = (ended: Promise<boolean>) => Promise.race([ended, Promise.resolve(false)]);

test.serial(
  "the coordinator thread dies: the stream stays up, and a change after the restart reaches it",
  async (t) => {
    const [serve, dir] = await serveBookinfo(t);
    const { client, names, ended } = await clusterClient(t, serve);
    t.false(names.includes(EXTRA.cluster));

    await crashAndRestart(t, serve, "coordinator");
    await writeFile(join(dir, "extra-service.yaml"), EXTRA.yaml);
    const next = await client.next(CDS);
    t.true(next.names().includes(EXTRA.cluster), "the change reached the stream it had before");
    t.false(await hasEnded(ended), "the stream never ended");
    const rows = await serve.getJson<Array<{ proxy: string }>>("/debug/syncz");
    t.is(rows.length, 1);
  },
);

interface PushStatusEntry {
  configVersion: number;
  modelVersion: number;
}

test.serial(
  "the ingest thread dies: the stream stays up, the coordinator resyncs, and a change after the restart reaches it",
  async (t) => {
    const [serve, dir] = await serveBookinfo(t);
    const { client, ended } = await clusterClient(t, serve);
    /** Writes a Service's file and waits for its cluster on the stream. */
    const add = async (name: string): Promise<string[]> => {
      const s = service(name);
      await writeFile(join(dir, `${name}.yaml`), s.yaml);
      for (;;) {
        const r = await client.next(CDS);
        client.ack(r);
        if (r.names().includes(s.cluster)) return r.names();
      }
    };
    const lastPush = async () =>
      (await serve.getJson<PushStatusEntry[]>("/debug/push_status")).at(-1);
    // Two changes first, so the old ingest's numbering (3) is ahead of its successor's (1).
    await add("before-a");
    await add("before-b");
    t.like(await lastPush(), { configVersion: 3, modelVersion: 3 });

    await crashAndRestart(t, serve, "ingest");
    const names = await add("after");
    t.true(names.includes(service("before-a").cluster), "what the new ingest re-read is kept");
    t.false(await hasEnded(ended), "the stream never ended");
    // The new ingest re-read the directories as its version 1; the change is its version 2.
    t.like(await lastPush(), { configVersion: 2, modelVersion: 4 });
    t.regex(serve.stderr(), /"configVersion":2,"modelVersion":4,.*"msg":"config pushed"/);
    t.is((await serve.getJson<unknown[]>("/debug/configz")).length, 32 + 3);
  },
);

test.serial(
  "the xDS thread dies: its streams end, the log says so, and a proxy reconnects",
  async (t) => {
    const [serve] = await serveBookinfo(t);
    const { ended } = await clusterClient(t, serve);

    await crashAndRestart(t, serve, "xds");
    t.true(await ended);
    t.regex(serve.stderr(), /"msg":"1 streams lost; proxies will reconnect"/);

    const again = await clusterClient(t, serve);
    t.true(again.names.length > 0);
  },
);
