// The xDS gRPC server: AggregatedDiscoveryService (StreamAggregatedResources and
// DeltaAggregatedResources) plus the per-type SotW and delta services, on @grpc/grpc-js.
// It serves whatever a SnapshotResolver gives for each proxy; the caller says when something
// changed with push(). Requests are decoded with the generated static code; responses are
// written as pre-assembled bytes through a pass-through serializer.

import { EventEmitter } from "node:events";
import * as grpc from "@grpc/grpc-js";
import type { ResourceSet, ResourceSnapshot } from "./encoded-resource.js";
import {
  XdsConnection,
  type AnyRequest,
  type ConnectionHost,
  type UndecodableRequest,
  type Variant,
} from "./connection.js";
import { H2GrpcServer } from "./h2-transport.js";
import { GrpcJsCall, type XdsCall } from "./transport.js";
import { buildDebugSet } from "./debug-types.js";
import { decodeDeltaDiscoveryRequest } from "./protos.js";
import { decodeDiscoveryRequestFast } from "./request-decoder.js";
import type { Proxy } from "./proxy-identity.js";
import { ADS_SERVICE, PER_TYPE_SERVICES } from "./type-urls.js";
import { XdsMetrics } from "./metrics.js";
import { WriteBudget } from "./write-budget.js";

/**
 * The snapshot to serve a proxy; undefined while there is none yet (its stream then sends nothing
 * until the next push() names it).
 */
export type SnapshotResolver = (proxy: Proxy) => ResourceSnapshot | undefined;

export interface XdsServerOptions {
  resolver: SnapshotResolver;
  /** Largest request accepted (bytes); larger ones end the stream with RESOURCE_EXHAUSTED. */
  maxReceiveMessageBytes?: number;
  /** Messages a stream may have written but not yet flushed before it stops sending. */
  maxWritesInFlight?: number;
  /**
   * Bytes all streams together may have written but not yet flushed (default 32 MiB). A push to
   * many streams proceeds as fast as sockets drain, instead of holding a framed copy of every
   * response for every stream in memory at once.
   */
  maxBytesInFlight?: number;
  /**
   * A stream whose oldest write has not been flushed for this long (default 5 s) stops counting
   * against maxBytesInFlight, so clients that stop reading cannot hold up everyone else.
   */
  stuckAfterMs?: number;
  now?: () => number;
  /** Reports problems worth a log line (unknown types, rejected streams). */
  log?: (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;
  /** Metrics registry to use; none by default. */
  metrics?: XdsMetrics;
  /**
   * "grpc-js" (default): @grpc/grpc-js. "http2": gRPC streaming on node:http2 directly, which
   * frames a shared response once for all streams instead of copying it per write.
   */
  transport?: "grpc-js" | "http2";
}

export interface RequestEvent {
  readonly connection: XdsConnection;
  readonly typeUrl: string;
  readonly outcome: string;
}

export const DEFAULT_MAX_RECEIVE_BYTES = 4 * 1024 * 1024;

function decoder(decode: (b: Buffer) => AnyRequest) {
  return (buf: Buffer): AnyRequest | UndecodableRequest => {
    try {
      return decode(buf);
    } catch (e) {
      return { decodeError: (e as Error).message };
    }
  };
}

function method(path: string, variant: Variant): grpc.MethodDefinition<unknown, Buffer> {
  return {
    path,
    requestStream: true,
    responseStream: true,
    requestSerialize: () => {
      throw new Error("server only");
    },
    requestDeserialize: decoder(
      variant === "sotw" ? decodeDiscoveryRequestFast : decodeDeltaDiscoveryRequest,
    ),
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  };
}

/**
 * Events: "request" (RequestEvent) after each request is processed; "connect" and
 * "disconnect" (XdsConnection).
 */
export class XdsServer extends EventEmitter implements ConnectionHost {
  private grpcServer?: grpc.Server;
  private h2Server?: H2GrpcServer;
  private readonly byProxy = new Map<string, Set<XdsConnection>>();
  readonly maxWritesInFlight: number;
  private readonly budget: WriteBudget<XdsConnection>;
  private readonly clock: () => number;
  private readonly metrics?: XdsMetrics;

