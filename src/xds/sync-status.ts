// Sync status per proxy and type — SYNCED, NOT SENT, STALE, ERROR (with the NACK's message) —
// merged over every stream of the proxy (ADS, or one stream per type for non-ADS bootstraps),
// and rendered in istiod's /debug/syncz JSON shape.

import type { XdsConnection } from "./connection.js";
import type { Proxy } from "./proxy-identity.js";
import type { SyncState } from "./type-state.js";
import { byPushOrder, DEBUG_TYPES, TypeUrl } from "./type-urls.js";

export interface TypeSync {
  readonly typeUrl: string;
  readonly state: SyncState;
  readonly nonceSent: string;
  readonly nonceAcked: string;
  readonly versionSent: string;
  readonly versionAcked: string;
  readonly lastError: string;
  readonly sentAt: number;
  readonly ackedAt: number;
  /** Pushes ordered for this type on this stream (XdsServer.push). */
  readonly pushes: number;
  readonly connectionId: string;
}

export interface ProxySync {
  readonly proxy: Proxy;
  readonly connections: ReadonlyArray<{ id: string; variant: string; peer: string }>;
  readonly types: readonly TypeSync[];
}

export interface ConnectionSource {
  connections(): XdsConnection[];
}

export function proxySyncStatus(source: ConnectionSource): ProxySync[] {
  const byProxy = new Map<string, XdsConnection[]>();
  for (const c of source.connections()) {
    if (!c.proxy) continue;
    const list = byProxy.get(c.proxy.id) ?? [];
    list.push(c);
    byProxy.set(c.proxy.id, list);
  }
  return [...byProxy.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, conns]) => {
      const types: TypeSync[] = [];
      for (const c of conns) {
        for (const [typeUrl, st] of c.states) {
          if (DEBUG_TYPES.has(typeUrl)) continue;
          types.push({
            typeUrl,
            state: st.syncState,
            nonceSent: st.nonceSent,
            nonceAcked: st.nonceAcked,
            versionSent: st.versionSent,
            versionAcked: st.versionAcked,
            lastError: st.lastError,
            sentAt: st.sentAt,
            ackedAt: st.ackedAt,
            pushes: st.pushes,
            connectionId: c.id,
          });
        }
      }
      types.sort((a, b) => byPushOrder(a.typeUrl, b.typeUrl));
      return {
        proxy: conns[0]?.proxy as Proxy,
        connections: conns.map((c) => ({ id: c.id, variant: c.variant, peer: c.peer })),
        types,
      };
    });
}

/**
 * One row of istiod's /debug/syncz (sent/acked are nonces), plus per-type status, error and
 * pushes (how many pushes the control plane ordered for that type; absent when none).
 */
export type SyncRow = Record<string, string>;

const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  [TypeUrl.Cluster, "cluster"],
  [TypeUrl.Listener, "listener"],
  [TypeUrl.Route, "route"],
  [TypeUrl.Endpoint, "endpoint"],
  [TypeUrl.Secret, "secret"],
];

export const CONTROL_PLANE_VERSION = "meshpilot-0.1.0";

export function syncz(source: ConnectionSource): SyncRow[] {
  return proxySyncStatus(source).map(({ proxy, types }) => {
    const row: SyncRow = {
      cluster_id: proxy.clusterId,
      proxy: proxy.id,
      proxy_type: proxy.kind === "router" ? "router" : "sidecar",
      proxy_version: proxy.istioVersion,
      istio_version: CONTROL_PLANE_VERSION,
    };
    for (const [typeUrl, col] of COLUMNS) {
      const t = types.find((x) => x.typeUrl === typeUrl);
      if (!t) continue;
      if (t.nonceSent) row[`${col}_sent`] = t.nonceSent;
      if (t.nonceAcked) row[`${col}_acked`] = t.nonceAcked;
      row[`${col}_status`] = t.state;
      if (t.lastError) row[`${col}_error`] = t.lastError;
      if (t.pushes > 0) row[`${col}_pushes`] = String(t.pushes);
    }
    return row;
  });
}
