// Unit tests for the shared checkers behind Istio's validation rules (hosts, durations, RE2
// regexes, exportTo, ports), valid cases included, and realistic valid objects that must pass.

import test from "ava";
import { readYamlText } from "../../src/registry/sources/yaml-text.js";
import { formatIssue } from "../../src/registry/config-issue.js";
import { Report } from "../../src/registry/validation/report.js";
import { validateDocument } from "../../src/registry/validation/validate-document.js";
import {
  checkHost,
  checkNamespacedHost,
  isIpOrCidr,
} from "../../src/registry/validation/rules/hosts.js";
import { checkDuration, parseDurationMs } from "../../src/registry/validation/rules/durations.js";
import { checkRegex, re2Problem } from "../../src/registry/validation/rules/regex.js";
import { checkExportTo } from "../../src/registry/validation/rules/export-to.js";
import { hostsOverlap, hostSubsetOf } from "../../src/registry/validation/rules/host-match.js";
import { checkPort, isIanaServiceName } from "../../src/registry/validation/rules/ports.js";
import { validateMeshConfigSpec } from "../../src/registry/validation/rules/mesh-config.js";
import { validateMeshNetworksSpec } from "../../src/registry/validation/rules/mesh-networks.js";
import { VALID_MESH_YAML } from "./valid-mesh-config.js";

/** Runs one checker against a fresh report and returns the error messages. */
function errorsOf(check: (r: Report) => void): string[] {
  const report = new Report({ file: "unit" });
  check(report);
  return report.issues.filter((i) => i.severity === "error").map((i) => `${i.path}: ${i.message}`);
}

test("hosts: FQDNs, short names, wildcards and IPs that Istio accepts", (t) => {
  for (const host of [
    "reviews",
    "reviews.default.svc.cluster.local",
    "bookinfo.com",
    "*.example.com",
    "*",
    "istio.io.",
    "*-api.example.com",
    "Reviews.Default",
  ])
    t.deepEqual(
      errorsOf((r) => checkHost(r, ["host"], host, { allowWildcard: true })),
      [],
      host,
    );
  t.deepEqual(
    errorsOf((r) => checkHost(r, ["host"], "10.1.2.3", { allowIp: true })),
    [],
  );
  t.deepEqual(
    errorsOf((r) => checkHost(r, ["host"], "2001:db8::1", { allowIp: true })),
    [],
  );
});

test("hosts: misplaced wildcards, bad labels and bare IPs are rejected", (t) => {
  const cases: Array<[string, string]> = [
    ["*.*.example.com", "'*' in the wrong place"],
    ["shop.*", "'*' in the wrong place"],
    ["a*b.example.com", "'*' in the wrong place"],
    ["reviews_v1", "invalid label"],
    ["-reviews.default", "invalid label"],
    ["reviews..default", "invalid label"],
    ["1.2.3.4", "all-numeric"],
    ["", "empty"],
  ];
  for (const [host, words] of cases) {
    const errs = errorsOf((r) => checkHost(r, ["spec", "hosts", 0], host, { allowWildcard: true }));
    t.is(errs.length, 1, host);
    t.true(errs[0]?.startsWith("spec.hosts[0]: "), errs[0]);
    t.true(errs[0]?.includes(words), `${host}: ${errs[0]}`);
  }
  t.regex(
    errorsOf((r) => checkHost(r, ["h"], "*.example.com"))[0] ?? "",
    /may not contain a wildcard/,
  );
});

