// Benchmark server (its own process): an XdsServer serving N clusters and N endpoint sets to
// every stream. On "push" it builds the next version (encode time reported apart), pushes to all
// streams, and reports wall time until every stream has ACKed both types, server CPU and RSS.

import { XdsServer } from "../src/xds/ads-server.js";
import type { XdsConnection } from "../src/xds/connection.js";
import { EncodedResource, MapSnapshot, ResourceSet } from "../src/xds/encoded-resource.js";
import { encodeMessage, jsonToStruct } from "../src/xds/protos.js";
import { TypeUrl } from "../src/xds/type-urls.js";

const N = Number(process.argv[2] ?? 1000);
/** minimal: EDS clusters and one endpoint each (the shape of the reference measurements);
 *  istio: clusters with circuit breakers and istio metadata, two endpoints each. */
const shape = process.argv[3] ?? "minimal";
const transport = process.argv[4] === "http2" ? "http2" : "grpc-js";
const ADS = { ads: {}, resourceApiVersion: 2 };

function build(version: number): MapSnapshot {
  const clusters: EncodedResource[] = [];
  const loads: EncodedResource[] = [];
  for (let i = 0; i < N; i++) {
    const name = `outbound|80||svc-${i}.bench.svc.cluster.local`;
    if (shape === "minimal") {
      clusters.push(
        EncodedResource.fromMessageBytes(
          TypeUrl.Cluster,
          name,
          encodeMessage("envoy.config.cluster.v3.Cluster", {
            name,
            type: 3,
            edsClusterConfig: { edsConfig: ADS },
            connectTimeout: { seconds: 1, nanos: version * 1000 },
          }),
        ),
      );
      loads.push(
        EncodedResource.fromMessageBytes(
          TypeUrl.Endpoint,
          name,
          encodeMessage("envoy.config.endpoint.v3.ClusterLoadAssignment", {
            clusterName: name,
            endpoints: [
              {
                lbEndpoints: [
                  {
                    endpoint: {
                      address: {
                        socketAddress: {
                          address: `10.1.${(i >> 8) & 255}.${i & 255}`,
                          portValue: 8000 + (version % 1000),
                        },
                      },
                    },
                  },
                ],
              },
            ],
          }),
        ),
      );
      continue;
    }
    clusters.push(
      EncodedResource.fromMessageBytes(
        TypeUrl.Cluster,
        name,
        encodeMessage("envoy.config.cluster.v3.Cluster", {
          name,
          type: 3,
          edsClusterConfig: { edsConfig: ADS, serviceName: name },
          connectTimeout: { seconds: 10, nanos: version * 1000 },
          circuitBreakers: {
            thresholds: [
              {
                maxConnections: { value: 4294967295 },
                maxPendingRequests: { value: 4294967295 },
                maxRequests: { value: 4294967295 },
                maxRetries: { value: 4294967295 },
              },
            ],
          },
          metadata: {
            filterMetadata: {
              istio: jsonToStruct({
                services: [
                  {
                    host: `svc-${i}.bench.svc.cluster.local`,
                    name: `svc-${i}`,
                    namespace: "bench",
                  },
                ],
              }),
            },
          },
        }),
      ),
    );
    loads.push(
      EncodedResource.fromMessageBytes(
        TypeUrl.Endpoint,
        name,
        encodeMessage("envoy.config.endpoint.v3.ClusterLoadAssignment", {
          clusterName: name,
          endpoints: [
            {
              locality: { region: "r1", zone: "z1" },
              loadBalancingWeight: { value: 2 },
              lbEndpoints: [1, 2].map((k) => ({
                endpoint: {
                  address: {
                    socketAddress: {
                      address: `10.${k}.${(i >> 8) & 255}.${i & 255}`,
                      portValue: 8000 + (version % 1000),
                    },
                  },
                },
                healthStatus: 1,
                loadBalancingWeight: { value: 1 },
              })),
            },
          ],
        }),
      ),
    );
  }
  return new MapSnapshot([
    new ResourceSet(TypeUrl.Cluster, clusters),
    new ResourceSet(TypeUrl.Endpoint, loads),
  ]);
}

let current = build(0);
const server = new XdsServer({ resolver: () => current, transport });
let expectedStreams = 0;
let target: { cds: string; eds: string } | undefined;
let onAllAcked: (() => void) | undefined;
const done = new Set<XdsConnection>();

function synced(c: XdsConnection): boolean {
  if (!target) return false;
  const cds = c.states.get(TypeUrl.Cluster);
  const eds = c.states.get(TypeUrl.Endpoint);
  return (
    !!cds &&
    !!eds &&
    cds.syncState === "SYNCED" &&
    eds.syncState === "SYNCED" &&
    cds.versionSent === target.cds &&
    eds.versionSent === target.eds
  );
}

server.on("request", ({ connection, outcome }: { connection: XdsConnection; outcome: string }) => {
  if (outcome !== "ack" || !target || done.has(connection) || !synced(connection)) return;
  done.add(connection);
  if (done.size === expectedStreams) onAllAcked?.();
});

function setTarget(s: MapSnapshot): void {
  target = { cds: s.get(TypeUrl.Cluster)!.version, eds: s.get(TypeUrl.Endpoint)!.version };
  done.clear();
}

function waitAll(): Promise<void> {
  return new Promise((resolve) => {
    onAllAcked = resolve;
    for (const c of server.connections()) if (synced(c)) done.add(c);
    if (done.size >= expectedStreams) resolve();
  });
}

process.on("message", async (m: { cmd: string; streams?: number; version?: number }) => {
  if (m.cmd === "await-initial") {
    expectedStreams = m.streams ?? 0;
    setTarget(current);
    const t0 = performance.now();
    await waitAll();
    process.send?.({
      cmd: "initial-done",
      ms: performance.now() - t0,
      rssMB: process.memoryUsage().rss / 2 ** 20,
    });
  } else if (m.cmd === "push") {
    const e0 = performance.now();
    const next = build(m.version ?? 1);
    const encodeMs = performance.now() - e0;
    globalThis.gc?.();
    setTarget(next);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    current = next;
    server.push("all");
    await waitAll();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const bytes =
      (current.get(TypeUrl.Cluster)?.sotwBody().message.length ?? 0) +
      (current.get(TypeUrl.Endpoint)?.sotwBody().message.length ?? 0);
    process.send?.({
      cmd: "pushed",
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      encodeMs,
      rssMB: process.memoryUsage.rss() / 2 ** 20,
      maxRssMB: process.resourceUsage().maxRSS / 1024,
      bytesPerStream: bytes,
      heapMB: process.memoryUsage().heapUsed / 2 ** 20,
    });
  } else if (m.cmd === "exit") {
    process.send?.({ cmd: "final", maxRssMB: process.resourceUsage().maxRSS / 1024 });
    await server.close();
    setTimeout(() => process.exit(0), 50).unref();
  }
});

const address = await server.listen("127.0.0.1:0");
process.send?.({ cmd: "ready", address });
