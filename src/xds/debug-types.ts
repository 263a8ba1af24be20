// Istio's debug types over xDS, so istioctl-style tools work against the ADS port:
//   istio.io/debug/syncz        one envoy.service.status.v3.ClientConfig per proxy (CSDS shape,
//                               config_status SYNCED / NOT_SENT / STALE / ERROR per type)
//   istio.io/debug/config_dump  one envoy.admin.v3.ConfigDump for each proxy named in
//                               resource_names (what the server currently has for it)
// A requester sees only proxies of its own namespace, unless it runs in the system namespace.
// Secrets never appear in a config dump.

import { EncodedResource, ResourceSet, type ResourceSnapshot } from "./encoded-resource.js";
import { encodeMessage, jsonToStruct } from "./protos.js";
import type { Proxy } from "./proxy-identity.js";
import { proxySyncStatus, type ConnectionSource, type ProxySync } from "./sync-status.js";
import type { SyncState } from "./type-state.js";
import { TypeUrl } from "./type-urls.js";

export const SYSTEM_NAMESPACE = "istio-system";

export interface DebugSource extends ConnectionSource {
  resolve(proxy: Proxy): ResourceSnapshot | undefined;
}

const CLIENT_CONFIG = "envoy.service.status.v3.ClientConfig";
const CLIENT_CONFIG_URL = `type.googleapis.com/${CLIENT_CONFIG}`;
const CONFIG_DUMP = "envoy.admin.v3.ConfigDump";
const CONFIG_DUMP_URL = `type.googleapis.com/${CONFIG_DUMP}`;

const CONFIG_STATUS: Record<SyncState, number> = {
  SYNCED: 1,
  "NOT SENT": 2,
  STALE: 3,
  ERROR: 4,
};

function visibleTo(requester: Proxy, p: Proxy): boolean {
  return requester.namespace === SYSTEM_NAMESPACE || requester.namespace === p.namespace;
}

function clientConfig(s: ProxySync): Uint8Array {
  return encodeMessage(CLIENT_CONFIG, {
    node: {
      id: s.proxy.id,
      metadata: jsonToStruct({
        CLUSTER_ID: s.proxy.clusterId,
        NAMESPACE: s.proxy.namespace,
        ISTIO_VERSION: s.proxy.istioVersion,
      }),
    },
    genericXdsConfigs: s.types.map((t) => ({
      typeUrl: t.typeUrl,
      versionInfo: t.versionAcked || t.versionSent,
      configStatus: CONFIG_STATUS[t.state],
      ...(t.lastError ? { errorState: { details: t.lastError } } : {}),
    })),
  });
}

/** The resources of `typeUrl` the proxy is subscribed to, from its current snapshot. */
export function subscribedResources(
  source: DebugSource,
  proxy: Proxy,
  typeUrl: string,
): EncodedResource[] {
  const set = source.resolve(proxy)?.get(typeUrl);
  if (!set) return [];
  const streams = source.connections().filter((c) => c.proxy?.id === proxy.id);
  const names = new Set<string>();
  let wildcard = false;
  for (const c of streams) {
    const st = c.states.get(typeUrl) as
      { wildcard?: boolean; names?: ReadonlySet<string> } | undefined;
    if (!st) continue;
    if (st.wildcard) wildcard = true;
    for (const n of st.names ?? []) names.add(n);
  }
  return set.names
    .filter((n) => wildcard || names.has(n))
    .map((n) => set.get(n) as EncodedResource);
}

function any(r: EncodedResource): { type_url: string; value: Uint8Array } {
  return { type_url: r.typeUrl, value: r.messageBytes };
}

function configDump(source: DebugSource, proxy: Proxy, versions: Map<string, string>): Uint8Array {
  const of = (t: string) => subscribedResources(source, proxy, t);
  const v = (t: string) => versions.get(t) ?? "";
  const parts: Array<[string, object]> = [
    [
      "envoy.admin.v3.ClustersConfigDump",
      {
        dynamicActiveClusters: of(TypeUrl.Cluster).map((r) => ({
          versionInfo: v(TypeUrl.Cluster),
          cluster: any(r),
        })),
      },
    ],
    [
      "envoy.admin.v3.EndpointsConfigDump",
      {
        dynamicEndpointConfigs: of(TypeUrl.Endpoint).map((r) => ({
          versionInfo: v(TypeUrl.Endpoint),
          endpointConfig: any(r),
        })),
      },
    ],
    [
      "envoy.admin.v3.ListenersConfigDump",
      {
        dynamicListeners: of(TypeUrl.Listener).map((r) => ({
          name: r.name,
          activeState: { versionInfo: v(TypeUrl.Listener), listener: any(r) },
        })),
      },
    ],
    [
      "envoy.admin.v3.RoutesConfigDump",
      {
        dynamicRouteConfigs: of(TypeUrl.Route).map((r) => ({
          versionInfo: v(TypeUrl.Route),
          routeConfig: any(r),
        })),
      },
    ],
  ];
  return encodeMessage(CONFIG_DUMP, {
    configs: parts.map(([type, msg]) => ({
      type_url: `type.googleapis.com/${type}`,
      value: encodeMessage(type, msg),
    })),
  });
}

export function buildDebugSet(
  source: DebugSource,
  typeUrl: string,
  requester: Proxy,
  names: ReadonlySet<string> | undefined,
): ResourceSet {
  const all = proxySyncStatus(source).filter(
    (s) => visibleTo(requester, s.proxy) && (!names || names.has(s.proxy.id)),
  );
  if (typeUrl === TypeUrl.DebugSyncz) {
    return new ResourceSet(
      typeUrl,
      all.map((s) =>
        EncodedResource.fromMessageBytes(typeUrl, s.proxy.id, clientConfig(s), CLIENT_CONFIG_URL),
      ),
    );
  }
  if (!names) return new ResourceSet(typeUrl, []);
  return new ResourceSet(
    typeUrl,
    all.map((s) => {
      const versions = new Map(s.types.map((t) => [t.typeUrl, t.versionAcked || t.versionSent]));
      return EncodedResource.fromMessageBytes(
        typeUrl,
        s.proxy.id,
        configDump(source, s.proxy, versions),
        CONFIG_DUMP_URL,
      );
    }),
  );
}
