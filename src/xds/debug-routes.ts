// HTTP debug endpoints for the xDS server on the monitoring address:
//   /debug/syncz                       istiod's JSON rows: per proxy, per type sent/acked nonces,
//                                      status (SYNCED / NOT SENT / STALE / ERROR) and NACK error
//   /debug/config_dump?proxyID=ID      the resources the server has for one proxy, decoded to JSON
//                                      (secrets by name and version only)

import type { MonitoringServer } from "../monitoring/http-server.js";
import type { XdsServer } from "./ads-server.js";
import { subscribedResources } from "./debug-types.js";
import { messageTypeForUrl } from "./protos.js";
import { proxySyncStatus, syncz } from "./sync-status.js";
import { shortName, TypeUrl } from "./type-urls.js";

function decodeToJson(typeUrl: string, bytes: Uint8Array): unknown {
  const t = messageTypeForUrl(typeUrl);
  if (!t) return { undecodable: typeUrl };
  return t.toObject(t.decode(bytes), { enums: String, longs: String, bytes: String, json: true });
}

export function configDumpJson(server: XdsServer, proxyId: string): unknown {
  const status = proxySyncStatus(server).find((s) => s.proxy.id === proxyId);
  if (!status) return undefined;
  const types: Record<string, unknown> = {};
  for (const t of status.types) {
    types[shortName(t.typeUrl)] = {
      status: t.state,
      version_sent: t.versionSent,
      version_acked: t.versionAcked,
      ...(t.lastError ? { error: t.lastError } : {}),
      resources: subscribedResources(server, status.proxy, t.typeUrl).map((r) => ({
        name: r.name,
        version: r.version,
        ...(t.typeUrl === TypeUrl.Secret
          ? {}
          : { resource: decodeToJson(r.typeUrl, r.messageBytes) }),
      })),
    };
  }
  return { proxy: status.proxy, connections: status.connections, types };
}

export function registerXdsDebugRoutes(monitoring: MonitoringServer, server: XdsServer): void {
  monitoring.route(
    "/debug/syncz",
    "sync status of every connected proxy, per xDS type (istiod's JSON shape)",
    () => ({ body: syncz(server) }),
  );
  monitoring.route(
    "/debug/config_dump",
    "?proxyID=ID: the xDS resources the server has for one connected proxy",
    (req) => {
      const id = req.query.get("proxyID") ?? "";
      if (!id) return { status: 400, body: "proxyID query parameter is required\n" };
      const dump = configDumpJson(server, id);
      if (dump === undefined) return { status: 404, body: `proxy ${id} is not connected\n` };
      return { body: dump };
    },
  );
}
