import test from "ava";
import {
  kubernetesPortProtocol,
  parseProtocol,
  type Protocol,
} from "../../src/registry/mesh/index.js";

const byName: [string, Protocol][] = [
  ["http", "HTTP"],
  ["http-web", "HTTP"],
  ["HTTP-Web", "HTTP"],
  ["http2", "HTTP2"],
  ["http2-api", "HTTP2"],
  ["https", "HTTPS"],
  ["https-bookinfo", "HTTPS"],
  ["grpc", "GRPC"],
  ["grpc-web", "GRPC-Web"],
  ["grpc-web-ui", "GRPC-Web"],
  ["GRPC-Web", "GRPC-Web"],
  ["grpc-api", "GRPC"],
  ["tcp", "TCP"],
  ["tcp-db", "TCP"],
  ["tls", "TLS"],
  ["mongo", "Mongo"],
  ["redis-cache", "Redis"],
  ["mysql", "MySQL"],
  ["udp", "UDP"],
  ["http1", "UNKNOWN"],
  ["web", "UNKNOWN"],
  ["", "UNKNOWN"],
  ["httpx-foo", "UNKNOWN"],
];

for (const [name, expected] of byName)
  test(`port name "${name}" → ${expected}`, (t) => {
    t.is(kubernetesPortProtocol({ port: 8080, name, protocol: "TCP" }), expected);
  });

test("appProtocol wins over the port name", (t) => {
  t.is(kubernetesPortProtocol({ port: 80, name: "tcp-x", appProtocol: "http" }), "HTTP");
  t.is(kubernetesPortProtocol({ port: 80, name: "http", appProtocol: "grpc" }), "GRPC");
  t.is(
    kubernetesPortProtocol({ port: 80, name: "http", appProtocol: "kubernetes.io/h2c" }),
    "HTTP2",
  );
  t.is(kubernetesPortProtocol({ port: 80, name: "x", appProtocol: "kubernetes.io/ws" }), "HTTP");
  t.is(kubernetesPortProtocol({ port: 80, name: "x", appProtocol: "kubernetes.io/wss" }), "HTTPS");
  t.is(kubernetesPortProtocol({ port: 80, name: "http", appProtocol: "HTTPS" }), "HTTPS");
  t.is(kubernetesPortProtocol({ port: 80, name: "http", appProtocol: "custom" }), "UNKNOWN");
});

test("UDP by the Kubernetes protocol field, whatever the name", (t) => {
  t.is(kubernetesPortProtocol({ port: 53, name: "http", protocol: "UDP" }), "UDP");
});

test("unnamed server-first well-known ports are TCP, others are detected", (t) => {
  t.is(kubernetesPortProtocol({ port: 3306, name: "" }), "TCP");
  t.is(kubernetesPortProtocol({ port: 27017 }), "TCP");
  t.is(kubernetesPortProtocol({ port: 25, name: "smtp" }), "TCP");
  t.is(kubernetesPortProtocol({ port: 8080 }), "UNKNOWN");
});

test("ServiceEntry protocol field is case-insensitive", (t) => {
  t.is(parseProtocol("http"), "HTTP");
  t.is(parseProtocol("HTTPS"), "HTTPS");
  t.is(parseProtocol("Grpc-Web"), "GRPC-Web");
  t.is(parseProtocol(undefined), "UNKNOWN");
  t.is(parseProtocol("bogus"), "UNKNOWN");
});
