// gRPC bidirectional streaming over node:http2 directly, for the xDS services only.
//
// Why: grpc-js copies every message into a freshly allocated frame (length prefix + body) on
// every write, so a push of the same response to 1000 streams allocates and copies it 1000 times;
// that copy and its garbage were over half of the server's CPU per push (docs/benchmarks.md).
// Here a response shared by many streams is framed once and the same Buffer is written to every
// stream. Only what xDS needs is implemented: POST, application/grpc, uncompressed messages,
// status in trailers; unknown paths get UNIMPLEMENTED.

import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { splitHostPort } from "../monitoring/http-server.js";
import type { XdsCall } from "./transport.js";

const STATUS_UNIMPLEMENTED = 12;
const STATUS_INTERNAL = 13;
const STATUS_RESOURCE_EXHAUSTED = 8;

export interface H2Route {
  decode(message: Buffer): unknown;
  handle(call: XdsCall): void;
}

class H2Call implements XdsCall {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private messageListener: (m: unknown) => void = () => {};
  private closeListener: (ended: boolean) => void = () => {};
  private finished = false;
  private status: { code: number; details: string } = { code: 0, details: "" };

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    private readonly route: H2Route,
    private readonly maxReceiveBytes: number,
  ) {
    stream.on("wantTrailers", () => {
      const t: http2.OutgoingHttpHeaders = { "grpc-status": String(this.status.code) };
      if (this.status.details) t["grpc-message"] = encodeURIComponent(this.status.details);
      stream.sendTrailers(t);
    });
    stream.on("data", (chunk: Buffer) => this.onChunk(chunk));
    stream.on("end", () => this.closeListener(true));
    stream.on("close", () => {
      this.finished = true;
      this.closeListener(false);
    });
    stream.on("error", () => this.closeListener(false));
  }

  private onChunk(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (!this.finished && this.pendingBytes >= 5) {
      const head = this.peek(5);
      const length = head.readUInt32BE(1);
      if (length > this.maxReceiveBytes)
        return this.fail(
          STATUS_RESOURCE_EXHAUSTED,
          `Received message larger than max (${length} vs. ${this.maxReceiveBytes})`,
        );
      if (head[0] !== 0) return this.fail(STATUS_INTERNAL, "compressed messages are not supported");
      if (this.pendingBytes < 5 + length) return;
      const message = this.take(5 + length).subarray(5);
      this.messageListener(this.route.decode(message));
    }
  }

  /** Makes the first pending chunk at least `n` bytes long (pendingBytes >= n) and returns it. */
  private peek(n: number): Buffer {
    const first = this.pending[0] as Buffer;
    if (first.length >= n) return first;
    const all = Buffer.concat(this.pending);
    this.pending = [all];
    return all;
  }

  private take(n: number): Buffer {
    const first = this.peek(n);
    if (first.length > n) this.pending[0] = first.subarray(n);
    else this.pending.shift();
    this.pendingBytes -= n;
    return first.subarray(0, n);
  }

  onMessage(listener: (msg: unknown) => void): void {
    this.messageListener = listener;
  }

  onClose(listener: (ended: boolean) => void): void {
    this.closeListener = listener;
  }

  write(message: Buffer, framed: (() => Buffer) | undefined, done: () => void): boolean {
    if (this.finished || this.stream.destroyed) {
      done();
      return false;
    }
    if (framed) return this.stream.write(framed(), () => done());
    const prefix = Buffer.allocUnsafe(5);
    prefix[0] = 0;
    prefix.writeUInt32BE(message.length, 1);
    this.stream.write(prefix);
    return this.stream.write(message, () => done());
  }

  getPeer(): string {
    const s = this.stream.session?.socket;
    return s ? `${s.remoteAddress}:${s.remotePort}` : "unknown";
  }

  end(): void {
    this.finish(0, "");
  }

  fail(code: number, details: string): void {
    this.finish(code, details);
  }

  private finish(code: number, details: string): void {
    if (this.finished) return;
    this.finished = true;
    this.status = { code, details };
    if (!this.stream.destroyed) this.stream.end();
  }
}

export class H2GrpcServer {
  private readonly server: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  constructor(
    private readonly routes: ReadonlyMap<string, H2Route>,
    private readonly maxReceiveBytes: number,
  ) {
    this.server = http2.createServer();
    this.server.on("session", (s) => {
      this.sessions.add(s);
      s.on("close", () => this.sessions.delete(s));
      s.on("error", () => {});
    });
    this.server.on("stream", (stream, headers) => this.onStream(stream, headers));
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on("error", () => {});
    const contentType = String(headers["content-type"] ?? "");
    if (headers[":method"] !== "POST" || !contentType.startsWith("application/grpc")) {
      stream.respond({ ":status": 415 }, { endStream: true });
      return;
    }
    const route = this.routes.get(String(headers[":path"]));
    if (!route) {
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": String(STATUS_UNIMPLEMENTED),
          "grpc-message": encodeURIComponent(`unknown method ${String(headers[":path"])}`),
        },
        { endStream: true },
      );
      return;
    }
    stream.respond(
      {
        ":status": 200,
        "content-type": "application/grpc+proto",
        "grpc-accept-encoding": "identity",
      },
      { waitForTrailers: true },
    );
    route.handle(new H2Call(stream, route, this.maxReceiveBytes));
  }

  async listen(address: string): Promise<string> {
    const { host, port } = splitHostPort(address);
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    return `${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sessions) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
