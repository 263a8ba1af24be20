// File access logs from mesh config (`accessLogFile`, `accessLogFormat`), as Istio adds them when
// no Telemetry resource configures logging: on every HTTP connection manager and tcp_proxy (the
// explicit blackhole chains excepted), and on virtualOutbound, inbound and gateway listeners for
// connections no filter chain takes (response flag NR). Off when accessLogFile is empty (the
// default). Only TEXT encoding is emitted; accessLogEncoding JSON falls back to Istio's text format.

import type { MeshConfig } from "../../registry/mesh/mesh-config.js";
import { typed, type EnvoyMessage } from "../envoy-message.js";
import { VIRTUAL_INBOUND_BLACKHOLE_CHAIN, VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN } from "./names.js";

/** Istio's default text format (EnvoyTextLogFormat). */
export const ISTIO_TEXT_LOG_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" ' +
  "%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% " +
  '"%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% %DURATION% ' +
  '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" ' +
  '"%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% ' +
  "%UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% " +
  "%REQUESTED_SERVER_NAME% %ROUTE_NAME%\n";

const TCP_PROXY = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
const HCM =
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const BLACKHOLE_CHAINS = new Set([
  VIRTUAL_OUTBOUND_BLACKHOLE_CHAIN,
  VIRTUAL_INBOUND_BLACKHOLE_CHAIN,
]);

function fileAccessLog(mesh: MeshConfig): EnvoyMessage {
  const custom = typeof mesh.raw.accessLogFormat === "string" ? mesh.raw.accessLogFormat : "";
  const format =
    custom === "" ? ISTIO_TEXT_LOG_FORMAT : custom.endsWith("\n") ? custom : `${custom}\n`;
  return {
    name: "envoy.access_loggers.file",
    typedConfig: typed("envoy.extensions.access_loggers.file.v3.FileAccessLog", {
      path: mesh.accessLogFile,
      logFormat: { textFormatSource: { inlineString: format } },
    }),
  };
}

function withLoggedFilters(chain: EnvoyMessage, log: EnvoyMessage): EnvoyMessage {
  if (BLACKHOLE_CHAINS.has(chain.name as string)) return chain;
  const filters = (chain.filters as EnvoyMessage[]).map((f) => {
    const config = f.typedConfig as EnvoyMessage | undefined;
    const type = config?.["@type"];
    if (type !== TCP_PROXY && type !== HCM) return f;
    return { ...f, typedConfig: { ...config, accessLog: [log] } };
  });
  return { ...chain, filters };
}

/** The listener with access logs, or unchanged when mesh config asks for none. */
export function withAccessLogs(
  listener: EnvoyMessage,
  mesh: MeshConfig,
  listenerLevel: boolean,
): EnvoyMessage {
  if (!mesh.accessLogFile) return listener;
  const log = fileAccessLog(mesh);
  const out: Record<string, unknown> = {
    ...listener,
    filterChains: (listener.filterChains as EnvoyMessage[]).map((c) => withLoggedFilters(c, log)),
  };
  if (listener.defaultFilterChain)
    out.defaultFilterChain = withLoggedFilters(listener.defaultFilterChain as EnvoyMessage, log);
  if (listenerLevel)
    out.accessLog = [{ ...log, filter: { responseFlagFilter: { flags: ["NR"] } } }];
  return out;
}
