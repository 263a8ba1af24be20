// DestinationRule traffic policies: load balancing, connection pool, outlier detection, client TLS,
// and per-port settings.

import { checkDuration } from "./durations.js";
import { checkLocalityLbSetting } from "./locality.js";
import { checkPort } from "./ports.js";
import {
  checkNonNegativeInt,
  checkPercentValue,
  isRecord,
  list,
  present,
  q,
  rec,
  type IssueSink,
  type Path,
} from "./shape.js";

export function checkTrafficPolicy(
  sink: IssueSink,
  path: Path,
  policy: unknown,
  allowPortLevel = true,
): void {
  const p = rec(policy);
  if (!p) return;
  if (Object.values(p).every((v) => !present(v))) {
    sink.error(
      path,
      allowPortLevel
        ? "trafficPolicy is empty; set at least one of loadBalancer, connectionPool, outlierDetection, tls or portLevelSettings"
        : "portLevelSettings entry has only a port; add loadBalancer, connectionPool, outlierDetection or tls",
    );
    return;
  }
  if (present(p.tunnel) && present(p.proxyProtocol))
    sink.error(path, "tunnel and proxyProtocol cannot be set together");
  const tunnel = rec(p.tunnel);
  if (
    tunnel &&
    present(tunnel.protocol) &&
    tunnel.protocol !== "" &&
    tunnel.protocol !== "CONNECT" &&
    tunnel.protocol !== "POST"
  )
    sink.error(
      [...path, "tunnel", "protocol"],
      `tunnel protocol ${q(tunnel.protocol)} must be CONNECT or POST`,
    );
  checkLoadBalancer(sink, [...path, "loadBalancer"], p.loadBalancer);
  checkConnectionPool(sink, [...path, "connectionPool"], p.connectionPool);
  checkOutlierDetection(sink, [...path, "outlierDetection"], p.outlierDetection);
  checkClientTls(sink, [...path, "tls"], p.tls);
  if (!allowPortLevel) return;
  const seen = new Set<number>();
  list(p.portLevelSettings).forEach((s, i) => {
    const at = [...path, "portLevelSettings", i];
    const setting = rec(s) ?? {};
    const num = rec(setting.port)?.number;
    if (checkPort(sink, [...at, "port", "number"], num, "portLevelSettings port")) {
      if (seen.has(num as number))
        sink.error(
          [...at, "port", "number"],
          `port ${num} has more than one portLevelSettings entry`,
        );
      seen.add(num as number);
    }
    const { port: _port, ...rest } = setting;
    checkTrafficPolicy(sink, at, rest, false);
  });
}

function checkLoadBalancer(sink: IssueSink, path: Path, lb: unknown): void {
  const l = rec(lb);
  if (!l) return;
  if (present(l.simple) && present(l.consistentHash))
    sink.error(path, "loadBalancer sets both simple and consistentHash; use one");
  const ch = rec(l.consistentHash);
  if (ch) {
    const chosen = ["httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName"].filter(
      (k) => present(ch[k]) && ch[k] !== false && ch[k] !== "",
    );
    if (chosen.length !== 1)
      sink.error(
        [...path, "consistentHash"],
        chosen.length === 0
          ? "consistentHash needs exactly one hash key: httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName"
          : `consistentHash sets ${chosen.join(" and ")}; use exactly one hash key`,
      );
    const cookie = rec(ch.httpCookie);
    if (cookie) {
      if (typeof cookie.name !== "string" || cookie.name === "")
        sink.error([...path, "consistentHash", "httpCookie", "name"], "httpCookie needs a name");
      if (!present(cookie.ttl))
        sink.error(
          [...path, "consistentHash", "httpCookie", "ttl"],
          "httpCookie needs a ttl, e.g. 0s for a session cookie or 1h",
        );
      else
        checkDuration(sink, [...path, "consistentHash", "httpCookie", "ttl"], cookie.ttl, {
          minMs: 0,
          what: "ttl",
        });
    }
    checkNonNegativeInt(
      sink,
      [...path, "consistentHash", "minimumRingSize"],
      ch.minimumRingSize,
      "minimumRingSize",
    );
  }
  checkLocalityLbSetting(sink, [...path, "localityLbSetting"], l.localityLbSetting);
  const warmup = l.warmupDurationSecs;
  if (present(warmup))
    checkDuration(sink, [...path, "warmupDurationSecs"], warmup, { what: "warmupDurationSecs" });
}

