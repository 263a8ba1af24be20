// Fault injection (HTTPFaultInjection → envoy.extensions.filters.http.fault.v3.HTTPFault, set as
// the route's per-filter config for `envoy.filters.http.fault`) and the percentage forms Istio
// uses: `percentage.value` (a double) becomes a FractionalPercent over a MILLION (value × 10000,
// so 0.1 % is 1000/1,000,000); the legacy integer `percent` one over a HUNDRED.

import { duration, typed, type EnvoyMessage } from "../envoy-message.js";
import type { HTTPFaultInjection, Percent } from "./istio-types.js";

export const FAULT_FILTER = "envoy.filters.http.fault";

export function percentToFractional(p: Percent): EnvoyMessage {
  return { numerator: Math.trunc((p.value ?? 0) * 10000), denominator: "MILLION" };
}

export function integerToFractional(n: number): EnvoyMessage {
  return { numerator: n, denominator: "HUNDRED" };
}

/** gRPC status names Istio accepts for `abort.grpcStatus`, with their codes. */
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

/** The HTTPFault message (with its @type), or undefined when neither part translates. */
export function translateFault(fault: HTTPFaultInjection): EnvoyMessage | undefined {
  const out: Record<string, unknown> = {};
  const d = fault.delay;
  // Exponential delays are not supported by Istio: such a delay is dropped.
  if (d?.fixedDelay !== undefined)
    out.delay = {
      fixedDelay: duration(d.fixedDelay),
      percentage: d.percentage
        ? percentToFractional(d.percentage)
        : integerToFractional(d.percent ?? 0),
    };
  const a = fault.abort;
  if (a) {
    const percentage = a.percentage ? { percentage: percentToFractional(a.percentage) } : {};
    if (a.httpStatus !== undefined) out.abort = { httpStatus: a.httpStatus, ...percentage };
    else if (a.grpcStatus !== undefined && GRPC_STATUS[a.grpcStatus] !== undefined)
      out.abort = { grpcStatus: GRPC_STATUS[a.grpcStatus], ...percentage };
  }
  if (!out.delay && !out.abort) return undefined;
  return typed("envoy.extensions.filters.http.fault.v3.HTTPFault", out);
}
