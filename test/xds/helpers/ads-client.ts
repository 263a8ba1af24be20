// A test xDS client speaking real gRPC to the server: SotW or delta, ADS or a per-type service.
// It queues decoded responses; tests await them, ACK or NACK them, and use barrier() to prove that
// no response was sent (a debug request always gets an answer, and answers keep stream order).
// Reusable by load tests: no test-framework imports.

import * as grpc from "@grpc/grpc-js";
import {
  encodeMessage,
  jsonToStruct,
  messageType,
  messageTypeForUrl,
} from "../../../src/xds/protos.js";
import { ADS_SERVICE, TypeUrl } from "../../../src/xds/type-urls.js";

export interface NodeSpec {
  id?: string;
  metadata?: Record<string, unknown>;
  locality?: { region?: string; zone?: string; subZone?: string };
}

export const DEFAULT_NODE_ID = "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local";

export interface ReceivedResource {
  readonly name: string;
  readonly version: string;
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

export interface Response {
  readonly typeUrl: string;
  /** version_info (SotW) or system_version_info (delta). */
  readonly versionInfo: string;
  readonly nonce: string;
  readonly resources: readonly ReceivedResource[];
  /** Delta only. */
  readonly removed: readonly string[];
  readonly bytes: number;
  names(): string[];
}

export interface ClientOptions {
  variant?: "sotw" | "delta";
  /** Full method path; defaults to the ADS method of the variant. */
  method?: string;
  node?: NodeSpec | null;
  /** Separate TCP connection per client (true by default). */
  ownConnection?: boolean;
  /** Do not read responses until resume() is called (a slow client). */
  paused?: boolean;
}

interface Waiter {
  match: (r: Response) => boolean;
  resolve: (r: Response) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

function resourceName(typeUrl: string, value: Uint8Array): string {
  const t = messageTypeForUrl(typeUrl);
  if (!t) return "";
  const m = t.decode(value) as { name?: string; clusterName?: string; node?: { id?: string } };
  return m.name || m.clusterName || m.node?.id || "";
}

export class AdsClient {
  readonly variant: "sotw" | "delta";
  private readonly client: grpc.Client;
  private readonly call: grpc.ClientDuplexStream<Uint8Array, Buffer>;
  private readonly queue: Response[] = [];
  private readonly waiters: Waiter[] = [];
  private sentNode = false;
  readonly node: NodeSpec | null;
  /** Resolves with the final status when the stream ends. */
  readonly status: Promise<grpc.StatusObject>;
  /** Every response ever received, in order (debug responses excluded). */
  readonly history: Response[] = [];