function checkConnectionPool(sink: IssueSink, path: Path, pool: unknown): void {
  const cp = rec(pool);
  if (!cp) return;
  if (!present(cp.tcp) && !present(cp.http)) {
    sink.error(path, "connectionPool is empty; set tcp or http limits");
    return;
  }
  const tcp = rec(cp.tcp);
  if (tcp) {
    checkNonNegativeInt(
      sink,
      [...path, "tcp", "maxConnections"],
      tcp.maxConnections,
      "maxConnections",
    );
    checkDuration(sink, [...path, "tcp", "connectTimeout"], tcp.connectTimeout, {
      what: "connectTimeout",
    });
    checkDuration(sink, [...path, "tcp", "maxConnectionDuration"], tcp.maxConnectionDuration, {
      what: "maxConnectionDuration",
    });
    checkDuration(sink, [...path, "tcp", "idleTimeout"], tcp.idleTimeout, {
      what: "idleTimeout",
      minMs: 0,
    }); // 0s turns it off
    const ka = rec(tcp.tcpKeepalive);
    if (ka) {
      checkNonNegativeInt(
        sink,
        [...path, "tcp", "tcpKeepalive", "probes"],
        ka.probes,
        "keepalive probes",
      );
      checkDuration(sink, [...path, "tcp", "tcpKeepalive", "time"], ka.time, {
        what: "keepalive time",
      });
      checkDuration(sink, [...path, "tcp", "tcpKeepalive", "interval"], ka.interval, {
        what: "keepalive interval",
      });
    }
  }
  const http = rec(cp.http);
  if (http) {
    for (const f of [
      "http1MaxPendingRequests",
      "http2MaxRequests",
      "maxRequestsPerConnection",
      "maxRetries",
      "maxConcurrentStreams",
    ])
      checkNonNegativeInt(sink, [...path, "http", f], http[f], f);
    checkDuration(sink, [...path, "http", "idleTimeout"], http.idleTimeout, {
      what: "idleTimeout",
    });
    if (http.h2UpgradePolicy === "UPGRADE" && http.useClientProtocol === true)
      sink.error(
        [...path, "http", "useClientProtocol"],
        "useClientProtocol cannot be true when h2UpgradePolicy is UPGRADE",
      );
  }
}

function checkOutlierDetection(sink: IssueSink, path: Path, od: unknown): void {
  const o = rec(od);
  if (!o) return;
  for (const f of [
    "consecutiveErrors",
    "consecutive5xxErrors",
    "consecutiveGatewayErrors",
    "consecutiveLocalOriginFailures",
  ]) {
    const v = o[f];
    const value = isRecord(v) ? v.value : v; // consecutive5xxErrors may be written as {value: N}
    checkNonNegativeInt(sink, [...path, f], value, f);
  }
  if (typeof o.consecutiveErrors === "number" && o.consecutiveErrors !== 0)
    sink.warn(
      [...path, "consecutiveErrors"],
      "consecutiveErrors is deprecated; use consecutive5xxErrors or consecutiveGatewayErrors",
    );
  const localOrigin = o.consecutiveLocalOriginFailures;
  const localOriginValue = isRecord(localOrigin) ? localOrigin.value : localOrigin;
  if (
    typeof localOriginValue === "number" &&
    localOriginValue > 0 &&
    o.splitExternalLocalOriginErrors !== true
  )
    sink.error(
      [...path, "consecutiveLocalOriginFailures"],
      "consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors: true",
    );
  checkDuration(sink, [...path, "interval"], o.interval, { what: "interval" });
  checkDuration(sink, [...path, "baseEjectionTime"], o.baseEjectionTime, {
    what: "baseEjectionTime",
  });
  checkPercentValue(
    sink,
    [...path, "maxEjectionPercent"],
    o.maxEjectionPercent,
    "maxEjectionPercent",
  );
  checkPercentValue(sink, [...path, "minHealthPercent"], o.minHealthPercent, "minHealthPercent");
}

/** Client-side TLS settings toward the destination. */
export function checkClientTls(sink: IssueSink, path: Path, tls: unknown): void {
  const t = rec(tls);
  if (!t) return;
  const mode = typeof t.mode === "string" ? t.mode : "DISABLE";
  const has = (k: string) => typeof t[k] === "string" && t[k] !== "";
  if ((mode === "SIMPLE" || mode === "MUTUAL") && has("credentialName")) {
    const files = ["clientCertificate", "privateKey", "caCertificates"].filter(has);
    if (files.length > 0)
      sink.error(
        path,
        `tls credentialName already supplies the certificates; remove ${files.join(", ")}`,
      );
    return;
  }
  if (
    mode === "MUTUAL" &&
    !has("credentialName") &&
    (!has("clientCertificate") || !has("privateKey"))
  )
    sink.error(path, "tls mode MUTUAL needs clientCertificate and privateKey, or a credentialName");
  if (mode === "ISTIO_MUTUAL") {
    const extra = ["clientCertificate", "privateKey", "caCertificates", "credentialName"].filter(
      has,
    );
    if (extra.length > 0)
      sink.error(
        path,
        `tls mode ISTIO_MUTUAL uses the mesh certificates; remove ${extra.join(", ")}`,
      );
  }
  if (mode === "DISABLE") {
    const extra = ["clientCertificate", "privateKey", "caCertificates", "credentialName"].filter(
      has,
    );
    if (extra.length > 0)
      sink.error(
        [...path, "mode"],
        `tls mode DISABLE sends plain text; ${extra.join(", ")} would be ignored (set mode SIMPLE or MUTUAL)`,
      );
  }
  list(t.subjectAltNames).forEach((s, i) => {
    if (typeof s !== "string" || s === "")
      sink.error([...path, "subjectAltNames", i], `subjectAltNames entry ${q(s)} is empty`);
  });
}
