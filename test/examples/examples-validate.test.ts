// The bundled example meshes (examples/*/) are what `meshpilot serve --config-dir DIR` and later
// end-to-end tests run on: every file must read without an error, and each directory must hold
// the objects its seed scenario needs (seed digest 9.1 front-tomcat, 9.2 Bookinfo).

import test from "ava";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { formatIssue, type ConfigIssue } from "../../src/registry/config-issue.js";
import { keyString, keyOf, type ConfigObject } from "../../src/registry/config-object.js";
import type { Kind } from "../../src/registry/kinds.js";
import { REPO_ROOT, repoPath } from "../helpers/repo.js";

type Rec = Record<string, unknown>;

interface Loaded {
  readonly files: string[];
  readonly objects: ConfigObject[];
  readonly issues: ConfigIssue[];
  /** Files with a document the reader could not parse. */
  readonly unreadable: string[];
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".")) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await yamlFiles(full)));
    else if (/\.ya?ml$/i.test(e.name)) out.push(full);
  }
  return out.sort();
}

/** Loads directories (and single files) as `meshpilot serve --config-dir` would, as one mesh. */
async function load(...paths: string[]): Promise<Loaded> {
  const files: string[] = [];
  for (const p of paths) files.push(...(/\.ya?ml$/.test(p) ? [p] : await yamlFiles(p)));
  const objects: ConfigObject[] = [];
  const issues: ConfigIssue[] = [];
  const unreadable: string[] = [];
  for (const f of files) {
    const text = await readFile(f, "utf8");
    const r = readYamlText(text, relative(REPO_ROOT, f));
    objects.push(...r.objects);
    issues.push(...r.issues);
    if (r.hasUnreadableDocuments) unreadable.push(f);
  }
  return { files, objects, issues, unreadable };
}

const bookinfo = load(repoPath("examples/bookinfo"));
// front-tomcat is an application added to a mesh: it brings no mesh-wide objects of its own and
// is served on top of Bookinfo's (namespaces, mesh config, ingress gateway workload).
const BOOKINFO_PLATFORM = ["namespaces.yaml", "istio-configmap.yaml", "istio-ingressgateway.yaml"];
const frontTomcat = load(
  ...BOOKINFO_PLATFORM.map((f) => repoPath("examples/bookinfo", f)),
  repoPath("examples/front-tomcat"),
);

// ---------------------------------------------------------------- small accessors

function rec(v: unknown): Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Rec) : {};
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function spec(o: ConfigObject): Rec {
  return rec(o.body.spec);
}
function ofKind(l: Loaded, kind: Kind, namespace?: string): ConfigObject[] {
  return l.objects.filter(
    (o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace),
  );
}
function one(l: Loaded, kind: Kind, namespace: string, name: string): ConfigObject {
  const found = l.objects.filter(
    (o) =>
      o.kind === kind && (o.metadata.namespace ?? "") === namespace && o.metadata.name === name,
  );
  if (found.length !== 1) throw new Error(`${kind} ${namespace}/${name}: found ${found.length}`);
  return found[0]!;
}
function subsetNames(dr: ConfigObject): string[] {
  return arr(spec(dr).subsets).map((s) => String(rec(s).name));
}
function labelsMatch(selector: Rec, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
/** Every endpoint address in the EndpointSlices of a Service, with the pod each one targets. */
function sliceEndpoints(l: Loaded, namespace: string, service: string) {
  return ofKind(l, "EndpointSlice", namespace)
    .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === service)
    .flatMap((s) =>
      arr(s.body.endpoints).map((e) => ({
        addresses: arr(rec(e).addresses).map(String),
        ready: rec(rec(e).conditions).ready,
        targetRef: rec(rec(e).targetRef),
        ports: arr(s.body.ports).map(rec),
      })),
    );
}
function podIP(p: ConfigObject): string {
  return String(rec(p.body.status).podIP);
}
function isReady(p: ConfigObject): boolean {
  return arr(rec(p.body.status).conditions).some(
    (c) => rec(c).type === "Ready" && rec(c).status === "True",
  );
}
/** Every destination (host, subset) a VirtualService routes to. */
function destinations(vs: ConfigObject): Array<{ host: string; subset?: string; weight?: number }> {
  return arr(spec(vs).http).flatMap((r) =>
    arr(rec(r).route).map((d) => {
      const dest = rec(rec(d).destination);
      const w = rec(d).weight;
      return {
        host: String(dest.host),
        ...(dest.subset !== undefined ? { subset: String(dest.subset) } : {}),
        ...(typeof w === "number" ? { weight: w } : {}),
      };
    }),
  );
}
const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

