// One VirtualService HTTP route: what it does (route, redirect, directResponse or delegate) and
// the settings around it (timeouts, retries, faults, mirroring, rewrites, headers, CORS).

import { checkDestination, checkWeightedDestinations } from "./destination.js";
import { checkDuration } from "./durations.js";
import { checkHttpMatches } from "./http-match.js";
import { checkHeaderName, checkHeaderOperationName, isHttpMethod } from "./http-names.js";
import { isDns1123Label, isDns1123Subdomain } from "./names.js";
import { checkOptionalPort } from "./ports.js";
import { checkRegex } from "./regex.js";
import { checkFault } from "./http-fault.js";
import {
  checkPercentValue,
  entries,
  list,
  present,
  q,
  rec,
  type IssueSink,
  type Obj,
  type Path,
} from "./shape.js";
import { checkStringMatch } from "./string-match.js";

export interface RouteContext {
  /** The route belongs to a VirtualService without hosts (a delegate). */
  readonly inDelegateVs: boolean;
  /** The VirtualService is bound to gateways only (not mesh). */
  readonly boundToGateway: boolean;
}

export function checkHttpRoute(sink: IssueSink, at: Path, r: Obj, ctx: RouteContext): void {
  const { inDelegateVs } = ctx;
  const hasRoute = list(r.route).length > 0;
  const hasRedirect = present(r.redirect);
  const hasDirect = present(r.directResponse);
  const delegate = rec(r.delegate);

  if (delegate) {
    if (inDelegateVs)
      sink.error([...at, "delegate"], "a delegate VirtualService's routes cannot delegate again");
    if (hasRoute)
      sink.error(
        [...at, "route"],
        "a route with delegate cannot also have route; the delegate VirtualService routes it",
      );
    if (hasRedirect)
      sink.error([...at, "redirect"], "a route with delegate cannot also have redirect");
    if (typeof delegate.name !== "string" || !isDns1123Subdomain(delegate.name))
      sink.error(
        [...at, "delegate", "name"],
        `delegate name ${q(delegate.name)} must name a VirtualService`,
      );
    const ns = delegate.namespace;
    if (ns !== undefined && ns !== "" && (typeof ns !== "string" || !isDns1123Label(ns)))
      sink.error(
        [...at, "delegate", "namespace"],
        `delegate namespace ${q(ns)} is not a valid namespace name`,
      );
  } else if (!hasRoute && !hasRedirect && !hasDirect) {
    sink.error(
      at,
      "HTTP route has no route, redirect or directResponse; add route with at least one destination",
    );
  }
  if (hasRedirect) {
    if (hasRoute) sink.error(at, "HTTP route has both route and redirect; keep one of them");
    if (present(r.fault))
      sink.error([...at, "fault"], "HTTP route cannot have both fault and redirect");
    if (present(r.rewrite))
      sink.error([...at, "rewrite"], "HTTP route cannot have both rewrite and redirect");
    if (hasDirect)
      sink.error(at, "HTTP route has both redirect and directResponse; keep one of them");
  }
  if (hasDirect && hasRoute)
    sink.error(at, "HTTP route has both route and directResponse; keep one of them");

  checkHttpMatches(sink, [...at, "match"], r.match, {
    delegating: inDelegateVs || delegate !== undefined,
    boundToGateway: ctx.boundToGateway,
  });
  checkWeightedDestinations(sink, [...at, "route"], r.route, (d, p) =>
    checkHeaderOps(sink, [...p, "headers"], d.headers),
  );
  checkHeaderOps(sink, [...at, "headers"], r.headers);
  checkDuration(sink, [...at, "timeout"], r.timeout, { what: "timeout" });
  checkRetries(sink, [...at, "retries"], r.retries);
  checkFault(sink, [...at, "fault"], r.fault);
  checkMirror(sink, at, r);
  checkRedirect(sink, [...at, "redirect"], r.redirect);
  checkDirectResponse(sink, [...at, "directResponse"], r.directResponse);
  checkRewrite(sink, [...at, "rewrite"], r.rewrite);
  checkCors(sink, [...at, "corsPolicy"], r.corsPolicy);
}

