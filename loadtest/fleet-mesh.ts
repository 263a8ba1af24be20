// Fleet benchmark, part 1: the mesh generator (Workload A of the push-pipeline issue).
//
// Writes a config directory for `meshpilot serve --config-dir`: S services spread over NS
// namespaces (ns-000 …), E endpoints in total as EndpointSlices (loopback addresses 127.x.y.z),
// a DestinationRule per service, a VirtualService for the first service of each namespace, and a
// Sidecar per namespace importing `./*` and `istio-system/*`, so a proxy's scope is its own
// namespace plus istio-system: ~NS distinct scopes. istio-system holds the mesh config and a few
// "shared" services every proxy sees (and the DestinationRule the churn changes for everyone).
//
// Each EndpointSlice is its own file (`<ns>/<svc>-slice.yaml`), so one endpoint change is one
// file rewrite, and the other objects of the service are untouched.

import { mkdirSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";

export interface MeshSpec {
  services: number;
  endpoints: number;
  namespaces: number;
  /** Services in istio-system, visible to every proxy. */
  sharedServices: number;
}

export const WORKLOAD_A: MeshSpec = {
  services: 1000,
  endpoints: 10_000,
  namespaces: 200,
  sharedServices: 2,
};

export interface ServiceInfo {
  name: string;
  namespace: string;
  host: string;
  port: number;
  /** Endpoint addresses currently written. */
  addresses: string[];
  sliceFile: string;
}

export interface Mesh {
  dir: string;
  spec: MeshSpec;
  namespaces: string[];
  /** Application services (not the shared ones), in order. */
  services: ServiceInfo[];
  shared: ServiceInfo[];
  /** The DestinationRule every proxy sees (istio-system, for shared-0). */
  globalDrFile: string;
}

const PORT = 8080;

export function nsName(i: number): string {
  return `ns-${String(i).padStart(3, "0")}`;
}

/** Loopback address number n (n ≥ 0), never x.y.0 or x.y.255. */
export function loopback(n: number): string {
  const a = Math.floor(n / 254);
  return `127.${1 + ((a >> 8) & 255)}.${a & 255}.${1 + (n % 254)}`;
}

/** Writes via a temporary file and rename, so the watcher never reads half a file. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function serviceYaml(s: ServiceInfo, clusterIp: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${s.name}
  namespace: ${s.namespace}
  labels: { app: ${s.name} }
spec:
  clusterIP: ${clusterIp}
  selector: { app: ${s.name} }
  ports:
    - { name: http, port: ${s.port}, targetPort: ${s.port}, protocol: TCP }
`;
}

export function sliceYaml(s: ServiceInfo): string {
  const eps = s.addresses
    .map(
      (a) => `  - addresses: ["${a}"]
    conditions: { ready: true, serving: true, terminating: false }`,
    )
    .join("\n");
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${s.name}-1
  namespace: ${s.namespace}
  labels:
    kubernetes.io/service-name: ${s.name}
    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io
addressType: IPv4
ports:
  - { name: http, port: ${s.port}, protocol: TCP }
endpoints:
${eps.length > 0 ? eps : "  []"}
`;
}

export function destinationRuleYaml(s: ServiceInfo, maxConnections: number): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${s.name}
  namespace: ${s.namespace}
spec:
  host: ${s.host}
  trafficPolicy:
    connectionPool:
      tcp: { maxConnections: ${maxConnections} }
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
`;
}

function virtualServiceYaml(s: ServiceInfo): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${s.name}
  namespace: ${s.namespace}
spec:
  hosts: [${s.host}]
  http:
    - match:
        - headers:
            x-canary: { exact: "true" }
      route:
        - destination: { host: ${s.host}, port: { number: ${s.port} } }
      timeout: 2s
    - route:
        - destination: { host: ${s.host}, port: { number: ${s.port} } }
      retries: { attempts: 2, perTryTimeout: 1s }
`;
}

const MESH_CONFIG = `apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
    outboundTrafficPolicy:
      mode: ALLOW_ANY
    rootNamespace: istio-system
    trustDomain: cluster.local
    enableAutoMtls: true
`;

function namespaceYaml(ns: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels: { kubernetes.io/metadata.name: ${ns}, istio-injection: enabled }
`;
}

function sidecarYaml(ns: string): string {
  return `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: ${ns}
spec:
  egress:
    - hosts: ["./*", "istio-system/*"]
`;
}

/** Writes the mesh into `dir` (emptied first) and returns what was written. */
export function generateMesh(dir: string, spec: MeshSpec): Mesh {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const namespaces = Array.from({ length: spec.namespaces }, (_, i) => nsName(i));
  let addr = 0;
  const mk = (name: string, namespace: string, count: number): ServiceInfo => ({
    name,
    namespace,
    host: `${name}.${namespace}.svc.cluster.local`,
    port: PORT,
    addresses: Array.from({ length: count }, () => loopback(addr++)),
    sliceFile: join(dir, namespace, `${name}-slice.yaml`),
  });

  const sys = join(dir, "istio-system");
  mkdirSync(sys);
  writeFileSync(join(sys, "mesh.yaml"), `${MESH_CONFIG}---\n${namespaceYaml("istio-system")}`);
  const shared: ServiceInfo[] = [];
  for (let i = 0; i < spec.sharedServices; i++) {
    const s = mk(`shared-${i}`, "istio-system", 2);
    shared.push(s);
    writeFileSync(join(sys, `${s.name}.yaml`), serviceYaml(s, `10.95.0.${i + 1}`));
    writeFileSync(s.sliceFile, sliceYaml(s));
  }
  const globalDrFile = join(sys, "shared-0-dr.yaml");
  if (shared[0]) writeFileSync(globalDrFile, destinationRuleYaml(shared[0], 100));

  const services: ServiceInfo[] = [];
  for (const ns of namespaces) {
    mkdirSync(join(dir, ns));
    writeFileSync(join(dir, ns, "namespace.yaml"), `${namespaceYaml(ns)}---\n${sidecarYaml(ns)}`);
  }
  for (let i = 0; i < spec.services; i++) {
    const ns = namespaces[i % namespaces.length]!;
    // Spread E endpoints as evenly as possible.
    const count =
      Math.floor(spec.endpoints / spec.services) + (i < spec.endpoints % spec.services ? 1 : 0);
    const s = mk(`svc-${String(i).padStart(4, "0")}`, ns, count);
    services.push(s);
    const ip = `10.96.${(i >> 8) & 255}.${i & 255}`;
    const first = i < namespaces.length;
    writeFileSync(
      join(dir, ns, `${s.name}.yaml`),
      [serviceYaml(s, ip), destinationRuleYaml(s, 1000), ...(first ? [virtualServiceYaml(s)] : [])]
        .map((d) => d.trimEnd())
        .join("\n---\n") + "\n",
    );
    writeFileSync(s.sliceFile, sliceYaml(s));
  }
  return { dir, spec, namespaces, services, shared, globalDrFile };
}
