// A cluster under construction: its fields, and the upstream HTTP protocol options that end up in
// `typedExtensionProtocolOptions` (built last, as they collect settings from several steps).
// `finishCluster` writes the fields in one fixed order, so output bytes do not depend on the
// order the steps ran in.

import { typed, type EnvoyMessage } from "../envoy-message.js";

export const HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

export interface HttpOptionsDraft {
  common?: Record<string, unknown>;
  upstream?: Record<string, unknown>;
  /** Upstream protocol: explicit HTTP/2, explicit HTTP/1.1, or the downstream's. */
  protocol?: "h2" | "http1" | "downstream";
}

export interface ClusterDraft {
  readonly fields: Record<string, unknown>;
  http?: HttpOptionsDraft;
}

export function newDraft(fields: Record<string, unknown>): ClusterDraft {
  return { fields };
}

export function httpOptions(d: ClusterDraft): HttpOptionsDraft {
  return (d.http ??= {});
}

export function isHttp2Cluster(d: ClusterDraft): boolean {
  return d.http?.protocol === "h2";
}

export function clusterType(d: ClusterDraft): string {
  return d.fields.type as string;
}

/** The HttpProtocolOptions message (upstream protocol defaults to explicit HTTP/1.1). */
export function httpProtocolOptionsMessage(h: HttpOptionsDraft): EnvoyMessage {
  const protocol = h.protocol ?? "http1";
  return typed(HTTP_PROTOCOL_OPTIONS, {
    ...(h.common ? { commonHttpProtocolOptions: h.common } : {}),
    ...(h.upstream ? { upstreamHttpProtocolOptions: h.upstream } : {}),
    ...(protocol === "downstream"
      ? { useDownstreamProtocolConfig: { httpProtocolOptions: {}, http2ProtocolOptions: {} } }
      : {
          explicitHttpConfig:
            protocol === "h2" ? { http2ProtocolOptions: {} } : { httpProtocolOptions: {} },
        }),
  });
}

const FIELD_ORDER = [
  "name",
  "altStatName",
  "type",
  "edsClusterConfig",
  "connectTimeout",
  "lbPolicy",
  "ringHashLbConfig",
  "maglevLbConfig",
  "leastRequestLbConfig",
  "roundRobinLbConfig",
  "loadAssignment",
  "circuitBreakers",
  "typedExtensionProtocolOptions",
  "dnsRefreshRate",
  "respectDnsTtl",
  "dnsLookupFamily",
  "outlierDetection",
  "cleanupInterval",
  "upstreamBindConfig",
  "commonLbConfig",
  "transportSocket",
  "transportSocketMatches",
  "metadata",
  "upstreamConnectionOptions",
];

export function finishCluster(d: ClusterDraft): EnvoyMessage {
  const f: Record<string, unknown> = { ...d.fields };
  if (d.http)
    f.typedExtensionProtocolOptions = {
      [HTTP_PROTOCOL_OPTIONS]: httpProtocolOptionsMessage(d.http),
    };
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (f[k] !== undefined) out[k] = f[k];
  for (const k of Object.keys(f).sort()) if (!(k in out) && f[k] !== undefined) out[k] = f[k];
  return out;
}