function checkHeaderOps(sink: IssueSink, path: Path, headers: unknown): void {
  for (const side of ["request", "response"] as const) {
    const ops = rec(rec(headers)?.[side]);
    if (!ops) continue;
    for (const op of ["set", "add"] as const)
      for (const [name, value] of entries(ops[op])) {
        checkHeaderOperationName(sink, [...path, side, op, name], name, side === "request");
        // Control characters (other than tab) cannot appear in header values.
        if (typeof value === "string" && hasControlCharacter(value))
          sink.error(
            [...path, side, op, name],
            `header ${q(name)} value contains control characters`,
          );
      }
    list(ops.remove).forEach((name, i) =>
      checkHeaderOperationName(sink, [...path, side, "remove", i], String(name), false),
    );
  }
}

const RETRY_ON = new Set([
  "5xx",
  "gateway-error",
  "reset",
  "reset-before-request",
  "connect-failure",
  "envoy-ratelimited",
  "retriable-4xx",
  "refused-stream",
  "retriable-status-codes",
  "retriable-headers",
  "http3-post-connect-failure",
  "cancelled",
  "deadline-exceeded",
  "internal",
  "resource-exhausted",
  "unavailable",
]);

function checkRetries(sink: IssueSink, path: Path, retries: unknown): void {
  const r = rec(retries);
  if (!r) return;
  if (typeof r.attempts === "number" && r.attempts < 0)
    sink.error([...path, "attempts"], `retry attempts is ${r.attempts}; it cannot be negative`);
  checkDuration(sink, [...path, "perTryTimeout"], r.perTryTimeout, { what: "perTryTimeout" });
  checkDuration(sink, [...path, "backoff"], r.backoff, { what: "backoff" });
  const attempts = typeof r.attempts === "number" ? r.attempts : 0;
  const configured = ["perTryTimeout", "retryOn", "retryRemoteLocalities"].filter(
    (k) => r[k] !== undefined && r[k] !== null && r[k] !== "",
  );
  if (attempts === 0 && configured.length > 0)
    sink.error(
      [...path, "attempts"],
      `retry attempts is 0 (retries off) but ${configured.join(", ")} is set; give attempts, e.g. 3`,
    );
  if (typeof r.retryOn === "string" && r.retryOn !== "") {
    for (const policy of r.retryOn.split(",").map((s) => s.trim())) {
      const code = /^\d+$/.test(policy) ? Number(policy) : undefined;
      if (code !== undefined ? code < 100 || code > 599 : !RETRY_ON.has(policy))
        sink.error(
          [...path, "retryOn"],
          `retryOn ${q(policy)} is not a known retry condition or HTTP status code (e.g. 5xx, connect-failure, 503)`,
        );
    }
  }
}

function checkMirror(sink: IssueSink, at: Path, r: Obj): void {
  if (present(r.mirror)) checkDestination(sink, [...at, "mirror"], r.mirror, "mirror");
  if (present(r.mirror) && list(r.mirrors).length > 0)
    sink.error([...at, "mirrors"], "use either mirror or mirrors, not both");
  list(r.mirrors).forEach((m, i) => {
    checkDestination(sink, [...at, "mirrors", i, "destination"], rec(m)?.destination, "mirror");
    checkPercentValue(
      sink,
      [...at, "mirrors", i, "percentage", "value"],
      rec(rec(m)?.percentage)?.value,
      "mirror percentage",
    );
  });
  checkPercentValue(
    sink,
    [...at, "mirrorPercentage", "value"],
    rec(r.mirrorPercentage)?.value,
    "mirror percentage",
  );
  for (const legacy of ["mirrorPercent", "mirror_percent"] as const) {
    if (!present(r[legacy])) continue;
    const v = r[legacy];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 100)
      sink.error([...at, legacy], `${legacy} is ${q(v)}; it must be a whole number from 0 to 100`);
    else sink.warn([...at, legacy], `${legacy} is deprecated; use mirrorPercentage: {value: ${v}}`);
  }
}

function checkRedirect(sink: IssueSink, path: Path, redirect: unknown): void {
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

function checkDirectResponse(sink: IssueSink, path: Path, direct: unknown): void {
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

function checkRewrite(sink: IssueSink, path: Path, rewrite: unknown): void {
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

function checkCors(sink: IssueSink, path: Path, cors: unknown): void {
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

/** True when a header value holds a control character other than tab. */
function hasControlCharacter(value: string): boolean {
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
