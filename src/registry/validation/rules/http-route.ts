// One VirtualService HTTP route: what it does (route, redirect, directResponse or delegate) and
// the settings around it (timeouts, retries, faults, mirroring, rewrites, headers, CORS).

import { checkDestination, checkWeightedDestinations } from "./destination.js";
import { checkDuration } from "./durations.js";
import { checkHttpMatches } from "./http-match.js";
import { checkHeaderOperationName } from "./http-names.js";
import { isDns1123Label, isDns1123Subdomain } from "./names.js";
import { checkFault } from "./http-fault.js";
import {
  checkCors,
  checkDirectResponse,
  checkRedirect,
  checkRewrite,
} from "./http-route-actions.js";
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

/** True when a header value holds a control character other than tab. */
function hasControlCharacter(value: string): boolean {
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}
