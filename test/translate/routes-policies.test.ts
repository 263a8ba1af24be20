// Retry policy, faults, CORS and header operations, as Istio translates them.

import test from "ava";
import { translateCorsPolicy } from "../../src/translate/routes/cors.js";
import { translateFault } from "../../src/translate/routes/fault.js";
import { translateHeaders } from "../../src/translate/routes/headers.js";
import {
  convertRetryPolicy,
  DEFAULT_RETRY_ON,
  defaultRetryPolicy,
} from "../../src/translate/routes/retry.js";

const PREVIOUS_HOSTS = {
  name: "envoy.retry_host_predicates.previous_hosts",
  typedConfig: {
    "@type":
      "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate",
  },
};

test("Istio's default retry policy when a route sets none", (t) => {
  const expected = {
    retryOn: "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes",
    numRetries: { value: 2 },
    retryHostPredicate: [PREVIOUS_HOSTS],
    hostSelectionRetryMaxAttempts: 5,
    retriableStatusCodes: [503],
  };
  t.deepEqual(convertRetryPolicy(undefined), expected);
  t.deepEqual(defaultRetryPolicy(), expected);
  t.is(DEFAULT_RETRY_ON, expected.retryOn);
});

test("consistent hashing drops the previous_hosts predicate", (t) => {
  t.is(convertRetryPolicy(undefined, true)?.retryHostPredicate, undefined);
});

test("attempts 0 disables retries", (t) => {
  t.is(convertRetryPolicy({ attempts: 0 }), undefined);
});

test("attempts and perTryTimeout override the default (T8)", (t) => {
  const p = convertRetryPolicy({ attempts: 3, perTryTimeout: "2s" });
  t.deepEqual(p?.numRetries, { value: 3 });
  t.deepEqual(p?.perTryTimeout, { seconds: 2, nanos: 0 });
  t.is(p?.retryOn, DEFAULT_RETRY_ON);
  t.deepEqual(p?.retriableStatusCodes, [503]);
});

test("numbers in retryOn are status codes; retriable-status-codes is added for them", (t) => {
  const p = convertRetryPolicy({ attempts: 2, retryOn: "gateway-error, 502,503 ,reset" });
  t.is(p?.retryOn, "gateway-error,reset,retriable-status-codes");
  t.deepEqual(p?.retriableStatusCodes, [502, 503]);
  const q = convertRetryPolicy({ attempts: 2, retryOn: "5xx" });
  t.is(q?.retryOn, "5xx");
  t.is(q?.retriableStatusCodes, undefined);
});

test("retryIgnorePreviousHosts false, remote localities and backoff", (t) => {
  const p = convertRetryPolicy({
    attempts: 1,
    retryIgnorePreviousHosts: false,
    retryRemoteLocalities: true,
    backoff: "100ms",
  });
  t.is(p?.retryHostPredicate, undefined);
  t.deepEqual(p?.retryBackOff, { baseInterval: { seconds: 0, nanos: 100000000 } });
  t.is((p?.retryPriority as { name: string }).name, "envoy.retry_priorities.previous_priorities");
});

test("fault percentages: percentage.value over a MILLION, legacy percent over a HUNDRED", (t) => {
  t.deepEqual(translateFault({ delay: { fixedDelay: "5s", percentage: { value: 0.1 } } }), {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
    delay: {
      fixedDelay: { seconds: 5, nanos: 0 },
      percentage: { numerator: 1000, denominator: "MILLION" },
    },
  });
  t.deepEqual(translateFault({ delay: { fixedDelay: "2s", percent: 100 } })?.delay, {
    fixedDelay: { seconds: 2, nanos: 0 },
    percentage: { numerator: 100, denominator: "HUNDRED" },
  });
  t.deepEqual(translateFault({ abort: { httpStatus: 500, percentage: { value: 100 } } })?.abort, {
    httpStatus: 500,
    percentage: { numerator: 1000000, denominator: "MILLION" },
  });
  t.deepEqual(translateFault({ abort: { grpcStatus: "UNAVAILABLE" } })?.abort, { grpcStatus: 14 });
});

test("an exponential delay alone is not supported: no fault", (t) => {
  t.is(translateFault({ delay: { exponentialDelay: "1s", percent: 10 } }), undefined);
});

test("CORS policy as current Istio", (t) => {
  t.deepEqual(
    translateCorsPolicy({
      allowOrigins: [{ exact: "https://a.com" }, { prefix: "https://b" }],
      allowMethods: ["GET", "POST"],
      maxAge: "1h",
      allowCredentials: false,
      unmatchedPreflights: "IGNORE",
    }),
    {
      "@type": "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy",
      allowOriginStringMatch: [{ exact: "https://a.com" }, { prefix: "https://b" }],
      allowMethods: "GET,POST",
      maxAge: "3600",
      allowCredentials: { value: false },
      filterEnabled: { defaultValue: { numerator: 100, denominator: "HUNDRED" } },
      forwardNotMatchingPreflights: { value: false },
    },
  );
  t.deepEqual(translateCorsPolicy({ allowOrigin: ["https://old.com"] }).allowOriginStringMatch, [
    { exact: "https://old.com" },
  ]);
});

test("headers: set overwrites, add appends, pseudo-headers dropped, :authority rewrites host", (t) => {
  const ops = translateHeaders({
    request: {
      set: { "x-b": "1", ":authority": "other.com" },
      add: { "x-a": "2", host: "ignored.com" },
      remove: ["x-c", ":path"],
    },
    response: { add: { "x-d": "3" }, remove: ["server"] },
  });
  t.deepEqual(ops.requestHeadersToAdd, [
    { header: { key: "x-b", value: "1" }, appendAction: "OVERWRITE_IF_EXISTS_OR_ADD" },
    { header: { key: "x-a", value: "2" }, appendAction: "APPEND_IF_EXISTS_OR_ADD" },
  ]);
  t.deepEqual(ops.requestHeadersToRemove, ["x-c"]);
  t.deepEqual(ops.responseHeadersToAdd, [
    { header: { key: "x-d", value: "3" }, appendAction: "APPEND_IF_EXISTS_OR_ADD" },
  ]);
  t.deepEqual(ops.responseHeadersToRemove, ["server"]);
  t.is(ops.authority, "other.com");
});