  constructor(address: string, opts: ClientOptions = {}) {
    this.variant = opts.variant ?? "sotw";
    this.node = opts.node === null ? null : { ...opts.node };
    const method =
      opts.method ??
      `/${ADS_SERVICE}/${this.variant === "sotw" ? "StreamAggregatedResources" : "DeltaAggregatedResources"}`;
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      ...(opts.ownConnection === false ? {} : { "grpc.use_local_subchannel_pool": 1 }),
      "grpc.max_receive_message_length": -1,
    });
    this.call = this.client.makeBidiStreamRequest(
      method,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
    );
    this.status = new Promise((resolve) => this.call.on("status", resolve));
    this.call.on("error", (e: Error) => {
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error(`stream ended: ${e.message}`));
      }
    });
    this.call.on("data", (b: Buffer) => this.onData(b));
    if (opts.paused) this.call.pause();
  }

  resume(): void {
    this.call.resume();
  }

  private onData(b: Buffer): void {
    const r = this.decode(b);
    const i = this.waiters.findIndex((w) => w.match(r));
    if (!r.typeUrl.startsWith("istio.io/debug")) this.history.push(r);
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      clearTimeout(w!.timer);
      w!.resolve(r);
    } else this.queue.push(r);
  }

  private decode(b: Buffer): Response {
    const base = { bytes: b.length };
    if (this.variant === "sotw") {
      const m = messageType("envoy.service.discovery.v3.DiscoveryResponse").decode(b) as {
        versionInfo: string;
        typeUrl: string;
        nonce: string;
        resources: Array<{ type_url: string; value: Uint8Array }>;
      };
      const resources = m.resources.map((a) => ({
        typeUrl: a.type_url,
        value: a.value,
        version: m.versionInfo,
        name: resourceName(a.type_url, a.value),
      }));
      return {
        ...base,
        typeUrl: m.typeUrl,
        versionInfo: m.versionInfo,
        nonce: m.nonce,
        resources,
        removed: [],
        names: () => resources.map((x) => x.name),
      };
    }
    const m = messageType("envoy.service.discovery.v3.DeltaDiscoveryResponse").decode(b) as {
      systemVersionInfo: string;
      typeUrl: string;
      nonce: string;
      removedResources: string[];
      resources: Array<{
        name: string;
        version: string;
        resource?: { type_url: string; value: Uint8Array };
      }>;
    };
    const resources = m.resources.map((x) => ({
      name: x.name,
      version: x.version,
      typeUrl: x.resource?.type_url ?? "",
      value: x.resource?.value ?? new Uint8Array(),
    }));
    return {
      ...base,
      typeUrl: m.typeUrl,
      versionInfo: m.systemVersionInfo,
      nonce: m.nonce,
      resources,
      removed: m.removedResources,
      names: () => resources.map((x) => x.name),
    };
  }

  private nodeOnce(): object | undefined {
    if (this.sentNode || this.node === null) return undefined;
    this.sentNode = true;
    return {
      id: this.node.id ?? DEFAULT_NODE_ID,
      metadata: jsonToStruct(
        this.node.metadata ?? { NAMESPACE: "default", ISTIO_VERSION: "1.30.0" },
      ),
      locality: this.node.locality ?? {},
    };
  }

  /** Writes raw request bytes (for malformed-input tests). */
  sendRaw(bytes: Uint8Array): void {
    this.call.write(bytes);
  }

  /** SotW DiscoveryRequest. */
  request(
    typeUrl: string,
    resourceNames: string[] = [],
    opts: { versionInfo?: string; nonce?: string; error?: string } = {},
  ): void {
    const node = this.nodeOnce();
    this.call.write(
      encodeMessage("envoy.service.discovery.v3.DiscoveryRequest", {
        ...(node ? { node } : {}),
        typeUrl,
        resourceNames,
        versionInfo: opts.versionInfo ?? "",
        responseNonce: opts.nonce ?? "",
        ...(opts.error !== undefined ? { errorDetail: { code: 3, message: opts.error } } : {}),
      }),
    );
  }

  /** Delta DeltaDiscoveryRequest. */
  deltaRequest(
    typeUrl: string,
    opts: {
      subscribe?: string[];
      unsubscribe?: string[];
      initialVersions?: Record<string, string>;
      nonce?: string;
      error?: string;
    } = {},
  ): void {
    const node = this.nodeOnce();
    this.call.write(
      encodeMessage("envoy.service.discovery.v3.DeltaDiscoveryRequest", {
        ...(node ? { node } : {}),
        typeUrl,
        resourceNamesSubscribe: opts.subscribe ?? [],
        resourceNamesUnsubscribe: opts.unsubscribe ?? [],
        initialResourceVersions: opts.initialVersions ?? {},
        responseNonce: opts.nonce ?? "",
        ...(opts.error !== undefined ? { errorDetail: { code: 3, message: opts.error } } : {}),
      }),
    );
  }

  /** ACKs a response (SotW: with its version and the given names). */
  ack(r: Response, names: string[] = []): void {
    if (this.variant === "sotw")
      this.request(r.typeUrl, names, { versionInfo: r.versionInfo, nonce: r.nonce });
    else this.deltaRequest(r.typeUrl, { nonce: r.nonce });
  }

  /** NACKs a response, reporting `previousVersion` as SotW clients do. */
  nack(r: Response, message: string, names: string[] = [], previousVersion = ""): void {
    if (this.variant === "sotw")
      this.request(r.typeUrl, names, {
        versionInfo: previousVersion,
        nonce: r.nonce,
        error: message,
      });
    else this.deltaRequest(r.typeUrl, { nonce: r.nonce, error: message });
  }

  /** The next unconsumed response (of a type, if given). */
  next(typeUrl?: string, timeoutMs = 20_000): Promise<Response> {
    const match = (r: Response) =>
      typeUrl ? r.typeUrl === typeUrl : !r.typeUrl.startsWith("istio.io/debug");
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const k = this.waiters.findIndex((w) => w.resolve === resolve);
        if (k >= 0) this.waiters.splice(k, 1);
        reject(new Error(`no ${typeUrl ?? "xDS"} response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({ match, resolve, reject, timer });
    });
  }

  /**
   * Asks for istio.io/debug/syncz and waits for its answer; returns (and consumes) every other
   * response that arrived before it — so `[]` proves the server sent nothing.
   */
  async barrier(): Promise<Response[]> {
    if (this.variant === "sotw") this.request(TypeUrl.DebugSyncz, []);
    else this.deltaRequest(TypeUrl.DebugSyncz, {});
    await this.next(TypeUrl.DebugSyncz);
    return this.queue.splice(0).filter((r) => !r.typeUrl.startsWith("istio.io/debug"));
  }

  /** Unconsumed responses. */
  get pending(): readonly Response[] {
    return this.queue;
  }

  close(): void {
    this.call.cancel();
    this.client.close();
  }
}
