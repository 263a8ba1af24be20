// MeshConfig (mesh-wide settings, Istio's `mesh` in the istio ConfigMap) and its defaultConfig
// (ProxyConfig). `validateMeshConfigSpec` is shared by the MeshConfig kind, the istio ConfigMap
// and the mesh model.

import { checkDuration, parseDurationMs } from "./durations.js";
import { checkFieldTypes, type FieldTable } from "./field-types.js";
import { checkHost, dnsNameProblem } from "./hosts.js";
import { checkLocalityLbSetting } from "./locality.js";
import { isDns1123Label } from "./names.js";
import { checkPort } from "./ports.js";
import { isRecord, list, q, rec, type IssueSink, type Path } from "./shape.js";

const MESH_FIELDS: FieldTable = {
  proxyListenPort: "port",
  proxyInboundListenPort: "port",
  proxyHttpPort: "port",
  connectTimeout: "duration",
  protocolDetectionTimeout: "string",
  tcpKeepalive: "object",
  ingressClass: "string",
  ingressService: "string",
  ingressControllerMode: { oneOf: ["UNSPECIFIED", "OFF", "DEFAULT", "STRICT"] },
  ingressSelector: "string",
  enableTracing: "boolean",
  accessLogFile: "string",
  accessLogFormat: "string",
  accessLogEncoding: { oneOf: ["TEXT", "JSON"] },
  enableEnvoyAccessLogService: "boolean",
  disableEnvoyListenerLog: "boolean",
  defaultConfig: "object",
  outboundTrafficPolicy: "object",
  inboundTrafficPolicy: "object",
  configSources: "list",
  enableAutoMtls: "boolean",
  trustDomain: "string",
  trustDomainAliases: "list",
  caCertificates: "list",
  defaultServiceExportTo: "exportTo",
  defaultVirtualServiceExportTo: "exportTo",
  defaultDestinationRuleExportTo: "exportTo",
  rootNamespace: "string",
  localityLbSetting: "object",
  dnsRefreshRate: "duration",
  h2UpgradePolicy: { oneOf: ["DO_NOT_UPGRADE", "UPGRADE"] },
  inboundClusterStatName: "string",
  outboundClusterStatName: "string",
  certificates: "list",
  serviceSettings: "list",
  enablePrometheusMerge: "boolean",
  verifyCertificateAtClient: "boolean",
  ca: "object",
  extensionProviders: "list",
  defaultProviders: "object",
  discoverySelectors: "list",
  pathNormalization: "object",
  defaultHttpRetryPolicy: "object",
  meshMTLS: "object",
  tlsDefaults: "object",
  sdsUdsPath: "string",
  enableSdsTokenMount: "boolean",
  disablePolicyChecks: "boolean",
  policyCheckFailOpen: "boolean",
  mixerCheckServer: "string",
  mixerReportServer: "string",
  reportBatchMaxEntries: "count",
  reportBatchMaxTime: "duration",
  thriftConfig: "object",
  serviceAwareLoadBalancing: "boolean",
};

const PROXY_FIELDS: FieldTable = {
  configPath: "string",
  binaryPath: "string",
  serviceCluster: "string",
  drainDuration: "duration",
  parentShutdownDuration: "duration",
  terminationDrainDuration: "duration",
  discoveryAddress: "string",
  discoveryRefreshDelay: "duration",
  zipkinAddress: "string",
  statsdUdpAddress: "string",
  proxyAdminPort: "port",
  statusPort: "port",
  controlPlaneAuthPolicy: { oneOf: ["NONE", "MUTUAL_TLS"] },
  customConfigFile: "string",
  statNameLength: "count",
  concurrency: "count",
  proxyBootstrapTemplatePath: "string",
  interceptionMode: { oneOf: ["REDIRECT", "TPROXY", "NONE"] },
  tracing: "object",
  envoyAccessLogService: "object",
  envoyMetricsService: "object",
  proxyMetadata: "stringMap",
  extraStatTags: "list",
  gatewayTopology: "object",
  holdApplicationUntilProxyStarts: "boolean",
  caCertificatesPem: "list",
  image: "object",
  privateKeyProvider: "object",
  proxyStatsMatcher: "object",
  meshId: "string",
  runtimeValues: "stringMap",
  readinessProbe: "object",
  proxyHeaders: "object",
  sds: "object",
  envoyMetricsServiceAddress: "string",
  availabilityZone: "string",
};

