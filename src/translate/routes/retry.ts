// Route retry policy, as Istio builds it. With no `retries` (and no mesh-wide
// defaultHttpRetryPolicy) a route gets Istio's default: 2 retries on
// connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes with 503 retriable,
// the previous_hosts host predicate and 5 host selection attempts. `attempts: 0` disables
// retries (no policy). Otherwise the default with the user's fields laid over it; numbers in
// `retryOn` are HTTP status codes. With consistent hashing to a single destination the
// previous_hosts predicate is left out (a retry must stay on the hashed host).

import { duration, typed, type EnvoyMessage } from "../envoy-message.js";
import type { HTTPRetry } from "./istio-types.js";

export const DEFAULT_RETRY_ON =
  "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

const PREVIOUS_HOSTS: EnvoyMessage = {
  name: "envoy.retry_host_predicates.previous_hosts",
  typedConfig: typed("envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate", {}),
};

/** Status codes Go's net/http knows (Istio only treats those as codes in `retryOn`). */
const KNOWN_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304,
  305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414,
  415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504,
  505, 506, 507, 508, 510, 511,
]);

function parseRetryOn(retryOn: string): { on: string; codes: number[] } {
  const parts: string[] = [];
  const codes: number[] = [];
  for (const raw of retryOn.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const n = /^[+-]?\d+$/.test(part) ? Number(part) : NaN;
    if (KNOWN_STATUS.has(n)) codes.push(n);
    else parts.push(part);
  }
  return { on: parts.join(","), codes };
}

interface Policy {
  retryOn: string;
  numRetries: { value: number };
  perTryTimeout?: EnvoyMessage;
  retryPriority?: EnvoyMessage;
  retryHostPredicate?: EnvoyMessage[];
  hostSelectionRetryMaxAttempts: number;
  retriableStatusCodes?: number[];
  retryBackOff?: EnvoyMessage;
}

/** Istio's default retry policy (without the host predicate when hashing consistently). */
export function defaultRetryPolicy(consistentHash = false): EnvoyMessage {
  return order(basePolicy(consistentHash));
}

function basePolicy(consistentHash: boolean): Policy {
  return {
    retryOn: DEFAULT_RETRY_ON,
    numRetries: { value: 2 },
    ...(consistentHash ? {} : { retryHostPredicate: [PREVIOUS_HOSTS] }),
    hostSelectionRetryMaxAttempts: 5,
    retriableStatusCodes: [503],
  };
}

/** The route's retry policy; undefined when retries are disabled (`attempts: 0`). */
export function convertRetryPolicy(
  retries: HTTPRetry | undefined,
  consistentHash = false,
): EnvoyMessage | undefined {
  const out = basePolicy(consistentHash);
  if (!retries) return order(out);
  if (!retries.attempts || retries.attempts <= 0) return undefined;
  out.numRetries = { value: retries.attempts };
  if (retries.retryOn) {
    const { on, codes } = parseRetryOn(retries.retryOn);
    out.retryOn = on;
    if (codes.length > 0) out.retriableStatusCodes = codes;
    else delete out.retriableStatusCodes;
    if (codes.length > 0 && !on.includes("retriable-status-codes"))
      out.retryOn = on === "" ? "retriable-status-codes" : `${on},retriable-status-codes`;
  }
  if (retries.perTryTimeout) out.perTryTimeout = duration(retries.perTryTimeout);
  if (retries.retryIgnorePreviousHosts !== undefined) {
    if (retries.retryIgnorePreviousHosts) out.retryHostPredicate = [PREVIOUS_HOSTS];
    else delete out.retryHostPredicate;
  }
  if (retries.retryRemoteLocalities === true)
    out.retryPriority = {
      name: "envoy.retry_priorities.previous_priorities",
      typedConfig: typed(
        "envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig",
        { updateFrequency: 2 },
      ),
    };
  if (retries.backoff) out.retryBackOff = { baseInterval: duration(retries.backoff) };
  return order(out);
}

/** Fields in the proto's order, so goldens read like Envoy's config dump. */
function order(p: Policy): EnvoyMessage {
  return {
    retryOn: p.retryOn,
    numRetries: p.numRetries,
    ...(p.perTryTimeout ? { perTryTimeout: p.perTryTimeout } : {}),
    ...(p.retryPriority ? { retryPriority: p.retryPriority } : {}),
    ...(p.retryHostPredicate ? { retryHostPredicate: p.retryHostPredicate } : {}),
    hostSelectionRetryMaxAttempts: p.hostSelectionRetryMaxAttempts,
    ...(p.retriableStatusCodes ? { retriableStatusCodes: p.retriableStatusCodes } : {}),
    ...(p.retryBackOff ? { retryBackOff: p.retryBackOff } : {}),
  };
}