test("hosts: namespace/host forms for Sidecar egress and Gateway servers", (t) => {
  for (const h of [
    "./*",
    "istio-system/*",
    "~/*",
    "*/reviews.default.svc.cluster.local",
    "bookinfo/*.example.com",
  ])
    t.deepEqual(
      errorsOf((r) => checkNamespacedHost(r, ["h"], h, "sidecar")),
      [],
      h,
    );
  for (const h of ["*", "bookinfo.com", "ns1/*.example.com", "./foo.example.com", "*/*"])
    t.deepEqual(
      errorsOf((r) => checkNamespacedHost(r, ["h"], h, "gateway")),
      [],
      h,
    );
  t.regex(
    errorsOf((r) => checkNamespacedHost(r, ["h"], "reviews", "sidecar"))[0] ?? "",
    /namespace\/dnsName/,
  );
  t.regex(
    errorsOf((r) => checkNamespacedHost(r, ["h"], "~/foo.com", "gateway"))[0] ?? "",
    /namespace "~"/,
  );
  t.regex(
    errorsOf((r) => checkNamespacedHost(r, ["h"], "a/b/c", "gateway"))[0] ?? "",
    /at most one '\/'/,
  );
  t.regex(
    errorsOf((r) => checkNamespacedHost(r, ["h"], "ns1/foo.*.com", "gateway"))[0] ?? "",
    /wrong place/,
  );
  t.regex(
    errorsOf((r) => checkNamespacedHost(r, ["h"], "bookinfo/reviews", "sidecar"))[0] ?? "",
    /short name/,
  );
  t.deepEqual(
    errorsOf((r) => checkNamespacedHost(r, ["h"], "10.0.0.1", "gateway")),
    [],
    "IP",
  );
  t.regex(
    errorsOf((r) => checkNamespacedHost(r, ["h"], "/foo.example.com", "gateway"))[0] ?? "",
    /empty namespace/,
  );
});

