// What an HTTP route does besides routing: redirects, direct responses, URI/authority rewrites
// and CORS policies.

import { checkDuration } from "./durations.js";
import { checkHeaderName, isHttpMethod } from "./http-names.js";
import { checkOptionalPort } from "./ports.js";
import { checkRegex } from "./regex.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";
import { checkStringMatch } from "./string-match.js";

export function checkRedirect(sink: IssueSink, path: Path, redirect: unknown): void {
  const r = rec(redirect);
  if (!r) return;
  const hasAny =
    ["uri", "authority", "scheme"].some((k) => typeof r[k] === "string" && r[k] !== "") ||
    present(r.port) ||
    present(r.derivePort);
  if (!hasAny) sink.error(path, "redirect must set at least one of uri, authority, scheme or port");
  if (present(r.redirectCode) && r.redirectCode !== 0) {
    const c = r.redirectCode;
    if (typeof c !== "number" || c < 300 || c > 399)
      sink.error(
        [...path, "redirectCode"],
        `redirectCode ${q(c)} is not a redirect; use a 3xx code such as 301 or 302`,
      );
  }
  if (typeof r.scheme === "string" && r.scheme !== "" && !/^https?$/.test(r.scheme))
    sink.error([...path, "scheme"], `redirect scheme ${q(r.scheme)} must be http or https`);
  checkOptionalPort(sink, [...path, "port"], r.port, "redirect port");
}

const KB = 1024;

export function checkDirectResponse(sink: IssueSink, path: Path, direct: unknown): void {
  const d = rec(direct);
  if (!d) return;
  const body = rec(d.body);
  const size =
    typeof body?.string === "string"
      ? Buffer.byteLength(body.string)
      : typeof body?.bytes === "string"
        ? Math.floor((body.bytes.length * 3) / 4)
        : 0;
  if (size > 1024 * KB)
    sink.error(
      [...path, "body"],
      `directResponse body is ${Math.round(size / KB)} KiB; it must be under 1 MiB`,
    );
  else if (size > 100 * KB)
    sink.warn(
      [...path, "body"],
      `directResponse body is ${Math.round(size / KB)} KiB; large bodies slow down config pushes`,
    );
  const s = d.status;
  if (typeof s !== "number" || !Number.isInteger(s) || s < 200 || s > 599)
    sink.error(
      [...path, "status"],
      `directResponse status ${q(s)} must be an HTTP status from 200 to 599`,
    );
}

export function checkRewrite(sink: IssueSink, path: Path, rewrite: unknown): void {
  const r = rec(rewrite);
  if (!r) return;
  const regexRewrite = rec(r.uriRegexRewrite);
  const hasUri = typeof r.uri === "string" && r.uri !== "";
  if (hasUri && regexRewrite) sink.error(path, "rewrite may set uri or uriRegexRewrite, not both");
  if (!hasUri && !regexRewrite && !(typeof r.authority === "string" && r.authority !== ""))
    sink.error(path, "rewrite must set uri, authority or uriRegexRewrite");
  if (regexRewrite) {
    if (typeof regexRewrite.rewrite !== "string" || regexRewrite.rewrite === "")
      sink.error(
        [...path, "uriRegexRewrite", "rewrite"],
        "uriRegexRewrite needs both match and rewrite",
      );
    if (typeof regexRewrite.match !== "string" || regexRewrite.match === "")
      sink.error(
        [...path, "uriRegexRewrite", "match"],
        "uriRegexRewrite needs both match and rewrite",
      );
    else
      checkRegex(
        sink,
        [...path, "uriRegexRewrite", "match"],
        regexRewrite.match,
        "uriRegexRewrite match",
      );
  }
}

export function checkCors(sink: IssueSink, path: Path, cors: unknown): void {
  const c = rec(cors);
  if (!c) return;
  list(c.allowOrigins).forEach((o, i) => {
    checkStringMatch(sink, [...path, "allowOrigins", i], o, { what: "allowOrigins" });
    const m = rec(o);
    if (m && ["exact", "regex"].some((k) => m[k] === ""))
      sink.error(
        [...path, "allowOrigins", i],
        "allowOrigins match is empty; give an origin such as https://example.com",
      );
  });
  list(c.allowOrigin).forEach((o, i) => {
    if (typeof o !== "string" || o === "")
      sink.error([...path, "allowOrigin", i], "allowOrigin entry is empty");
  });
  list(c.allowMethods).forEach((m, i) => {
    if (m !== "*" && !isHttpMethod(m))
      sink.error(
        [...path, "allowMethods", i],
        `allowMethods entry ${q(m)} is not an HTTP method (GET, POST, PUT, ...)`,
      );
  });
  for (const field of ["allowHeaders", "exposeHeaders"] as const)
    list(c[field]).forEach((h, i) => {
      if (h !== "*") checkHeaderName(sink, [...path, field, i], String(h));
    });
  const maxAge = checkDuration(sink, [...path, "maxAge"], c.maxAge, { what: "maxAge" });
  if (maxAge !== undefined && maxAge % 1000 !== 0)
    sink.error([...path, "maxAge"], `maxAge ${q(c.maxAge)} must be whole seconds`);
}
