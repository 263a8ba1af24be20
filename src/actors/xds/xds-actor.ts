// The xDS actor: the XdsServer (src/xds/) in its own thread. It holds the streams and serves each
// proxy the snapshot of its view that the coordinator last sent (a proxy whose view has none yet
// gets nothing until it arrives), pushes on the coordinator's orders, reports streams connecting
// and ending, and answers /debug/syncz and /debug/config_dump. If the coordinator restarts,
// streams and snapshots stay; if this actor dies, its streams are lost and proxies reconnect.

import { XdsServer } from "../../xds/ads-server.js";
import type { XdsConnection } from "../../xds/connection.js";
import { configDumpJson } from "../../xds/debug-routes.js";
import { XdsMetrics } from "../../xds/metrics.js";
import type { Proxy } from "../../xds/proxy-identity.js";
import { syncz } from "../../xds/sync-status.js";
import type { ConnectedProxies, ProxyConnected, StartInfo, XdsActorMessage } from "../messages.js";
import type { Actor, ActorContext } from "../runtime/actor-host.js";
import { ViewSnapshots } from "./view-snapshots.js";

export interface XdsActorOptions {
  readonly transport: "grpc-js" | "http2";
  /** HOST:PORT to listen on (after the first start: the address bound then). */
  readonly address: string;
}

export function createActor(ctx: ActorContext): Actor {
  return new XdsActor(ctx);
}

class XdsActor implements Actor {
  private readonly views = new ViewSnapshots();
  private readonly server: XdsServer;
  private readonly log;

  constructor(private readonly ctx: ActorContext) {
    const { transport } = ctx.options as XdsActorOptions;
    const log = (this.log = ctx.log.child({ component: "xds" }));
    this.server = new XdsServer({
      transport,
      metrics: new XdsMetrics(ctx.registry),
      resolver: (proxy) => this.views.resolve(proxy),
      log: (level, msg, fields) => log[level]({ ...fields }, msg),
    });
    this.server.on("connect", (c: XdsConnection) => {
      this.views.connected(c);
      ctx.peer("coordinator")?.send({
        type: "proxy-connected",
        connectionId: c.id,
        proxy: c.proxy as Proxy,
      } satisfies ProxyConnected);
    });
    this.server.on("disconnect", (c: XdsConnection) => {
      this.views.disconnected(c);
      ctx.peer("coordinator")?.send({ type: "proxy-disconnected", connectionId: c.id });
    });
  }

  async start(): Promise<StartInfo> {
    const { address } = this.ctx.options as XdsActorOptions;
    return { xdsAddress: await this.server.listen(address) };
  }

  handle(m: XdsActorMessage): unknown {
    switch (m.type) {
      case "snapshot-update":
        for (const c of this.views.apply(m)) c.push();
        return null;
      case "push-order":
        this.server.push(m.proxyIds, m.types);
        return null;
      case "snapshot-batch":
        for (const each of m.messages)
          try {
            this.handle(each);
          } catch (err) {
            this.log.error({ err }, "a snapshot update could not be applied");
          }
        return null;
      case "connected-proxies":
        return {
          connections: this.server
            .connections()
            .map((c) => ({ connectionId: c.id, proxy: c.proxy as Proxy })),
        } satisfies ConnectedProxies;
      case "syncz":
        return syncz(this.server);
      case "config-dump":
        return configDumpJson(this.server, m.proxyId) ?? null;
    }
  }

  async stop(): Promise<void> {
    await this.server.close();
  }
}
