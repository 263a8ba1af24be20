// Redirect and direct-response actions, as Istio: a redirect keeps `uri` as the path and
// `authority` as the host, maps redirectCode (default 301) to Envoy's enum (an unsupported code
// drops the route), and a redirect port equal to the scheme's default is left out.

import type { EnvoyMessage } from "../envoy-message.js";
import type { HTTPRoute } from "./istio-types.js";

const RESPONSE_CODE: Readonly<Record<number, string>> = {
  301: "MOVED_PERMANENTLY",
  302: "FOUND",
  303: "SEE_OTHER",
  307: "TEMPORARY_REDIRECT",
  308: "PERMANENT_REDIRECT",
};

export function applyRedirect(
  r: NonNullable<HTTPRoute["redirect"]>,
  listenerPort: number,
  isTls: boolean,
): EnvoyMessage | undefined {
  const responseCode = RESPONSE_CODE[r.redirectCode || 301];
  if (!responseCode) return undefined;
  const out: Record<string, unknown> = {};
  if (r.authority) out.hostRedirect = r.authority;
  if (r.uri) out.pathRedirect = r.uri;
  if (r.scheme) out.schemeRedirect = r.scheme;
  let port = 0;
  if (r.port !== undefined) port = r.port;
  else if (r.derivePort === "FROM_REQUEST_PORT") port = listenerPort;
  if (r.port !== undefined || r.derivePort !== undefined) {
    const scheme = r.scheme || (isTls ? "https" : "http");
    if ((port === 80 && scheme === "http") || (port === 443 && scheme === "https")) port = 0;
  }
  if (port) out.portRedirect = port;
  out.responseCode = responseCode;
  return out;
}

export function applyDirectResponse(d: NonNullable<HTTPRoute["directResponse"]>): EnvoyMessage {
  const out: Record<string, unknown> = { status: d.status ?? 0 };
  if (d.body?.string !== undefined) out.body = { inlineString: d.body.string };
  else if (d.body?.bytes !== undefined) out.body = { inlineBytes: d.body.bytes };
  return out;
}