// ---------------------------------------------------------------- every file, every directory

for (const [name, loaded] of [
  ["bookinfo", bookinfo],
  ["front-tomcat", frontTomcat],
] as const) {
  test(`${name}: every YAML file reads with no error`, async (t) => {
    const l = await loaded;
    t.true(l.files.length > 0);
    const errors = l.issues.filter((i) => i.severity === "error");
    t.deepEqual(errors.map(formatIssue), []);
    t.deepEqual(l.unreadable, []);
  });

  test(`${name}: no object is defined twice in the directory`, async (t) => {
    const l = await loaded;
    const seen = new Map<string, string>();
    const dups: string[] = [];
    for (const o of l.objects) {
      const k = keyString(keyOf(o));
      if (seen.has(k)) dups.push(`${k} in ${o.source.file} and ${seen.get(k)}`);
      else seen.set(k, String(o.source.file));
    }
    t.deepEqual(dups, []);
  });

  test(`${name}: every pod and workload entry is on its own loopback address, and Ready`, async (t) => {
    const l = await loaded;
    const ips = [
      ...ofKind(l, "Pod").map(podIP),
      ...ofKind(l, "WorkloadEntry").map((w) => String(spec(w).address)),
    ];
    for (const ip of ips) t.regex(ip, LOOPBACK);
    t.is(new Set(ips).size, ips.length, `duplicate addresses in ${ips.join(", ")}`);
    for (const p of ofKind(l, "Pod")) t.true(isReady(p), p.metadata.name);
  });

  test(`${name}: each EndpointSlice endpoint is a Ready pod of the Service`, async (t) => {
    const l = await loaded;
    const slices = ofKind(l, "EndpointSlice");
    t.true(slices.length > 0);
    for (const s of slices) {
      const ns = s.metadata.namespace!;
      const svcName = s.metadata.labels?.["kubernetes.io/service-name"];
      t.truthy(svcName, `${s.metadata.name} has no kubernetes.io/service-name`);
      const svc = one(l, "Service", ns, svcName!);
      const selector = rec(spec(svc).selector);
      // The slice's ports are the Service's ports by name, with the target port as number.
      const svcPorts = arr(spec(svc).ports).map(rec);
      for (const p of arr(s.body.ports).map(rec)) {
        const sp = svcPorts.find((x) => x.name === p.name);
        t.truthy(sp, `${s.metadata.name}: port ${String(p.name)} is not a port of ${svcName}`);
        t.is(p.port, sp?.targetPort ?? sp?.port);
      }
      for (const e of arr(s.body.endpoints).map(rec)) {
        t.is(rec(e.conditions).ready, true);
        const ref = rec(e.targetRef);
        t.is(ref.kind, "Pod");
        const pod = one(l, "Pod", String(ref.namespace), String(ref.name));
        t.deepEqual(arr(e.addresses), [podIP(pod)]);
        t.true(labelsMatch(selector, pod.metadata.labels), `${pod.metadata.name} vs ${svcName}`);
      }
    }
    // And the other way round: every pod a Service selects is in that Service's slices.
    for (const svc of ofKind(l, "Service")) {
      const selector = rec(spec(svc).selector);
      const ns = svc.metadata.namespace!;
      const addrs = sliceEndpoints(l, ns, svc.metadata.name).flatMap((e) => e.addresses);
      for (const pod of ofKind(l, "Pod", ns).filter((p) => labelsMatch(selector, p.metadata.labels)))
        t.true(addrs.includes(podIP(pod)), `${pod.metadata.name} missing from ${svc.metadata.name}`);
    }
  });

  test(`${name}: every VirtualService subset is defined by a DestinationRule`, async (t) => {
    const l = await loaded;
    const drs = ofKind(l, "DestinationRule");
    for (const vs of ofKind(l, "VirtualService")) {
      for (const d of destinations(vs)) {
        // Hosts are short names in the VS's own namespace.
        t.truthy(one(l, "Service", vs.metadata.namespace!, d.host), d.host);
        if (d.subset === undefined) continue;
        const dr = drs.find(
          (x) => spec(x).host === d.host && x.metadata.namespace === vs.metadata.namespace,
        );
        t.truthy(dr, `${vs.metadata.name}: no DestinationRule for ${d.host}`);
        t.true(subsetNames(dr!).includes(d.subset), `${vs.metadata.name}: ${d.host}/${d.subset}`);
      }
    }
  });

  test(`${name}: the ingress gateway workload, its Service, and a Gateway selecting it`, async (t) => {
    const l = await loaded;
    const svc = one(l, "Service", "istio-system", "istio-ingressgateway");
    const ports = arr(spec(svc).ports).map(rec);
    const byName = (n: string) => ports.find((p) => p.name === n);
    t.like(byName("http2"), { port: 80, targetPort: 8080 });
    t.like(byName("https"), { port: 443, targetPort: 8443 });
    t.like(byName("status-port"), { port: 15021, targetPort: 15021 });
    const pods = ofKind(l, "Pod", "istio-system");
    t.is(pods.length, 1);
    const gw = pods[0]!;
    t.regex(gw.metadata.name, /^istio-ingressgateway-/);
    t.like(gw.metadata.labels, { istio: "ingressgateway", app: "istio-ingressgateway" });
    t.true(labelsMatch(rec(spec(svc).selector), gw.metadata.labels));
    const gateways = ofKind(l, "Gateway");
    t.true(gateways.length > 0);
    for (const g of gateways)
      t.true(labelsMatch(rec(spec(g).selector), gw.metadata.labels), g.metadata.name);
  });

  test(`${name}: namespaces and mesh config`, async (t) => {
    const l = await loaded;
    t.like(one(l, "Namespace", "", "default").metadata.labels, { "istio-injection": "enabled" });
    one(l, "Namespace", "", "istio-system");
    const cm = one(l, "ConfigMap", "istio-system", "istio");
    const mesh = rec(parseYaml(String(rec(cm.body.data).mesh)));
    t.like(mesh, {
      outboundTrafficPolicy: { mode: "ALLOW_ANY" },
      rootNamespace: "istio-system",
      trustDomain: "cluster.local",
      enableAutoMtls: true,
      defaultConfig: { discoveryAddress: "127.0.0.1:15010" },
    });
  });
}