/** Validates a MeshConfig body (the content of `spec`, or the parsed `mesh` ConfigMap key). */
export function validateMeshConfigSpec(spec: unknown, sink: IssueSink, pathPrefix: Path): void {
  if (!isRecord(spec)) {
    sink.error(pathPrefix, "mesh config must be a mapping of MeshConfig fields");
    return;
  }
  checkFieldTypes(sink, pathPrefix, spec, MESH_FIELDS, "MeshConfig");
  const at = (...p: (string | number)[]) => [...pathPrefix, ...p];
  const otp = rec(spec.outboundTrafficPolicy);
  if (otp && otp.mode !== undefined && otp.mode !== "ALLOW_ANY" && otp.mode !== "REGISTRY_ONLY")
    sink.error(
      at("outboundTrafficPolicy", "mode"),
      `outboundTrafficPolicy mode ${q(otp.mode)} must be ALLOW_ANY or REGISTRY_ONLY`,
    );
  if (typeof spec.rootNamespace === "string" && !isDns1123Label(spec.rootNamespace))
    sink.error(
      at("rootNamespace"),
      `rootNamespace ${q(spec.rootNamespace)} is not a valid namespace name`,
    );
  if (typeof spec.trustDomain === "string")
    checkTrustDomain(sink, at("trustDomain"), spec.trustDomain);
  list(spec.trustDomainAliases).forEach((d, i) =>
    checkTrustDomain(sink, at("trustDomainAliases", i), d),
  );
  if (typeof spec.ingressService === "string" && spec.ingressService !== "")
    checkHost(sink, at("ingressService"), spec.ingressService, { what: "ingressService" });
  if (spec.protocolDetectionTimeout !== undefined)
    // 0s turns the protocol sniffing timeout off, so zero is allowed here.
    checkDuration(sink, at("protocolDetectionTimeout"), spec.protocolDetectionTimeout, {
      minMs: 0,
      what: "protocolDetectionTimeout",
    });
  const connectMs =
    typeof spec.connectTimeout === "string" ? parseDurationMs(spec.connectTimeout) : undefined;
  if (connectMs !== undefined && connectMs > 30_000)
    sink.error(
      at("connectTimeout"),
      `connectTimeout ${q(spec.connectTimeout)} is too long; it must be at most 30s`,
    );
  checkLocalityLbSetting(sink, at("localityLbSetting"), spec.localityLbSetting);
  const names = new Set<string>();
  list(spec.extensionProviders).forEach((p, i) => {
    const name = rec(p)?.name;
    if (typeof name !== "string" || name === "")
      sink.error(at("extensionProviders", i, "name"), "extension provider needs a name");
    else if (names.has(name))
      sink.error(
        at("extensionProviders", i, "name"),
        `extension provider name ${q(name)} is used twice`,
      );
    if (typeof name === "string") names.add(name);
  });
  const proxy = rec(spec.defaultConfig);
  if (proxy) validateProxyConfig(proxy, sink, at("defaultConfig"));
}

function checkTrustDomain(sink: IssueSink, path: Path, value: unknown): void {
  const problem = typeof value === "string" ? dnsNameProblem(value) : "is not a string";
  if (problem)
    sink.error(path, `trust domain ${q(value)} ${problem}; use a domain such as cluster.local`);
}

/** ProxyConfig (MeshConfig.defaultConfig): addresses, ports and durations. */
export function validateProxyConfig(
  proxy: Record<string, unknown>,
  sink: IssueSink,
  path: Path,
): void {
  checkFieldTypes(sink, path, proxy, PROXY_FIELDS, "ProxyConfig");
  for (const field of ["discoveryAddress", "zipkinAddress", "statsdUdpAddress"]) {
    const v = proxy[field];
    if (typeof v === "string" && v !== "") checkHostPort(sink, [...path, field], v, field);
  }
  checkDrainDurations(sink, path, proxy);
  const zipkin = rec(rec(proxy.tracing)?.zipkin)?.address;
  if (typeof zipkin === "string" && zipkin !== "")
    checkHostPort(sink, [...path, "tracing", "zipkin", "address"], zipkin, "zipkin address");
}

/** `host:port` as used for discovery and tracing addresses. */
export function checkHostPort(sink: IssueSink, path: Path, value: string, what: string): void {
  const colon = value.lastIndexOf(":");
  if (colon <= 0) {
    sink.error(path, `${what} ${q(value)} must be host:port, e.g. istiod.istio-system.svc:15012`);
    return;
  }
  const port = value.slice(colon + 1);
  if (!/^\d+$/.test(port))
    sink.error(path, `${what} ${q(value)} has port ${q(port)}, which is not a number`);
  else checkPort(sink, path, Number(port), `${what} port`);
}

/** Drain and parent-shutdown times: whole seconds, at most 1h, parent shutdown after drain. */
function checkDrainDurations(sink: IssueSink, path: Path, proxy: Record<string, unknown>): void {
  const ms: Record<string, number | undefined> = {};
  for (const field of ["drainDuration", "parentShutdownDuration"]) {
    const v = proxy[field];
    const value = typeof v === "string" ? parseDurationMs(v) : undefined;
    ms[field] = value;
    if (value === undefined) continue;
    if (value % 1000 !== 0) sink.error([...path, field], `${field} ${q(v)} must be whole seconds`);
    else if (value > 3_600_000)
      sink.error([...path, field], `${field} ${q(v)} is too long; it must be at most 1h`);
  }
  const drain = ms.drainDuration;
  const parent = ms.parentShutdownDuration;
  if (drain !== undefined && parent !== undefined && parent <= drain)
    sink.error(
      [...path, "parentShutdownDuration"],
      `parentShutdownDuration ${q(proxy.parentShutdownDuration)} must be longer than drainDuration ${q(proxy.drainDuration)}`,
    );
}
