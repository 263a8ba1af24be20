// VirtualService fault injection: a delay and/or an abort, each with a percentage.

import { checkDuration } from "./durations.js";
import {
  checkPercentValue,
  present,
  q,
  rec,
  type IssueSink,
  type Obj,
  type Path,
} from "./shape.js";

const GRPC_CODES = new Set([
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
]);

export function checkFault(sink: IssueSink, path: Path, fault: unknown): void {
  const f = rec(fault);
  if (!f) return;
  const delay = rec(f.delay);
  const abort = rec(f.abort);
  if (!delay && !abort) {
    sink.error(path, "fault must have a delay, an abort, or both");
    return;
  }
  if (delay) checkDelay(sink, [...path, "delay"], delay);
  if (abort) checkAbort(sink, [...path, "abort"], abort);
}

function checkShare(sink: IssueSink, path: Path, f: Obj): void {
  checkPercentValue(
    sink,
    [...path, "percentage", "value"],
    rec(f.percentage)?.value,
    "fault percentage",
  );
  if (present(f.percent)) {
    const p = f.percent;
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > 100)
      sink.error(
        [...path, "percent"],
        `percent is ${q(p)}; it must be a whole number from 0 to 100`,
      );
  }
}

function checkDelay(sink: IssueSink, path: Path, delay: Obj): void {
  checkShare(sink, path, delay);
  if (present(delay.exponentialDelay))
    sink.error([...path, "exponentialDelay"], "exponentialDelay is not supported; use fixedDelay");
  else if (!present(delay.fixedDelay))
    sink.error([...path, "fixedDelay"], "delay needs fixedDelay, e.g. fixedDelay: 5s");
  else checkDuration(sink, [...path, "fixedDelay"], delay.fixedDelay, { what: "fixedDelay" });
}

function checkAbort(sink: IssueSink, path: Path, abort: Obj): void {
  checkShare(sink, path, abort);
  if (present(abort.http2Error)) {
    sink.error(
      [...path, "http2Error"],
      "http2Error aborts are not supported; use httpStatus or grpcStatus",
    );
    return;
  }
  if (present(abort.httpStatus)) {
    const s = abort.httpStatus;
    if (typeof s !== "number" || !Number.isInteger(s) || s < 200 || s > 599)
      sink.error(
        [...path, "httpStatus"],
        `httpStatus ${q(s)} must be an HTTP status from 200 to 599`,
      );
    return;
  }
  if (present(abort.grpcStatus)) {
    if (typeof abort.grpcStatus !== "string" || !GRPC_CODES.has(abort.grpcStatus))
      sink.error(
        [...path, "grpcStatus"],
        `grpcStatus ${q(abort.grpcStatus)} is not a gRPC status name such as UNAVAILABLE`,
      );
    return;
  }
  // Istio accepts this but warns: the abort does nothing.
  sink.warn(
    path,
    "abort has no httpStatus or grpcStatus, so it does nothing; set httpStatus (e.g. 500) or grpcStatus (e.g. UNAVAILABLE)",
  );
}