test("bookinfo and front-tomcat load together with no object defined twice", async (t) => {
  const l = await load(repoPath("examples/bookinfo"), repoPath("examples/front-tomcat"));
  const seen = new Set<string>();
  const dups = l.objects.map((o) => keyString(keyOf(o))).filter((k) => seen.has(k) || !seen.add(k));
  t.deepEqual(dups, []);
  t.deepEqual(l.issues.filter((i) => i.severity === "error").map(formatIssue), []);
});

// ---------------------------------------------------------------- Bookinfo (seed digest 9.2)

const BOOKINFO_SERVICES = ["productpage", "details", "ratings", "reviews"];

test("bookinfo: four Services on port 9080 named http, selecting app: NAME", async (t) => {
  const l = await bookinfo;
  const svcs = ofKind(l, "Service", "default");
  t.deepEqual(svcs.map((s) => s.metadata.name).sort(), [...BOOKINFO_SERVICES].sort());
  for (const s of svcs) {
    t.deepEqual(spec(s).selector, { app: s.metadata.name });
    t.like(arr(spec(s).ports)[0], { name: "http", port: 9080 });
    t.regex(String(spec(s).clusterIP), /^10\.96\.\d+\.\d+$/);
  }
});

test("bookinfo: six pods with app, version and service account", async (t) => {
  const l = await bookinfo;
  const pods = ofKind(l, "Pod", "default");
  const versions = pods.map((p) => `${p.metadata.labels?.app}-${p.metadata.labels?.version}`);
  t.deepEqual(versions.sort(), [
    "details-v1",
    "productpage-v1",
    "ratings-v1",
    "reviews-v1",
    "reviews-v2",
    "reviews-v3",
  ]);
  for (const p of pods)
    t.is(rec(p.body.spec).serviceAccountName, `bookinfo-${p.metadata.labels?.app}`);
  // reviews has three endpoints, one per version.
  t.is(sliceEndpoints(l, "default", "reviews").length, 3);
});

