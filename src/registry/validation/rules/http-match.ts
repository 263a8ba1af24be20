// HTTPMatchRequest checks for VirtualService HTTP routes.

import { checkMatchHeaderName } from "./http-names.js";
import { checkLabels } from "./labels.js";
import { isDns1123Label } from "./names.js";
import { checkOptionalPort } from "./ports.js";
import { entries, isRecord, list, q, type IssueSink, type Path } from "./shape.js";
import { checkStringMatch } from "./string-match.js";
import { checkGatewayNames } from "./gateway-names.js";

export interface MatchContext {
  /** A root route with `delegate`, or a route of a delegate VirtualService: no regex matches. */
  readonly delegating: boolean;
  /** The VirtualService is bound to gateways only (not mesh): JWT claim matches are allowed. */
  readonly boundToGateway: boolean;
}

export function checkHttpMatches(
  sink: IssueSink,
  path: Path,
  matches: unknown,
  { delegating, boundToGateway }: MatchContext,
): void {
  list(matches).forEach((m, i) => {
    const at = [...path, i];
    if (!isRecord(m)) {
      sink.error(at, "match must be a mapping");
      return;
    }
    for (const field of ["uri", "scheme", "method", "authority"] as const)
      checkStringMatch(sink, [...at, field], m[field], { what: field, forbidRegex: delegating });
    for (const field of ["headers", "withoutHeaders"] as const) {
      for (const [name, sm] of entries(m[field])) {
        checkMatchHeaderName(sink, [...at, field, name], name, boundToGateway);
        if (sm === null)
          sink.error(
            [...at, field, name],
            `header match ${q(name)} cannot be null; use {} to match presence`,
          );
        else
          checkStringMatch(sink, [...at, field, name], sm, {
            what: `header ${name}`,
            allowEmpty: true,
            forbidRegex: delegating,
          });
      }
    }
    for (const [name, sm] of entries(m.queryParams)) {
      if (sm === null)
        sink.error([...at, "queryParams", name], `query parameter match ${q(name)} cannot be null`);
      else
        checkStringMatch(sink, [...at, "queryParams", name], sm, {
          what: `query parameter ${name}`,
          allowEmpty: true,
          forbidRegex: delegating,
        });
    }
    checkOptionalPort(sink, [...at, "port"], m.port, "match port");
    checkLabels(sink, [...at, "sourceLabels"], m.sourceLabels, "source label");
    checkGatewayNames(sink, [...at, "gateways"], m.gateways);
    const ns = m.sourceNamespace;
    if (ns !== undefined && ns !== "" && (typeof ns !== "string" || !isDns1123Label(ns)))
      sink.error(
        [...at, "sourceNamespace"],
        `sourceNamespace ${q(ns)} is not a valid namespace name`,
      );
  });
}
