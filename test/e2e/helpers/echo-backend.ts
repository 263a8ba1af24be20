// A tiny real gRPC service for end-to-end tests: `/echo.Echo/Call` answers with the backend's
// version name. Each backend binds its pod's loopback address. Request metadata steers it:
//   x-fail-first: N   with x-call-key: K   the first N calls with key K fail with UNAVAILABLE;
//   x-delay-ms: D                          the answer comes after D milliseconds.
// `calls` counts calls received (including failed ones) per key.

import * as grpc from "@grpc/grpc-js";

export const ECHO_METHOD = "/echo.Echo/Call";

const passthrough = (b: Buffer) => b;

export interface EchoBackend {
  readonly version: string;
  readonly address: string;
  readonly calls: Map<string, number>;
  close(): void;
}

function first(md: grpc.Metadata, key: string): string | undefined {
  const v = md.get(key)[0];
  return v === undefined ? undefined : String(v);
}

export async function startEchoBackend(address: string, version: string): Promise<EchoBackend> {
  const server = new grpc.Server();
  const calls = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  server.addService(
    {
      Call: {
        path: ECHO_METHOD,
        requestStream: false,
        responseStream: false,
        requestSerialize: passthrough,
        requestDeserialize: passthrough,
        responseSerialize: passthrough,
        responseDeserialize: passthrough,
      },
    },
    {
      Call: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => {
        const key = first(call.metadata, "x-call-key") ?? "";
        const n = (calls.get(key) ?? 0) + 1;
        calls.set(key, n);
        const failFirst = Number(first(call.metadata, "x-fail-first") ?? 0);
        if (n <= failFirst) {
          done({ code: grpc.status.UNAVAILABLE, details: `${version} fails call ${n} of ${key}` });
          return;
        }
        const delay = Number(first(call.metadata, "x-delay-ms") ?? 0);
        if (delay <= 0) return done(null, Buffer.from(version));
        const timer = setTimeout(() => {
          timers.delete(timer);
          done(null, Buffer.from(version));
        }, delay);
        timers.add(timer);
      },
    },
  );
  await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return {
    version,
    address,
    calls,
    close: () => {
      for (const t of timers) clearTimeout(t);
      server.forceShutdown();
    },
  };
}
