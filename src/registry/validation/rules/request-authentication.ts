// RequestAuthentication: JWT rules with an issuer, where the keys come from and where tokens sit.

import { checkDuration } from "./durations.js";
import { checkHeaderName } from "./http-names.js";
import type { KindRule } from "./rule-types.js";
import { list, present, q, rec, type IssueSink, type Path } from "./shape.js";
import { checkPolicySelector } from "./selector.js";

export const requestAuthenticationRule: KindRule = (doc, report) => {
  const spec = rec(doc.spec) ?? {};
  checkPolicySelector(report, spec);
  list(spec.jwtRules).forEach((r, i) =>
    checkJwtRule(report, ["spec", "jwtRules", i], rec(r) ?? {}),
  );
};

function checkJwtRule(sink: IssueSink, at: Path, rule: Record<string, unknown>): void {
  const hasIssuer = typeof rule.issuer === "string" && rule.issuer !== "";
  const hasJwksUri = typeof rule.jwksUri === "string" && rule.jwksUri !== "";
  if (!hasIssuer && !hasJwksUri)
    sink.error(
      [...at, "issuer"],
      "jwt rule needs an issuer (e.g. https://accounts.google.com) or a jwksUri",
    );
  if (typeof rule.jwks === "string" && rule.jwks !== "") {
    const problem = jwksProblem(rule.jwks);
    if (problem) sink.error([...at, "jwks"], `jwks ${problem}`);
  }
  checkDuration(sink, [...at, "timeout"], rule.timeout, { what: "timeout" });
  list(rule.audiences).forEach((a, i) => {
    if (typeof a !== "string" || a === "") sink.error([...at, "audiences", i], "audience is empty");
  });
  const uri = rule.jwksUri;
  if (present(uri) && uri !== "") {
    const problem = typeof uri === "string" ? jwksUriProblem(uri) : "is not a string";
    if (problem) sink.error([...at, "jwksUri"], `jwksUri ${q(uri)} ${problem}`);
    if (typeof rule.jwks === "string" && rule.jwks !== "")
      sink.error(
        at,
        "jwt rule sets both jwks and jwksUri; give the keys inline (jwks) or a URL (jwksUri), not both",
      );
  }
  list(rule.fromHeaders).forEach((h, i) => {
    const name = rec(h)?.name;
    if (typeof name !== "string" || name === "")
      sink.error(
        [...at, "fromHeaders", i, "name"],
        "fromHeaders entry needs a header name, e.g. Authorization",
      );
    else checkHeaderName(sink, [...at, "fromHeaders", i, "name"], name);
  });
  list(rule.fromParams).forEach((p, i) => {
    if (typeof p !== "string" || p === "")
      sink.error(
        [...at, "fromParams", i],
        "fromParams entry is empty; give a query parameter name",
      );
  });
  list(rule.fromCookies).forEach((c, i) => {
    if (typeof c !== "string" || c === "")
      sink.error([...at, "fromCookies", i], "fromCookies entry is empty; give a cookie name");
  });
  if (typeof rule.outputPayloadToHeader === "string" && rule.outputPayloadToHeader !== "")
    checkHeaderName(sink, [...at, "outputPayloadToHeader"], rule.outputPayloadToHeader);
  list(rule.outputClaimToHeaders).forEach((c, i) => {
    const claim = rec(c) ?? {};
    if (typeof claim.header !== "string" || claim.header === "")
      sink.error(
        [...at, "outputClaimToHeaders", i, "header"],
        "outputClaimToHeaders entry needs a header",
      );
    else checkHeaderName(sink, [...at, "outputClaimToHeaders", i, "header"], claim.header);
    if (typeof claim.claim !== "string" || claim.claim === "")
      sink.error(
        [...at, "outputClaimToHeaders", i, "claim"],
        "outputClaimToHeaders entry needs a claim",
      );
  });
}

function jwksUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "is not a URL; give an http(s) URL such as https://example.com/.well-known/jwks.json";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `uses ${url.protocol.slice(0, -1)}; only http and https are supported`;
  if (url.hostname === "") return "has no host";
  return undefined;
}

/** Inline keys must be a JSON Web Key Set: a JSON object with a non-empty `keys` list. */
function jwksProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'is not JSON; give a JSON Web Key Set such as {"keys": [...]}';
  }
  const keys = rec(parsed)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    return 'has no keys; a JSON Web Key Set is {"keys": [ ... ]}';
  return undefined;
}
