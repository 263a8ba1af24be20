// What a connection needs from a bidirectional gRPC stream, whichever server carries it:
// @grpc/grpc-js (the default) or the HTTP/2 transport (h2-transport.ts).

import type * as grpc from "@grpc/grpc-js";

export interface XdsCall {
  /** Each decoded request (or an UndecodableRequest), in order. */
  onMessage(listener: (msg: unknown) => void): void;
  /** The client half-closed (`ended`) or the stream went away. */
  onClose(listener: (ended: boolean) => void): void;
  /**
   * Writes one response. `framed`, when given, returns the same message already carrying the
   * 5-byte gRPC prefix (built once and shared by every stream); a transport that can write it
   * as is avoids a copy per stream. `done` runs once the bytes
   * are flushed or the stream is gone. Returns false when the caller should stop writing.
   */
  write(message: Buffer, framed: (() => Buffer) | undefined, done: () => void): boolean;
  getPeer(): string;
  /** Ends the stream with OK. */
  end(): void;
  /** Ends the stream with an error status. */
  fail(code: grpc.status, details: string): void;
}

/** Adapts a grpc-js server duplex stream. */
export class GrpcJsCall implements XdsCall {
  constructor(private readonly call: grpc.ServerDuplexStream<unknown, Buffer>) {}

  onMessage(listener: (msg: unknown) => void): void {
    this.call.on("data", listener);
  }

  onClose(listener: (ended: boolean) => void): void {
    this.call.on("end", () => listener(true));
    this.call.on("error", () => listener(false));
    this.call.on("cancelled", () => listener(false));
    this.call.on("close", () => listener(false));
  }

  write(message: Buffer, _framed: (() => Buffer) | undefined, done: () => void): boolean {
    return this.call.write(message, done);
  }

  getPeer(): string {
    return this.call.getPeer();
  }

  end(): void {
    this.call.end();
  }

  fail(code: grpc.status, details: string): void {
    // grpc-js turns an 'error' with a code into the stream's final status.
    this.call.emit("error", { code, details });
  }
}
