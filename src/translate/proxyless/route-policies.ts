// Per-route policies in the form gRPC's xDS client reads them (gRFC A31 timeouts, A33 fault
// injection, A44 retries), with Istio's defaults: no timeout unless the VirtualService sets one
// (route timeout 0s, and for gRPC the same value as max_stream_duration), the default retry
// policy when `retries` is absent, none when `attempts` is 0.

import { duration, typed, type EnvoyMessage } from "../envoy-message.js";
import type { HttpRuleSpec, PercentSpec } from "./http-rule.js";

/** Istio's retry_on when a VirtualService names none. */
export const DEFAULT_RETRY_ON =
  "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

const GRPC_STATUS: Readonly<Record<string, number>> = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
};

/** Route action timeout fields: `timeout` and, for gRPC, `maxStreamDuration` (A31). */
export function timeoutFields(rule: HttpRuleSpec): EnvoyMessage {
  const t = rule.timeout ? duration(rule.timeout) : { seconds: 0, nanos: 0 };
  return { timeout: t, maxStreamDuration: { maxStreamDuration: t } };
}

export function retryPolicy(rule: HttpRuleSpec): EnvoyMessage | undefined {
  const r = rule.retries;
  if (!r) {
    return { retryOn: DEFAULT_RETRY_ON, numRetries: { value: 2 }, retriableStatusCodes: [503] };
  }
  if (!r.attempts) return undefined;
  const parts = (r.retryOn ?? DEFAULT_RETRY_ON)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const codes = parts.filter((p) => /^\d+$/.test(p)).map(Number);
  const on = parts.filter((p) => !/^\d+$/.test(p));
  if (codes.length > 0 && !on.includes("retriable-status-codes")) on.push("retriable-status-codes");
  return {
    retryOn: on.join(","),
    numRetries: { value: r.attempts },
    ...(r.perTryTimeout ? { perTryTimeout: duration(r.perTryTimeout) } : {}),
    ...(codes.length > 0
      ? { retriableStatusCodes: codes }
      : r.retryOn
        ? {}
        : { retriableStatusCodes: [503] }),
  };
}

function fraction(p: PercentSpec | undefined, legacyPercent?: number): EnvoyMessage {
  if (p?.value !== undefined)
    return { numerator: Math.round(p.value * 10_000), denominator: "MILLION" };
  if (legacyPercent !== undefined) return { numerator: legacyPercent, denominator: "HUNDRED" };
  return { numerator: 100, denominator: "HUNDRED" };
}

/** The per-route fault filter config, or undefined when the rule injects no fault. */
export function faultConfig(rule: HttpRuleSpec): EnvoyMessage | undefined {
  const f = rule.fault;
  if (!f || (!f.delay && !f.abort)) return undefined;
  const out: Record<string, unknown> = {};
  if (f.delay?.fixedDelay)
    out.delay = {
      fixedDelay: duration(f.delay.fixedDelay),
      percentage: fraction(f.delay.percentage, f.delay.percent),
    };
  if (f.abort) {
    const status =
      f.abort.grpcStatus !== undefined
        ? { grpcStatus: GRPC_STATUS[f.abort.grpcStatus.toUpperCase()] ?? 2 }
        : f.abort.httpStatus !== undefined
          ? { httpStatus: f.abort.httpStatus }
          : undefined;
    if (status) out.abort = { ...status, percentage: fraction(f.abort.percentage) };
  }
  if (!out.delay && !out.abort) return undefined;
  return typed("envoy.extensions.filters.http.fault.v3.HTTPFault", out);
}
