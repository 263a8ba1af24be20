// Benchmark load client (its own process): M xDS streams, each on its own TCP connection, each
// acting like an Envoy — CDS wildcard plus EDS for every cluster, ACK everything. Responses are
// not decoded beyond type_url and nonce and version (a wire walk), so the client stays cheap.

import * as grpc from "@grpc/grpc-js";
import { encodeMessage, jsonToStruct } from "../src/xds/protos.js";
import { ADS_SERVICE, TypeUrl } from "../src/xds/type-urls.js";
import { encodeLenFields, type LenField } from "../src/xds/wire.js";

interface Header {
  versionInfo: string;
  typeUrl: string;
  nonce: string;
}

/** Reads the string fields of a (Delta)DiscoveryResponse, skipping resources. */
function readHeader(b: Buffer, delta: boolean): Header {
  const h: Header = { versionInfo: "", typeUrl: "", nonce: "" };
  let pos = 0;
  const varint = (): number => {
    let n = 0;
    let mul = 1;
    for (;;) {
      const x = b[pos++] ?? 0;
      n += (x & 0x7f) * mul;
      mul *= 128;
      if (x < 0x80) return n;
    }
  };
  while (pos < b.length) {
    const tag = varint();
    const wire = tag & 7;
    const field = tag >>> 3;
    if (wire === 0) {
      varint();
      continue;
    }
    if (wire !== 2) throw new Error(`unexpected wire type ${wire}`);
    const len = varint();
    if (field === 1) h.versionInfo = b.toString("utf8", pos, pos + len);
    else if (field === 4) h.typeUrl = b.toString("utf8", pos, pos + len);
    else if (field === 5) h.nonce = b.toString("utf8", pos, pos + len);
    pos += len;
  }
  void delta;
  return h;
}

function main(): void {
  const [address, streamsArg, resourcesArg, variant, offsetArg] = process.argv.slice(2);
  const streams = Number(streamsArg);
  const resources = Number(resourcesArg);
  const offset = Number(offsetArg ?? 0);
  const delta = variant === "delta";
  const names = Array.from(
    { length: resources },
    (_, i) => `outbound|80||svc-${i}.bench.svc.cluster.local`,
  );
  // SotW: names as repeated field 3; delta: resource_names_subscribe is field 3 too.
  const edsNames = encodeLenFields(names.map((value) => ({ field: 3, value })));
  const method = `/${ADS_SERVICE}/${delta ? "DeltaAggregatedResources" : "StreamAggregatedResources"}`;
  const clients: grpc.Client[] = [];
  let responses = 0;

  for (let i = 0; i < streams; i++) {
    const n = offset + i;
    const node = encodeMessage("envoy.config.core.v3.Node", {
      id: `sidecar~10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}~bench-${n}.bench~bench.svc.cluster.local`,
      metadata: jsonToStruct({ NAMESPACE: "bench", ISTIO_VERSION: "1.30.0", CLUSTER_ID: "bench" }),
      locality: {},
    });
    const client = new grpc.Client(address as string, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1,
      "grpc.max_receive_message_length": -1,
    });
    clients.push(client);
    const call = client.makeBidiStreamRequest(
      method,
      (b: Buffer) => b,
      (b: Buffer) => b,
    );
    const send = (fields: LenField[], withNames: boolean): void => {
      call.write(
        withNames ? Buffer.concat([encodeLenFields(fields), edsNames]) : encodeLenFields(fields),
      );
    };
    /** withNode: first request on the stream; h: the response being ACKed. */
    const request = (typeUrl: string, withNode: boolean, h?: Header): void => {
      // SotW repeats the EDS names in every request; delta subscribes once.
      const withNames = typeUrl === TypeUrl.Endpoint && (!delta || !h);
      const fields: LenField[] = delta
        ? [
            ...(withNode ? [{ field: 1, value: node }] : []),
            { field: 2, value: typeUrl },
            ...(h ? [{ field: 6, value: h.nonce }] : []),
          ]
        : [
            ...(h ? [{ field: 1, value: h.versionInfo }] : []),
            ...(withNode ? [{ field: 2, value: node }] : []),
            { field: 4, value: typeUrl },
            ...(h ? [{ field: 5, value: h.nonce }] : []),
          ];
      send(fields, withNames);
    };
    call.on("data", (b: Buffer) => {
      responses++;
      const h = readHeader(b, delta);
      request(h.typeUrl, false, h);
    });
    call.on("error", (e: Error) => {
      if (!exiting) console.error(`stream ${n}: ${e.message}`);
    });
    request(TypeUrl.Cluster, true);
    request(TypeUrl.Endpoint, false);
  }

  let exiting = false;
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "stats") {
      const cpu = process.cpuUsage();
      process.send?.({
        cmd: "stats",
        cpuMs: (cpu.user + cpu.system) / 1000,
        responses,
        rssMB: process.memoryUsage().rss / 2 ** 20,
      });
    } else if (m.cmd === "exit") {
      exiting = true;
      for (const c of clients) c.close();
      setTimeout(() => process.exit(0), 100).unref();
    }
  });
  process.send?.({ cmd: "started" });
}

main();
