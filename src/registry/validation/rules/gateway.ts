// Gateway: servers with ports, hosts and server-side TLS; a selector for the gateway workload.

import { checkNamespacedHost } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import { isDns1123Label } from "./names.js";
import { checkIstioPortName, checkPort, checkProtocol, protocolOf } from "./ports.js";
import { isRecord, list, q, rec, type IssueSink, type Path } from "./shape.js";

export const gatewayRule: KindRule = (doc, report, ctx) => {
  const spec = rec(doc.spec) ?? {};
  // VirtualServices refer to Gateways as namespace/name, so the name cannot contain dots.
  if (!isDns1123Label(ctx.name))
    report.error(
      "metadata.name",
      `Gateway name ${q(ctx.name)} must be a DNS-1123 label (no dots), so VirtualServices can refer to it as namespace/name`,
    );
  const selector = rec(spec.selector);
  if (!selector || Object.keys(selector).length === 0)
    report.warn(
      ["spec", "selector"],
      "selector is empty; this Gateway applies to every gateway workload (usually you want istio: ingressgateway)",
    );
  checkLabels(report, ["spec", "selector"], spec.selector, "selector label");
  const servers = list(spec.servers);
  if (servers.length === 0) {
    report.error(
      ["spec", "servers"],
      "Gateway has no servers; add at least one server with a port and hosts",
    );
    return;
  }
  const portNames = new Map<string, number>();
  servers.forEach((s, i) => {
    const at = ["spec", "servers", i];
    if (!isRecord(s)) {
      report.error(at, "server must be a mapping");
      return;
    }
    const port = rec(s.port);
    if (!port) report.error([...at, "port"], "server needs a port with number, protocol and name");
    else {
      checkPort(report, [...at, "port", "number"], port.number, "server port");
      checkProtocol(report, [...at, "port", "protocol"], port.protocol);
      checkIstioPortName(report, [...at, "port", "name"], port.name);
      if (typeof port.targetPort === "number" && port.targetPort > 0)
        report.error(
          [...at, "port", "targetPort"],
          "targetPort has no effect on a Gateway server; remove it",
        );
      if (typeof port.name === "string" && port.name !== "") {
        const first = portNames.get(port.name);
        if (first !== undefined)
          report.error(
            [...at, "port", "name"],
            `port name ${q(port.name)} is already used by servers[${first}]; server port names must be unique`,
          );
        else portNames.set(port.name, i);
      }
    }
    const hosts = list(s.hosts);
    if (hosts.length === 0)
      report.error(
        [...at, "hosts"],
        'server needs at least one host, e.g. "*" or "bookinfo.example.com"',
      );
    hosts.forEach((h, j) => checkNamespacedHost(report, [...at, "hosts", j], h, "gateway"));
    checkServerTls(report, [...at, "tls"], s.tls, protocolOf(port?.protocol));
  });
};

const TLS_VERSIONS = ["TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3"];

function checkServerTls(
  sink: IssueSink,
  path: Path,
  tls: unknown,
  protocol: string | undefined,
): void {
  const t = rec(tls);
  const needsTls = protocol === "HTTPS" || protocol === "TLS";
  if (!t) {
    if (needsTls)
      sink.error(
        path,
        `${protocol} server needs a tls block with a mode (SIMPLE, MUTUAL, PASSTHROUGH, ...)`,
      );
    return;
  }
  if (protocol !== undefined && !needsTls) {
    const isHttp = ["HTTP", "HTTP2", "GRPC", "GRPC-WEB"].includes(protocol);
    const extra = Object.keys(t).filter(
      (k) => k !== "httpsRedirect" && t[k] !== undefined && t[k] !== null,
    );
    if (!isHttp) {
      sink.error(
        path,
        `a ${protocol} server cannot have TLS settings; use protocol TLS or HTTPS to terminate or pass through TLS`,
      );
      return;
    }
    if (extra.length > 0) {
      sink.error(
        path,
        `plain ${protocol} server cannot have TLS settings (${extra.join(", ")}); use protocol HTTPS, or only httpsRedirect: true`,
      );
      return;
    }
  }
  if (needsTls && typeof t.mode !== "string")
    sink.error(
      [...path, "mode"],
      `${protocol} server tls needs a mode: SIMPLE, MUTUAL, PASSTHROUGH, AUTO_PASSTHROUGH or ISTIO_MUTUAL`,
    );
  const has = (k: string) => typeof t[k] === "string" && t[k] !== "";
  const mode = t.mode;
  const sources = [
    has("credentialName") && "credentialName",
    Array.isArray(t.credentialNames) && t.credentialNames.length > 0 && "credentialNames",
    has("serverCertificate") && has("privateKey") && "serverCertificate/privateKey",
    Array.isArray(t.tlsCertificates) && t.tlsCertificates.length > 0 && "tlsCertificates",
  ].filter((x): x is string => typeof x === "string");
  if (sources.length > 1)
    sink.error(
      path,
      `tls sets ${sources.join(" and ")}; give the certificate in only one of these ways`,
    );
  if (needsTls && t.httpsRedirect === true)
    sink.warn([...path, "httpsRedirect"], "httpsRedirect only makes sense on plain HTTP servers");
  if (
    (mode === "PASSTHROUGH" || mode === "AUTO_PASSTHROUGH") &&
    sources.length + (has("caCertificates") ? 1 : 0) > 0
  )
    sink.warn(path, `tls mode ${mode} does not terminate TLS; the certificates given are ignored`);
  if (
    (mode === "SIMPLE" || mode === "MUTUAL" || mode === "OPTIONAL_MUTUAL") &&
    !has("credentialName")
  ) {
    if (!has("serverCertificate") || !has("privateKey"))
      sink.error(
        path,
        `tls mode ${mode} needs credentialName, or serverCertificate and privateKey`,
      );
    else if (mode !== "SIMPLE" && !has("caCertificates"))
      sink.error(
        [...path, "caCertificates"],
        `tls mode ${mode} needs caCertificates to verify client certificates (or use credentialName)`,
      );
  }
  if (mode === "ISTIO_MUTUAL") {
    const extra = ["serverCertificate", "privateKey", "caCertificates", "credentialName"].filter(
      has,
    );
    if (extra.length > 0)
      sink.error(
        path,
        `tls mode ISTIO_MUTUAL uses the mesh certificates; remove ${extra.join(", ")}`,
      );
  }
  const min = TLS_VERSIONS.indexOf(String(t.minProtocolVersion ?? "TLS_AUTO"));
  const max = TLS_VERSIONS.indexOf(String(t.maxProtocolVersion ?? "TLS_AUTO"));
  if (min > 0 && max > 0 && min > max)
    sink.error(
      [...path, "minProtocolVersion"],
      `minProtocolVersion ${q(t.minProtocolVersion)} is above maxProtocolVersion ${q(t.maxProtocolVersion)}`,
    );
}