  constructor(private readonly options: XdsServerOptions) {
    super();
    this.maxWritesInFlight = options.maxWritesInFlight ?? 4;
    this.budget = new WriteBudget(
      options.maxBytesInFlight ?? 32 * 1024 * 1024,
      options.stuckAfterMs ?? 5000,
      () => this.now(),
      () => this.connections(),
    );
    this.clock = options.now ?? Date.now;
    this.metrics = options.metrics;
    const maxReceive = options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_BYTES;
    // Every method: path → variant and (per-type services) the one type it serves.
    const methods: Array<{ name: string; path: string; variant: Variant; typeUrl?: string }> = [
      {
        name: "StreamAggregatedResources",
        path: `/${ADS_SERVICE}/StreamAggregatedResources`,
        variant: "sotw",
      },
      {
        name: "DeltaAggregatedResources",
        path: `/${ADS_SERVICE}/DeltaAggregatedResources`,
        variant: "delta",
      },
      ...PER_TYPE_SERVICES.flatMap((s) => [
        {
          name: s.sotw,
          path: `/${s.service}/${s.sotw}`,
          variant: "sotw" as const,
          typeUrl: s.typeUrl,
        },
        {
          name: s.delta,
          path: `/${s.service}/${s.delta}`,
          variant: "delta" as const,
          typeUrl: s.typeUrl,
        },
      ]),
    ];
    const accept = (call: XdsCall, variant: Variant, fixedType?: string): void => {
      new XdsConnection(variant, call, this, fixedType);
    };
    if (options.transport === "http2") {
      this.h2Server = new H2GrpcServer(
        new Map(
          methods.map((m) => [
            m.path,
            {
              decode: decoder(
                m.variant === "sotw" ? decodeDiscoveryRequestFast : decodeDeltaDiscoveryRequest,
              ),
              handle: (call: XdsCall) => accept(call, m.variant, m.typeUrl),
            },
          ]),
        ),
        maxReceive,
      );
    } else {
      const server = new grpc.Server({
        "grpc.max_receive_message_length": maxReceive,
        "grpc.max_send_message_length": -1,
      });
      for (const m of methods) {
        server.addService(
          { [m.name]: method(m.path, m.variant) },
          {
            [m.name]: (call: grpc.ServerDuplexStream<unknown, Buffer>) =>
              accept(new GrpcJsCall(call), m.variant, m.typeUrl),
          },
        );
      }
      this.grpcServer = server;
    }
  }

  /** Binds `HOST:PORT` (port 0 picks one) and returns the bound address. */
  async listen(address: string): Promise<string> {
    if (this.h2Server) return this.h2Server.listen(address);
    const server = this.grpcServer as grpc.Server;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    const host = address.slice(0, address.lastIndexOf(":"));
    return `${host}:${port}`;
  }

  /** Closes every stream and the listener. */
  async close(): Promise<void> {
    this.budget.close();
    for (const c of this.connections()) c.close(grpc.status.UNAVAILABLE, "server shutting down");
    this.grpcServer?.forceShutdown();
    await this.h2Server?.close();
  }

  /**
   * Something changed for these proxies (all when "all"): re-evaluate the given types (all
   * subscribed types by default) and send what differs. Returns the number of streams touched.
   */
  push(proxyIds: Iterable<string> | "all", types?: Iterable<string>): number {
    const typeList = types === undefined ? undefined : [...types];
    let n = 0;
    const targets =
      proxyIds === "all"
        ? this.byProxy.values()
        : [...proxyIds].map((id) => this.byProxy.get(id) ?? new Set<XdsConnection>());
    for (const set of targets) {
      for (const c of set) {
        c.countPushOrder(typeList);
        c.push(typeList);
        n++;
      }
    }
    return n;
  }

  /** Every identified stream. */
  connections(): XdsConnection[] {
    return [...this.byProxy.values()].flatMap((s) => [...s]);
  }

  connectionsOf(proxyId: string): XdsConnection[] {
    return [...(this.byProxy.get(proxyId) ?? [])];
  }

  // ---- ConnectionHost ----

  now(): number {
    return this.clock();
  }

  resolve(proxy: Proxy): ResourceSnapshot | undefined {
    return this.options.resolver(proxy);
  }

  debugSet(typeUrl: string, proxy: Proxy, names: ReadonlySet<string> | undefined): ResourceSet {
    return buildDebugSet(this, typeUrl, proxy, names);
  }

  register(c: XdsConnection): void {
    const id = (c.proxy as Proxy).id;
    let set = this.byProxy.get(id);
    if (!set) this.byProxy.set(id, (set = new Set()));
    set.add(c);
    this.metrics?.connected(1);
    this.emit("connect", c);
  }

  unregister(c: XdsConnection): void {
    const id = (c.proxy as Proxy).id;
    const set = this.byProxy.get(id);
    this.budget.forget(c);
    if (set?.delete(c)) {
      if (set.size === 0) this.byProxy.delete(id);
      this.metrics?.connected(-1);
      this.emit("disconnect", c);
    }
  }

  onRequest(c: XdsConnection, typeUrl: string, outcome: string): void {
    this.metrics?.request(typeUrl, outcome);
    if (outcome === "unknown-type" || outcome.startsWith("rejected"))
      this.options.log?.("warn", `xDS request ${outcome}`, {
        proxy: c.proxy?.id,
        peer: c.peer,
        typeUrl,
      });
    this.emit("request", { connection: c, typeUrl, outcome } satisfies RequestEvent);
  }

  onSend(_c: XdsConnection, typeUrl: string, bytes: number): void {
    this.budget.sent(bytes);
    this.metrics?.sent(typeUrl, bytes);
  }

  mayWrite(c: XdsConnection): boolean {
    return this.budget.mayWrite(c);
  }

  written(bytes: number): void {
    this.budget.written(bytes);
  }

  /**
   * Takes streams whose oldest unflushed write is older than stuckAfterMs out of the write
   * budget, and lets waiting streams go on. Also runs on a timer while streams wait for budget.
   */
  releaseStuckStreams(): number {
    return this.budget.releaseStuck();
  }

  /** Streams waiting for room in the server-wide write budget. */
  get waitingStreams(): number {
    return this.budget.waitingStreams;
  }

  cdsSent(c: XdsConnection): void {
    for (const other of this.connectionsOf((c.proxy as Proxy).id))
      if (other !== c && other.fixedType) other.followCds();
  }

  /** Bytes written by all streams and not yet flushed to their sockets. */
  get pendingBytes(): number {
    return this.budget.pendingBytes;
  }
}