test("bookinfo: ratings v2 is a WorkloadEntry the ratings Service selects", async (t) => {
  const l = await bookinfo;
  const we = one(l, "WorkloadEntry", "default", "ratings-v2");
  t.like(spec(we), {
    labels: { app: "ratings", version: "v2" },
    serviceAccount: "bookinfo-ratings",
  });
  const ratings = one(l, "Service", "default", "ratings");
  t.true(
    labelsMatch(rec(spec(ratings).selector), rec(spec(we).labels) as Record<string, string>),
  );
  // The pod path and the WorkloadEntry path each give ratings one endpoint.
  t.is(sliceEndpoints(l, "default", "ratings").length, 1);
});

test("bookinfo: DestinationRule subsets by version", async (t) => {
  const l = await bookinfo;
  const subsets = Object.fromEntries(
    ofKind(l, "DestinationRule", "default").map((dr) => [String(spec(dr).host), subsetNames(dr)]),
  );
  t.deepEqual(subsets, {
    productpage: ["v1"],
    reviews: ["v1", "v2", "v3"],
    ratings: ["v1", "v2"],
    details: ["v1", "v2"],
  });
  // Every subset label set is `version: <subset name>`.
  for (const dr of ofKind(l, "DestinationRule"))
    for (const s of arr(spec(dr).subsets).map(rec))
      t.deepEqual(s.labels, { version: s.name });
});

test("bookinfo: the gateway and its VirtualService send five paths to productpage:9080", async (t) => {
  const l = await bookinfo;
  const gw = one(l, "Gateway", "default", "bookinfo-gateway");
  t.deepEqual(spec(gw).selector, { istio: "ingressgateway" });
  const servers = arr(spec(gw).servers).map(rec);
  t.is(servers.length, 1);
  t.like(servers[0], { port: { number: 80, protocol: "HTTP" }, hosts: ["*"] });

  const vs = one(l, "VirtualService", "default", "bookinfo");
  t.deepEqual(spec(vs).hosts, ["*"]);
  t.deepEqual(spec(vs).gateways, ["bookinfo-gateway"]);
  const http = arr(spec(vs).http).map(rec);
  t.is(http.length, 1);
  t.deepEqual(http[0]!.match, [
    { uri: { exact: "/productpage" } },
    { uri: { prefix: "/static" } },
    { uri: { exact: "/login" } },
    { uri: { exact: "/logout" } },
    { uri: { prefix: "/api/v1/products" } },
  ]);
  t.deepEqual(http[0]!.route, [{ destination: { host: "productpage", port: { number: 9080 } } }]);
});

test("bookinfo: details, productpage and ratings pinned to v1; productpage also at the gateway", async (t) => {
  const l = await bookinfo;
  for (const name of ["details", "productpage", "ratings"]) {
    const vs = one(l, "VirtualService", "default", name);
    t.deepEqual(spec(vs).hosts, [name]);
    t.deepEqual(destinations(vs), [{ host: name, subset: "v1" }]);
  }
  t.deepEqual(spec(one(l, "VirtualService", "default", "productpage")).gateways, [
    "bookinfo-gateway",
    "mesh",
  ]);
  t.is(spec(one(l, "VirtualService", "default", "details")).gateways, undefined);
});

