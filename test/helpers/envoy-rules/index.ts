// The Envoy proto-rules checker: does a resource, as the translate layer emits it (plain object,
// inline Any), encode against Envoy's protos, survive encode + decode, and satisfy every
// protoc-gen-validate constraint (`(validate.rules)`, `(validate.required)`) declared in them?
// Envoy runs the same constraints on every resource it receives and NACKs a resource that fails.
// A few load-time checks Envoy makes beyond those annotations are in semantics.ts.

import { checkMessage } from "./message-check.js";
import { reflectedTypeForUrl, unknownTypeMessage } from "./proto-root.js";
import { checkRoundTrip } from "./round-trip.js";
import { checkListener, checkRouteConfiguration } from "./semantics.js";
import { Sink, type Violation } from "./sink.js";

export { formatViolation, type Violation } from "./sink.js";

/** Rules that mean the value has the wrong shape; a round-trip comparison would only repeat them. */
const SHAPE_RULES = new Set(["type", "unknown field", "oneof", "any.type"]);

/**
 * Every problem of one message: rule violations (kind "violation") and declared rules this checker
 * does not implement (kind "unchecked", once per rule). `typeUrl` is the xDS type URL
 * (`type.googleapis.com/envoy.config.cluster.v3.Cluster`).
 */
export function checkEnvoyMessage(
  typeUrl: string,
  message: Readonly<Record<string, unknown>>,
): Violation[] {
  const sink = new Sink();
  const type = reflectedTypeForUrl(typeUrl);
  if (!type) {
    sink.violation("", "any.type", unknownTypeMessage(typeUrl));
    return sink.found;
  }
  checkMessage(sink, type, message, "");
  if (type.fullName === ".envoy.config.listener.v3.Listener") checkListener(sink, message);
  if (type.fullName === ".envoy.config.route.v3.RouteConfiguration")
    checkRouteConfiguration(sink, message, "");
  const shapeOk = !sink.found.some((v) => SHAPE_RULES.has(v.rule));
  checkRoundTrip(sink, typeUrl, type, { ...message }, shapeOk);
  return sink.found;
}

/** Only the violations (without the "unchecked" notes). */
export function violationsOf(found: readonly Violation[]): Violation[] {
  return found.filter((v) => v.kind === "violation");
}
