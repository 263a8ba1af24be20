// Starts a real XdsServer on loopback with a replaceable snapshot, and makes clients for it.

import {
  XdsServer,
  type RequestEvent,
  type XdsServerOptions,
} from "../../../src/xds/ads-server.js";
import { EMPTY_SNAPSHOT, type ResourceSnapshot } from "../../../src/xds/encoded-resource.js";
import { AdsClient, type ClientOptions } from "./ads-client.js";

export class Harness {
  current: ResourceSnapshot = EMPTY_SNAPSHOT;
  readonly server: XdsServer;
  address = "";
  private readonly clients: AdsClient[] = [];

  constructor(opts: Partial<XdsServerOptions> = {}) {
    // XDS_TRANSPORT=http2 runs the same suite over the node:http2 transport.
    const transport = process.env.XDS_TRANSPORT === "http2" ? "http2" : "grpc-js";
    this.server = new XdsServer({ resolver: () => this.current, transport, ...opts });
  }

  static async start(opts: Partial<XdsServerOptions> = {}): Promise<Harness> {
    const h = new Harness(opts);
    h.address = await h.server.listen("127.0.0.1:0");
    return h;
  }

  client(opts: ClientOptions = {}): AdsClient {
    const c = new AdsClient(this.address, opts);
    this.clients.push(c);
    return c;
  }

  /** Replaces the snapshot for everyone and pushes. */
  set(s: ResourceSnapshot, types?: string[]): void {
    this.current = s;
    this.server.push("all", types);
  }

  /**
   * Resolves when the server has processed a request matching `pred`. Call it before the action
   * that causes the request.
   */
  serverSaw(pred: (e: RequestEvent) => boolean, timeoutMs = 20_000): Promise<RequestEvent> {
    return new Promise((resolve, reject) => {
      const onRequest = (e: RequestEvent): void => {
        if (!pred(e)) return;
        this.server.off("request", onRequest);
        clearTimeout(timer);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.server.off("request", onRequest);
        reject(new Error(`server saw no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.server.on("request", onRequest);
    });
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.close();
    await this.server.close();
  }
}
