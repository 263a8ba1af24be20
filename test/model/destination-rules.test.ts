import test from "ava";
import { modelFromYaml } from "./model-from-yaml.js";

const base = `
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  clusterIP: 10.0.0.10
  ports: [{name: http, port: 9080}]
`;

const dr = (name: string, ns: string, host: string, extra = "", ts = "2026-01-01T00:00:00Z") => `
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${ts}"}
spec:
  host: "${host}"
${extra}`;

const from = (ns: string, labels: Record<string, string> = {}) => ({ namespace: ns, labels });
const H = "reviews.bookinfo.svc.cluster.local";

test("proxy namespace beats service namespace beats root namespace", (t) => {
  const all = [
    base,
    dr("root", "istio-system", "*.local"),
    dr("svc-ns", "bookinfo", "reviews"),
    dr("client-ns", "frontend", H),
  ].join("\n---\n");
  const m = modelFromYaml(all);
  t.is(
    m.destinationRuleFor(from("frontend"), "reviews.bookinfo.svc.cluster.local")?.from[0]?.name,
    "client-ns",
  );
  t.is(m.destinationRuleFor(from("other"), H)?.from[0]?.name, "svc-ns");
  t.is(m.destinationRuleFor(from("bookinfo"), "reviews")?.from[0]?.name, "svc-ns");
  const onlyRoot = modelFromYaml([base, dr("root", "istio-system", "*.local")].join("\n---\n"));
  t.is(onlyRoot.destinationRuleFor(from("other"), H)?.from[0]?.name, "root");
  t.is(onlyRoot.destinationRuleFor(from("other"), "unknown.example.com"), undefined);
});

test("a proxy in the root namespace: private root rules, then the service's, then exported root rules", (t) => {
  const m = modelFromYaml(
    [base, dr("root", "istio-system", "*.local"), dr("svc-ns", "bookinfo", "reviews")].join(
      "\n---\n",
    ),
  );
  t.is(m.destinationRuleFor(from("istio-system"), H)?.from[0]?.name, "svc-ns");
  const noServiceRule = modelFromYaml(
    [base, dr("root", "istio-system", "*.local")].join("\n---\n"),
  );
  t.is(noServiceRule.destinationRuleFor(from("istio-system"), H)?.from[0]?.name, "root");
  const privateRoot = modelFromYaml(
    [
      base,
      dr("root-private", "istio-system", "*.local", '  exportTo: ["."]'),
      dr("svc-ns", "bookinfo", "reviews"),
    ].join("\n---\n"),
  );
  t.is(privateRoot.destinationRuleFor(from("istio-system"), H)?.from[0]?.name, "root-private");
  t.is(privateRoot.destinationRuleFor(from("other"), H)?.from[0]?.name, "svc-ns");
});

test("exportTo `.` makes a rule invisible elsewhere", (t) => {
  const m = modelFromYaml(
    [
      base,
      dr("private", "bookinfo", "reviews", '  exportTo: ["."]'),
      dr("root", "istio-system", "*.local"),
    ].join("\n---\n"),
  );
  t.is(m.destinationRuleFor(from("bookinfo"), H)?.from[0]?.name, "private");
  t.is(m.destinationRuleFor(from("frontend"), H)?.from[0]?.name, "root");
});

test("exportTo to other namespaces only does not apply in its own namespace", (t) => {
  const m = modelFromYaml(
    [base, dr("for-frontend", "bookinfo", "reviews", "  exportTo: [frontend]")].join("\n---\n"),
  );
  t.is(m.destinationRuleFor(from("frontend"), H)?.from[0]?.name, "for-frontend");
  t.is(m.destinationRuleFor(from("bookinfo"), H), undefined);
  t.is(m.destinationRuleFor(from("other"), H), undefined);
});

test("the most specific host wins within a namespace", (t) => {
  const m = modelFromYaml(
    [
      base,
      dr("all", "frontend", "*"),
      dr("local", "frontend", "*.local"),
      dr("bookinfo", "frontend", "*.bookinfo.svc.cluster.local"),
    ].join("\n---\n"),
  );
  t.is(m.destinationRuleFor(from("frontend"), H)?.from[0]?.name, "bookinfo");
  t.is(
    m.destinationRuleFor(from("frontend"), "x.default.svc.cluster.local")?.from[0]?.name,
    "local",
  );
  t.is(m.destinationRuleFor(from("frontend"), "example.com")?.from[0]?.name, "all");
});

test("rules for one host in one namespace merge: oldest policy, subsets added", (t) => {
  const m = modelFromYaml(
    [
      base,
      dr(
        "newer",
        "bookinfo",
        "reviews",
        `  trafficPolicy: {loadBalancer: {simple: RANDOM}}
  subsets:
  - {name: v1, labels: {version: v1-dup}}
  - {name: v2, labels: {version: v2}}`,
        "2026-03-01T00:00:00Z",
      ),
      dr(
        "older",
        "bookinfo",
        "reviews",
        "  subsets: [{name: v1, labels: {version: v1}}]",
        "2026-02-01T00:00:00Z",
      ),
    ].join("\n---\n"),
  );
  const rule = m.destinationRuleFor(from("x"), H);
  t.deepEqual(
    rule?.from.map((k) => k.name),
    ["older", "newer"],
  );
  t.deepEqual(
    rule?.spec.subsets?.map((s) => [s.name, s.labels?.version]),
    [
      ["v1", "v1"],
      ["v2", "v2"],
    ],
  );
  t.deepEqual(rule?.spec.trafficPolicy, { loadBalancer: { simple: "RANDOM" } });
});

test("a rule with a workloadSelector applies only to the proxies it selects", (t) => {
  const m = modelFromYaml(
    [
      base,
      dr("general", "frontend", H),
      dr("canary", "frontend", H, "  workloadSelector: {matchLabels: {app: web, track: canary}}"),
    ].join("\n---\n"),
  );
  t.is(
    m.destinationRuleFor(from("frontend", { app: "web", track: "canary" }), H)?.from[0]?.name,
    "canary",
  );
  t.is(m.destinationRuleFor(from("frontend", { app: "web" }), H)?.from[0]?.name, "general");
});

test("rules with equal workloadSelectors merge; different ones stay apart", (t) => {
  const sel = (labels: string) => `  workloadSelector: {matchLabels: ${labels}}`;
  const m = modelFromYaml(
    [
      base,
      dr(
        "a",
        "frontend",
        H,
        `${sel("{app: web}")}\n  subsets: [{name: a, labels: {v: a}}]`,
        "2026-01-01T00:00:00Z",
      ),
      dr(
        "b",
        "frontend",
        H,
        `${sel("{app: web}")}\n  subsets: [{name: b, labels: {v: b}}]`,
        "2026-01-02T00:00:00Z",
      ),
      dr("c", "frontend", H, sel("{app: api}"), "2026-01-03T00:00:00Z"),
    ].join("\n---\n"),
  );
  const web = m.destinationRuleFor(from("frontend", { app: "web" }), H);
  t.deepEqual(
    web?.from.map((k) => k.name),
    ["a", "b"],
  );
  t.deepEqual(
    web?.spec.subsets?.map((s) => s.name),
    ["a", "b"],
  );
  t.deepEqual(
    m.destinationRuleFor(from("frontend", { app: "api" }), H)?.from.map((k) => k.name),
    ["c"],
  );
  t.is(m.destinationRuleFor(from("frontend", { app: "other" }), H), undefined);
});
