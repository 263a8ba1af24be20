// Actor restarts in the real `meshpilot serve` (test hooks on: /debug/crash_actor makes an
// actor's thread throw). The coordinator dying loses no stream: the xDS actor keeps its
// connections, and a config change after the restart still reaches them. The xDS actor dying
// loses its streams, says so in the log, and proxies reconnect to the restarted one.

import test from "ava";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TypeUrl } from "../../src/xds/type-urls.js";
import { repoPath } from "../helpers/repo.js";
import { eventually, startServe, type ServeProcess } from "../helpers/serve-process.js";
import { AdsClient } from "../xds/helpers/ads-client.js";

const CDS = TypeUrl.Cluster;
const EXTRA_CLUSTER = "outbound|8080||extra.default.svc.cluster.local";
const EXTRA_SERVICE = `
apiVersion: v1
kind: Service
metadata: { name: extra, namespace: default }
spec:
  selector: { app: extra }
  ports: [{ name: http, port: 8080 }]
`;

process.env["MESHPILOT_TEST_HOOKS"] = "1";

async function serveBookinfo(t: {
  teardown(fn: () => unknown): void;
}): Promise<[ServeProcess, string]> {
  const dir = await mkdtemp(join(tmpdir(), "meshpilot-restart-"));
  await cp(repoPath("examples/bookinfo"), dir, { recursive: true });
  const serve = await startServe(["--config-dir", dir]);
  t.teardown(async () => {
    await serve.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return [serve, dir];
}

/** Resolves once the supervisor has logged the actor's restart. */
function restarted(serve: ServeProcess, actor: string): Promise<true> {
  const re = new RegExp(`"actor":"${actor}".*"msg":"actor restarted"`);
  return eventually(
    async () => (re.test(serve.stderr()) ? true : undefined),
    `${actor} restart`,
    20_000,
  );
}

test.serial(
  "the coordinator thread dies: the stream stays up, and a change after the restart reaches it",
  async (t) => {
    const [serve, dir] = await serveBookinfo(t);
    const client = new AdsClient(serve.xds);
    t.teardown(() => client.close());
    client.request(CDS);
    const first = await client.next(CDS);
    t.false(first.names().includes(EXTRA_CLUSTER));
    client.ack(first);
    const streamEnded = client.status.then(() => true);

    t.is((await serve.get("/debug/crash_actor?actor=coordinator")).status, 200);
    await restarted(serve, "coordinator");
    t.regex(serve.stderr(), /"actor":"coordinator".*"msg":"actor crashed; restarting"/);
    t.regex(
      (await serve.get("/metrics")).body,
      /meshpilot_actor_restarts_total\{actor="coordinator"\} 1/,
    );

    await writeFile(join(dir, "extra-service.yaml"), EXTRA_SERVICE);
    const next = await client.next(CDS);
    t.true(next.names().includes(EXTRA_CLUSTER), "the change reached the stream it had before");
    t.false(await Promise.race([streamEnded, Promise.resolve(false)]), "the stream never ended");
    const rows = await serve.getJson<Array<{ proxy: string }>>("/debug/syncz");
    t.is(rows.length, 1);
  },
);

test.serial(
  "the xDS thread dies: its streams end, the log says so, and a proxy reconnects",
  async (t) => {
    const [serve] = await serveBookinfo(t);
    const client = new AdsClient(serve.xds);
    t.teardown(() => client.close());
    client.request(CDS);
    await client.next(CDS);

    t.is((await serve.get("/debug/crash_actor?actor=xds")).status, 200);
    await client.status;
    await restarted(serve, "xds");
    t.regex(serve.stderr(), /"msg":"1 streams lost; proxies will reconnect"/);

    const again = new AdsClient(serve.xds);
    t.teardown(() => again.close());
    again.request(CDS);
    t.true((await again.next(CDS)).names().length > 0);
  },
);
