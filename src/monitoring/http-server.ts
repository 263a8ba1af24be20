// The monitoring address (default 127.0.0.1:15014): /ready, /metrics and /debug/* over plain HTTP.
// Parts of the system register read-only handlers here; the server itself knows no domain.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface DebugRequest {
  readonly path: string;
  readonly query: URLSearchParams;
}

export interface DebugResponse {
  readonly status?: number;
  readonly contentType?: string;
  /** A string or Buffer is sent as is; anything else as pretty JSON. */
  readonly body: unknown;
}

export type DebugHandler = (req: DebugRequest) => DebugResponse | Promise<DebugResponse>;

export class MonitoringServer {
  private readonly routes = new Map<string, { handler: DebugHandler; help: string }>();
  private server?: Server;

  constructor() {
    this.route("/debug", "this list", () => ({ body: this.index() }));
  }

  /** Registers a GET handler for an exact path. */
  route(path: string, help: string, handler: DebugHandler): void {
    if (this.routes.has(path)) throw new Error(`monitoring route ${path} is registered twice`);
    this.routes.set(path, { handler, help });
  }

  async listen(address: string): Promise<string> {
    const { host, port } = splitHostPort(address);
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const a = server.address() as AddressInfo;
    return `${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private index(): Record<string, string> {
    return Object.fromEntries([...this.routes].map(([p, r]) => [p, r.help]).sort());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = this.routes.get(url.pathname.replace(/\/$/, "") || "/");
    if (req.method !== "GET" && req.method !== "HEAD")
      return send(res, 405, "text/plain", "only GET\n");
    if (!route)
      return send(res, 404, "text/plain", `no such endpoint ${url.pathname}; see /debug\n`);
    try {
      const out = await route.handler({ path: url.pathname, query: url.searchParams });
      const raw = typeof out.body === "string" || Buffer.isBuffer(out.body);
      const body = raw ? (out.body as string | Buffer) : JSON.stringify(out.body, null, 2) + "\n";
      send(
        res,
        out.status ?? 200,
        out.contentType ?? (raw ? "text/plain; charset=utf-8" : "application/json"),
        body,
      );
    } catch (e) {
      send(res, 500, "text/plain", `${(e as Error).message}\n`);
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
): void {
  res.writeHead(status, { "content-type": contentType });
  res.end(body);
}

/** `127.0.0.1:15014`, `[::1]:0`, `:15014` → host and port. */
export function splitHostPort(address: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) throw new Error(`address "${address}" is not HOST:PORT`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`address "${address}" has a port out of range`);
  return { host: m[1] ?? (m[2] || "127.0.0.1"), port };
}
