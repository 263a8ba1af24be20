// The real @grpc/grpc-js-xds client, as a proxyless gRPC workload in Istio runs it: a channel to
// `xds:///HOST:PORT` whose bootstrap names the control plane under test and node metadata
// GENERATOR=grpc. Each channel gets its own bootstrap (and so its own xDS client) through the
// channel option grpc-js-xds reads for that, so tests never share xDS state.

import * as grpc from "@grpc/grpc-js";
import * as grpcXds from "@grpc/grpc-js-xds";
import { ECHO_METHOD } from "./echo-backend.js";

let registered = false;
let clients = 0;

export interface CallResult {
  readonly ok: boolean;
  /** The version that answered, or the status name of the failure. */
  readonly value: string;
  readonly code: grpc.status;
  readonly details: string;
  readonly ms: number;
}

export class XdsEchoClient {
  private readonly client: grpc.Client;
  readonly nodeId: string;

  constructor(xdsAddress: string, target: string, namespace = "default") {
    if (!registered) {
      grpcXds.register();
      registered = true;
    }
    this.nodeId = `sidecar~127.0.0.1~grpc-client-${++clients}-${process.pid}.${namespace}~${namespace}.svc.cluster.local`;
    const bootstrap = {
      xds_servers: [
        {
          server_uri: xdsAddress,
          channel_creds: [{ type: "insecure" }],
          server_features: ["xds_v3"],
        },
      ],
      node: {
        id: this.nodeId,
        locality: {},
        metadata: {
          GENERATOR: "grpc",
          NAMESPACE: namespace,
          ISTIO_VERSION: "1.30.0",
          CLUSTER_ID: "Kubernetes",
        },
      },
    };
    this.client = new grpc.Client(`xds:///${target}`, grpc.credentials.createInsecure(), {
      "grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config": JSON.stringify(bootstrap),
    });
  }

  call(md: Record<string, string> = {}, deadlineMs = 10_000): Promise<CallResult> {
    const metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(md)) metadata.set(k, v);
    const start = performance.now();
    return new Promise((resolve) =>
      this.client.makeUnaryRequest(
        ECHO_METHOD,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from("hi"),
        metadata,
        { deadline: Date.now() + deadlineMs },
        (err, res) => {
          const ms = performance.now() - start;
          if (err)
            resolve({
              ok: false,
              value: grpc.status[err.code],
              code: err.code,
              details: err.details,
              ms,
            });
          else resolve({ ok: true, value: String(res), code: grpc.status.OK, details: "", ms });
        },
      ),
    );
  }

  /** `n` calls, `concurrency` at a time: how many answers of each value (version or status). */
  async tally(
    n: number,
    md: Record<string, string> = {},
    concurrency = 16,
  ): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const r = await this.call(md);
        counts[r.value] = (counts[r.value] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
    return counts;
  }

  close(): void {
    this.client.close();
  }
}
