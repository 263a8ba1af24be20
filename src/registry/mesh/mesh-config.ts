// Mesh-wide settings: MeshConfig and MeshNetworks with Istio's defaults. Sources, in order (later
// wins): the defaults, the ConfigMap `istio` in the control plane's namespace (`data.mesh`,
// `data.meshNetworks`, YAML strings), then a MeshConfig / MeshNetworks object (`spec`), which is
// how `meshpilot serve --mesh-config FILE` arrives. As in Istio, every top-level field given
// replaces the default, except `defaultConfig` (the ProxyConfig), which is merged field by field.

import { parse as parseYaml } from "yaml";
import type { ConfigObject } from "../config-object.js";

export type OutboundTrafficMode = "ALLOW_ANY" | "REGISTRY_ONLY";

/** The MeshConfig fields the model and generators read; every other field is kept in `raw`. */
export interface MeshConfig {
  readonly rootNamespace: string;
  readonly trustDomain: string;
  readonly trustDomainAliases: readonly string[];
  readonly outboundTrafficPolicy: { readonly mode: OutboundTrafficMode };
  readonly enableAutoMtls: boolean;
  /** Durations as written (`10s`, `100ms`). */
  readonly connectTimeout: string;
  readonly protocolDetectionTimeout: string;
  readonly dnsRefreshRate: string;
  readonly enableTracing: boolean;
  readonly accessLogFile: string;
  readonly ingressClass: string;
  readonly ingressService: string;
  readonly ingressControllerMode: string;
  readonly defaultServiceExportTo: readonly string[];
  readonly defaultVirtualServiceExportTo: readonly string[];
  readonly defaultDestinationRuleExportTo: readonly string[];
  readonly localityLbSetting: Readonly<Record<string, unknown>>;
  readonly defaultConfig: Readonly<Record<string, unknown>>;
  /** The merged document, including fields this interface does not name. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface NetworkEndpointRule {
  readonly fromRegistry?: string;
  readonly fromCidr?: string;
}
export interface NetworkGateway {
  readonly address?: string;
  readonly registryServiceName?: string;
  readonly port: number;
  readonly locality?: string;
}
export interface MeshNetworks {
  readonly networks: Readonly<
    Record<
      string,
      {
        readonly endpoints: readonly NetworkEndpointRule[];
        readonly gateways: readonly NetworkGateway[];
      }
    >
  >;
}

export function defaultProxyConfig(): Record<string, unknown> {
  return {
    configPath: "./etc/istio/proxy",
    binaryPath: "/usr/local/bin/envoy",
    serviceCluster: "istio-proxy",
    drainDuration: "45s",
    terminationDrainDuration: "5s",
    proxyAdminPort: 15000,
    concurrency: 2,
    controlPlaneAuthPolicy: "MUTUAL_TLS",
    discoveryAddress: "istiod.istio-system.svc:15012",
    tracing: { zipkin: { address: "zipkin.istio-system:9411" } },
    statNameLength: 189,
    statusPort: 15020,
  };
}

export function defaultMeshConfigDocument(): Record<string, unknown> {
  return {
    enableTracing: true,
    accessLogFile: "",
    accessLogEncoding: "TEXT",
    accessLogFormat: "",
    enableEnvoyAccessLogService: false,
    protocolDetectionTimeout: "0s",
    ingressService: "istio-ingressgateway",
    ingressControllerMode: "STRICT",
    ingressClass: "istio",
    trustDomain: "cluster.local",
    trustDomainAliases: [],
    enableAutoMtls: true,
    outboundTrafficPolicy: { mode: "ALLOW_ANY" },
    localityLbSetting: { enabled: true },
    certificates: [],
    defaultConfig: defaultProxyConfig(),
    rootNamespace: "istio-system",
    proxyListenPort: 15001,
    connectTimeout: "10s",
    defaultServiceExportTo: ["*"],
    defaultVirtualServiceExportTo: ["*"],
    defaultDestinationRuleExportTo: ["*"],
    dnsRefreshRate: "60s",
    serviceSettings: [],
    defaultProviders: {},
    extensionProviders: [
      { name: "prometheus", prometheus: {} },
      { name: "stackdriver", stackdriver: {} },
      { name: "envoy", envoyFileAccessLog: { path: "/dev/stdout" } },
    ],
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Overlay `override` on `base`: top-level fields replace, `defaultConfig` merges. */
export function applyMeshConfig(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base, ...override };
  if (isRecord(override.defaultConfig) && isRecord(base.defaultConfig)) {
    const merged: Record<string, unknown> = { ...base.defaultConfig, ...override.defaultConfig };
    if (
      isRecord(base.defaultConfig.proxyMetadata) &&
      isRecord(override.defaultConfig.proxyMetadata)
    )
      merged.proxyMetadata = {
        ...base.defaultConfig.proxyMetadata,
        ...override.defaultConfig.proxyMetadata,
      };
    out.defaultConfig = merged;
  }
  // Istio keeps the default extension providers and replaces those given by name.
  if (Array.isArray(override.extensionProviders) && Array.isArray(base.extensionProviders)) {
    const byName = new Map<string, unknown>();
    for (const p of [...base.extensionProviders, ...override.extensionProviders])
      if (isRecord(p) && typeof p.name === "string") byName.set(p.name, p);
    out.extensionProviders = [...byName.values()];
  }
  return out;
}