test("bookinfo: reviews is the end-user: jason rule (v2), everyone else v1", async (t) => {
  const l = await bookinfo;
  const reviews = ofKind(l, "VirtualService").filter((v) =>
    arr(spec(v).hosts).includes("reviews"),
  );
  t.is(reviews.length, 1);
  const vs = reviews[0]!;
  t.is(vs.metadata.name, "reviews");
  t.is(vs.source.file, "examples/bookinfo/virtual-service-reviews-test-v2.yaml");
  const http = arr(spec(vs).http).map(rec);
  t.is(http.length, 2);
  t.deepEqual(http[0]!.match, [{ headers: { "end-user": { exact: "jason" } } }]);
  t.deepEqual(http[0]!.route, [{ destination: { host: "reviews", subset: "v2" } }]);
  t.is(http[1]!.match, undefined);
  t.deepEqual(http[1]!.route, [{ destination: { host: "reviews", subset: "v1" } }]);
});

test("bookinfo: mesh-wide PERMISSIVE PeerAuthentication in the root namespace", async (t) => {
  const l = await bookinfo;
  const pas = ofKind(l, "PeerAuthentication");
  t.is(pas.length, 1);
  t.is(pas[0]!.metadata.namespace, "istio-system");
  t.is(spec(pas[0]!).selector, undefined);
  t.deepEqual(spec(pas[0]!).mtls, { mode: "PERMISSIVE" });
});

test("bookinfo: the README lists every backend address", async (t) => {
  const l = await bookinfo;
  const readme = await readFile(repoPath("examples/bookinfo/README.md"), "utf8");
  for (const p of ofKind(l, "Pod")) {
    t.true(readme.includes(p.metadata.name), p.metadata.name);
    t.true(readme.includes(podIP(p)), podIP(p));
  }
  t.true(readme.includes(String(spec(one(l, "WorkloadEntry", "default", "ratings-v2")).address)));
});

// ---------------------------------------------------------------- front-tomcat (seed digest 9.1)

test("front-tomcat: Service port 8080 named http with protocol TCP", async (t) => {
  const l = await frontTomcat;
  const svc = one(l, "Service", "default", "front-tomcat");
  t.deepEqual(spec(svc).selector, { app: "front-tomcat" });
  t.deepEqual(arr(spec(svc).ports), [
    { name: "http", port: 8080, protocol: "TCP", targetPort: 8080 },
  ]);
  const pods = ofKind(l, "Pod", "default");
  t.deepEqual(pods.map((p) => p.metadata.labels?.version).sort(), ["v1", "v2"]);
  t.is(sliceEndpoints(l, "default", "front-tomcat").length, 2);
});

test("front-tomcat: DestinationRule subsets v1 and v2", async (t) => {
  const l = await frontTomcat;
  const dr = one(l, "DestinationRule", "default", "front-tomcat");
  t.is(spec(dr).host, "front-tomcat");
  t.deepEqual(subsetNames(dr), ["v1", "v2"]);
});

test("front-tomcat: 90/10 inside the mesh and at the gateway", async (t) => {
  const l = await frontTomcat;
  const split = [
    { host: "front-tomcat", subset: "v1", weight: 90 },
    { host: "front-tomcat", subset: "v2", weight: 10 },
  ];
  const mesh = one(l, "VirtualService", "default", "front-tomcat");
  t.deepEqual(spec(mesh).hosts, ["front-tomcat"]);
  t.is(spec(mesh).gateways, undefined);
  t.is(rec(arr(spec(mesh).http)[0]).name, "front-tomcat-route");
  t.deepEqual(destinations(mesh), split);

  const gw = one(l, "Gateway", "default", "front-tomcat-gateway");
  t.deepEqual(spec(gw).selector, { istio: "ingressgateway" });
  t.like(arr(spec(gw).servers)[0], {
    port: { number: 80, protocol: "HTTP" },
    hosts: ["tomcat.istio.com"],
  });
  const edge = one(l, "VirtualService", "default", "gateway-front-tomcat");
  t.deepEqual(spec(edge).gateways, ["front-tomcat-gateway"]);
  t.deepEqual(spec(edge).hosts, ["tomcat.istio.com"]);
  t.deepEqual(destinations(edge), split);
});

test("front-tomcat: the README lists every backend address", async (t) => {
  const l = await frontTomcat;
  const readme = await readFile(repoPath("examples/front-tomcat/README.md"), "utf8");
  for (const p of ofKind(l, "Pod")) {
    t.true(readme.includes(p.metadata.name), p.metadata.name);
    t.true(readme.includes(podIP(p)), podIP(p));
  }
});