test("hosts: IP and CIDR recognition", (t) => {
  for (const s of ["10.0.0.1", "10.0.0.0/8", "2001:db8::/32", "::1"]) t.true(isIpOrCidr(s), s);
  for (const s of ["10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "example.com", "2001:db8::/129"])
    t.false(isIpOrCidr(s), s);
});

test("durations: Istio and Go style values are accepted", (t) => {
  const cases: Array<[string, number]> = [
    ["10s", 10_000],
    ["0.5s", 500],
    ["1m", 60_000],
    ["1h", 3_600_000],
    ["100ms", 100],
    ["1.5s", 1500],
    ["1h30m", 5_400_000],
    ["180.000s", 180_000],
  ];
  for (const [text, ms] of cases) {
    t.is(parseDurationMs(text), ms, text);
    t.deepEqual(
      errorsOf((r) => checkDuration(r, ["timeout"], text)),
      [],
      text,
    );
  }
});

test("durations: bare numbers, negatives, unknown units and too-short values are rejected", (t) => {
  const cases: Array<[unknown, string]> = [
    ["10", "is not a duration"],
    ["-1s", "is negative"],
    ["abc", "is not a duration"],
    ["1x", "is not a duration"],
    ["", "is not a duration"],
    [10, "is not a duration"],
    ["0s", "at least 1ms"],
    ["0.5ms", "at least 1ms"],
    ["1.0005s", "whole milliseconds"],
  ];
  for (const [value, words] of cases) {
    const errs = errorsOf((r) => checkDuration(r, ["spec", "timeout"], value, { what: "timeout" }));
    t.is(errs.length, 1, String(value));
    t.true(errs[0]?.includes(words), `${String(value)}: ${errs[0]}`);
  }
  t.deepEqual(
    errorsOf((r) => checkDuration(r, ["ttl"], "0s", { minMs: 0 })),
    [],
    "0s allowed when zero is",
  );
});

test("regexes: RE2 patterns compile; Perl-only constructs are named", (t) => {
  for (const p of ["^/api/v[0-9]+/.*", "(?i)jason", ".*", "\\d{1,3}", "(?P<id>[a-z]+)", "^$"])
    t.is(re2Problem(p), undefined, p);
  const cases: Array<[string, string]> = [
    ["(a)\\1", "backreferences"],
    ["(?<=/api)/v1", "lookbehind"],
    ["^/api(?!/internal)", "lookahead"],
    ["^(?=x)", "lookahead"],
    ["a++", "possessive"],
    ["[a-", "missing closing ]"],
    ["a{1001}", "invalid repeat count"],
    ["", "is empty"],
    ["a".repeat(1025), "at most 1024"],
  ];
  for (const [pattern, words] of cases)
    t.true(re2Problem(pattern)?.includes(words), `${pattern}: ${re2Problem(pattern)}`);
  t.regex(
    errorsOf((r) => checkRegex(r, ["spec", "uri", "regex"], "(a)\\1"))[0] ?? "",
    /^spec\.uri\.regex: regex "\(a\)\\\\1" uses backreferences/,
  );
});

test("exportTo: '.', '*' and namespace names; '~' only for ServiceEntry; no mixing or duplicates", (t) => {
  for (const list of [["."], ["*"], ["istio-system", "bookinfo"], [".", "istio-system"], []])
    t.deepEqual(
      errorsOf((r) => checkExportTo(r, ["spec", "exportTo"], list, "default")),
      [],
      list.join(","),
    );
  t.deepEqual(
    errorsOf((r) => checkExportTo(r, ["spec", "exportTo"], ["~"], "default", true)),
    [],
  );
  const cases: Array<[string[], string, boolean]> = [
    [["*", "bookinfo"], "cannot be combined", false],
    [["~"], "only allowed for ServiceEntry", false],
    [["~", "."], "cannot be combined", true],
    [["Bad_NS"], "use '.', '*' or a namespace name", false],
    [["bookinfo", "bookinfo"], "listed twice", false],
    [[".", "default"], "listed twice ('.' is this namespace, default)", false],
  ];
  for (const [list, words, serviceEntry] of cases) {
    const errs = errorsOf((r) =>
      checkExportTo(r, ["spec", "exportTo"], list, "default", serviceEntry),
    );
    t.is(errs.length, 1, list.join(","));
    t.true(errs[0]?.includes(words), `${list.join(",")}: ${errs[0]}`);
  }
});

test("host overlap and subset, as used for duplicate VirtualService hosts and SNI hosts", (t) => {
  t.true(hostsOverlap("*.example.com", "shop.example.com"));
  t.true(hostsOverlap("shop.example.com", "*"));
  t.true(hostsOverlap("*.a.example.com", "*.example.com"));
  t.false(hostsOverlap("shop.example.com", "cart.example.com"));
  t.false(hostsOverlap("*.example.com", "example.com"));
  t.true(hostSubsetOf("api.example.com", "*.example.com"));
  t.false(hostSubsetOf("*.example.com", "api.example.com"));
});

test("ports: 1..65535 everywhere; IANA service names for Kubernetes port names", (t) => {
  for (const p of [1, 80, 9080, 15443, 65535])
    t.deepEqual(
      errorsOf((r) => checkPort(r, ["port"], p)),
      [],
      String(p),
    );
  for (const p of [0, 65536, -1, 1.5, "80", undefined])
    t.is(errorsOf((r) => checkPort(r, ["port"], p)).length, 1, String(p));
  t.regex(
    errorsOf((r) => checkPort(r, ["port"], 70000))[0] ?? "",
    /70000 is out of range; ports are 1 to 65535/,
  );
  for (const n of ["http", "grpc-web", "http2", "https-bookinfo", "tcp"])
    t.true(isIanaServiceName(n), n);
  for (const n of ["http_web", "-http", "http-", "a--b", "a-very-long-port-name", "1234", "HTTP"])
    t.false(isIanaServiceName(n), n);
});

test("realistic valid objects produce no errors", (t) => {
  const result = readYamlText(VALID_MESH_YAML, "valid-mesh.yaml");
  const errors = result.issues.filter((i) => i.severity === "error");
  t.deepEqual(errors.map(formatIssue), []);
  t.is(result.objects.length, (VALID_MESH_YAML.match(/^kind: /gm) ?? []).length);
});

test("mesh config and mesh networks checkers report under the caller's path prefix", (t) => {
  const bad = errorsOf((r) =>
    validateMeshConfigSpec({ outboundTrafficPolicy: { mode: "ALLOW_ALL" } }, r, ["mesh"]),
  );
  t.deepEqual(bad, [
    'mesh.outboundTrafficPolicy.mode: outboundTrafficPolicy mode "ALLOW_ALL" must be ALLOW_ANY or REGISTRY_ONLY',
  ]);
  const good = {
    rootNamespace: "istio-system",
    trustDomain: "cluster.local",
    connectTimeout: "10s",
    outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
    defaultConfig: { discoveryAddress: "istiod.istio-system.svc:15012", drainDuration: "45s" },
  };
  t.deepEqual(
    errorsOf((r) => validateMeshConfigSpec(good, r, [])),
    [],
  );
  t.deepEqual(
    errorsOf((r) => validateMeshConfigSpec({ connectTimeout: "1m" }, r, ["spec"])),
    ['spec.connectTimeout: connectTimeout "1m" is too long; it must be at most 30s'],
  );
  const networks = {
    networks: {
      network1: {
        endpoints: [{ fromRegistry: "cluster1" }],
        gateways: [{ address: "192.23.120.32", port: 15443 }],
      },
    },
  };
  t.deepEqual(
    errorsOf((r) => validateMeshNetworksSpec(networks, r, [])),
    [],
  );
  t.deepEqual(
    errorsOf((r) =>
      validateMeshNetworksSpec(
        { networks: { n1: { endpoints: [{ fromCidr: "10.0.0.0/33" }] } } },
        r,
        ["mn"],
      ),
    ),
    [
      'mn.networks.n1.endpoints[0].fromCidr: fromCidr "10.0.0.0/33" is not a CIDR such as 10.0.0.0/16',
    ],
  );
});

test("only the ConfigMap named istio has its mesh keys checked", (t) => {
  const text = (name: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}, namespace: istio-system}
data:
  mesh: "outboundTrafficPolicy: {mode: NOPE}"
`;
  t.is(
    readYamlText(text("istio"), "cm.yaml").issues.filter((i) => i.severity === "error").length,
    1,
  );
  t.deepEqual(readYamlText(text("app-settings"), "cm.yaml").issues, []);
});

test("meshNetworks fromRegistry takes Istio's free-form cluster ids", (t) => {
  for (const cluster of ["Kubernetes", "gke_project_zone_name", "cluster-1"]) {
    const r = validateDocument(
      {
        apiVersion: "meshpilot.io/v1alpha1",
        kind: "MeshNetworks",
        metadata: { name: "mesh-networks" },
        spec: {
          networks: {
            network1: {
              endpoints: [{ fromRegistry: cluster }],
              gateways: [{ address: "1.2.3.4", port: 15443 }],
            },
          },
        },
      },
      { file: "t.yaml" },
    );
    t.deepEqual(r.issues, [], cluster);
  }
});

test("networking.istio.io/v1 and security.istio.io/v1 objects are accepted and checked", (t) => {
  const text = [
    "apiVersion: networking.istio.io/v1",
    "kind: VirtualService",
    "metadata: {name: r}",
    "spec: {hosts: [r], http: [{route: [{destination: {host: r}}]}]}",
    "---",
    "apiVersion: security.istio.io/v1",
    "kind: PeerAuthentication",
    "metadata: {name: p}",
    "spec: {mtls: {mode: STRICT}}",
    "---",
    "apiVersion: networking.istio.io/v1",
    "kind: DestinationRule",
    "metadata: {name: d}",
    "spec: {host: r, subsets: [{name: v1, labels: {version: v1}}], trafficPolicy: {loadBalancer: {simple: FASTEST}}}",
  ].join("\n");
  const r = readYamlText(text, "v1.yaml");
  t.deepEqual(
    r.objects.map((o) => o.kind),
    ["VirtualService", "PeerAuthentication"],
  );
  t.is(r.issues.length, 1);
  t.like(r.issues[0], {
    object: { kind: "DestinationRule" },
    path: "spec.trafficPolicy.loadBalancer.simple",
  });
});