function str(v: unknown, fallback: string): string {
  return typeof v === "string" ? v : typeof v === "number" ? `${v}s` : fallback;
}
function strings(v: unknown, fallback: readonly string[]): readonly string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : fallback;
}
function bool(v: unknown, fallback: boolean): boolean {
  return typeof v === "boolean" ? v : fallback;
}

export function toMeshConfig(doc: Record<string, unknown>): MeshConfig {
  const otp = isRecord(doc.outboundTrafficPolicy) ? doc.outboundTrafficPolicy : {};
  return {
    rootNamespace: str(doc.rootNamespace, "istio-system") || "istio-system",
    trustDomain: str(doc.trustDomain, "cluster.local") || "cluster.local",
    trustDomainAliases: strings(doc.trustDomainAliases, []),
    outboundTrafficPolicy: { mode: otp.mode === "REGISTRY_ONLY" ? "REGISTRY_ONLY" : "ALLOW_ANY" },
    enableAutoMtls: bool(doc.enableAutoMtls, true),
    connectTimeout: str(doc.connectTimeout, "10s"),
    protocolDetectionTimeout: str(doc.protocolDetectionTimeout, "0s"),
    dnsRefreshRate: str(doc.dnsRefreshRate, "60s"),
    enableTracing: bool(doc.enableTracing, true),
    accessLogFile: str(doc.accessLogFile, ""),
    ingressClass: str(doc.ingressClass, "istio"),
    ingressService: str(doc.ingressService, "istio-ingressgateway"),
    ingressControllerMode: str(doc.ingressControllerMode, "STRICT"),
    defaultServiceExportTo: strings(doc.defaultServiceExportTo, ["*"]),
    defaultVirtualServiceExportTo: strings(doc.defaultVirtualServiceExportTo, ["*"]),
    defaultDestinationRuleExportTo: strings(doc.defaultDestinationRuleExportTo, ["*"]),
    localityLbSetting: isRecord(doc.localityLbSetting) ? doc.localityLbSetting : {},
    defaultConfig: isRecord(doc.defaultConfig) ? doc.defaultConfig : defaultProxyConfig(),
    raw: doc,
  };
}

export function toMeshNetworks(doc: unknown): MeshNetworks {
  const networks: Record<string, MeshNetworks["networks"][string]> = {};
  const src = isRecord(doc) && isRecord(doc.networks) ? doc.networks : {};
  for (const name of Object.keys(src).sort()) {
    const n = src[name];
    if (!isRecord(n)) continue;
    const endpoints = (Array.isArray(n.endpoints) ? n.endpoints : []).filter(isRecord).map((e) => ({
      ...(typeof e.fromRegistry === "string" ? { fromRegistry: e.fromRegistry } : {}),
      ...(typeof e.fromCidr === "string" ? { fromCidr: e.fromCidr } : {}),
    }));
    const gateways = (Array.isArray(n.gateways) ? n.gateways : []).filter(isRecord).map((g) => ({
      ...(typeof g.address === "string" ? { address: g.address } : {}),
      ...(typeof g.registryServiceName === "string"
        ? { registryServiceName: g.registryServiceName }
        : {}),
      port: typeof g.port === "number" ? g.port : 15443,
      ...(typeof g.locality === "string" ? { locality: g.locality } : {}),
    }));
    networks[name] = { endpoints, gateways };
  }
  return { networks };
}

export interface MeshSettings {
  readonly meshConfig: MeshConfig;
  readonly meshNetworks: MeshNetworks;
  /** Problems reading mesh config (bad YAML in the ConfigMap); the defaults are used instead. */
  readonly problems: readonly string[];
}

/** Mesh settings from the objects of a model (see the header for precedence). */
export function readMeshSettings(
  objects: readonly ConfigObject[],
  systemNamespace: string,
): MeshSettings {
  let doc = defaultMeshConfigDocument();
  let networksDoc: unknown = { networks: {} };
  const problems: string[] = [];
  const configMap = objects.find(
    (o) =>
      o.kind === "ConfigMap" &&
      o.metadata.name === "istio" &&
      o.metadata.namespace === systemNamespace,
  );
  const data = isRecord(configMap?.body.data) ? configMap.body.data : {};
  const parsed = (field: string): unknown => {
    const text = data[field];
    if (typeof text !== "string") return undefined;
    try {
      return parseYaml(text) ?? {};
    } catch (e) {
      problems.push(`ConfigMap ${systemNamespace}/istio data.${field}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const mesh = parsed("mesh");
  if (isRecord(mesh)) doc = applyMeshConfig(doc, mesh);
  const nets = parsed("meshNetworks");
  if (nets !== undefined) networksDoc = nets;
  const meshObjects = objects
    .filter((o) => o.kind === "MeshConfig" || o.kind === "MeshNetworks")
    .sort((a, b) =>
      a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0,
    );
  for (const o of meshObjects) {
    if (o.kind === "MeshConfig" && isRecord(o.body.spec)) doc = applyMeshConfig(doc, o.body.spec);
    if (o.kind === "MeshNetworks") networksDoc = o.body.spec ?? networksDoc;
  }
  return { meshConfig: toMeshConfig(doc), meshNetworks: toMeshNetworks(networksDoc), problems };
}
