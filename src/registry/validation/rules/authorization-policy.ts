// AuthorizationPolicy: action and provider, and rules made of from / to / when.

import { isIpOrCidr } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { isPortNumber } from "./ports.js";
import { isRecord, list, present, q, rec, type IssueSink, type Path } from "./shape.js";
import { checkPolicySelector } from "./selector.js";
import { checkConditionKey } from "./authz-conditions.js";

export const authorizationPolicyRule: KindRule = (doc, report) => {
  const spec = rec(doc.spec) ?? {};
  checkPolicySelector(report, spec);
  const action = typeof spec.action === "string" ? spec.action : "ALLOW";
  const provider = rec(spec.provider);
  if (action === "CUSTOM") {
    if (!provider || typeof provider.name !== "string" || provider.name === "")
      report.error(
        ["spec", "provider"],
        "action CUSTOM needs provider.name (an extension provider from MeshConfig)",
      );
  } else if (present(spec.provider)) {
    report.error(
      ["spec", "provider"],
      `provider is only allowed with action CUSTOM, not ${action}`,
    );
  }
  if ((action === "DENY" || action === "CUSTOM") && !present(spec.rules))
    report.error(
      ["spec", "rules"],
      `a ${action} policy without rules is never triggered; add rules (rules: [{}] matches every request)`,
    );
  list(spec.rules).forEach((r, i) => {
    checkRule(report, ["spec", "rules", i], r);
    if (action === "CUSTOM") checkCustomRule(report, ["spec", "rules", i], r);
  });
};

const SOURCE_IP_FIELDS = ["ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks"];
const STRING_FIELDS = [
  "principals",
  "notPrincipals",
  "requestPrincipals",
  "notRequestPrincipals",
  "namespaces",
  "notNamespaces",
  "serviceAccounts",
  "notServiceAccounts",
  "hosts",
  "notHosts",
  "methods",
  "notMethods",
  "paths",
  "notPaths",
];

function checkRule(sink: IssueSink, at: Path, r: unknown): void {
  if (!isRecord(r)) {
    sink.error(at, "rule must be a mapping");
    return;
  }
  for (const [field, inner] of [
    ["from", "source"],
    ["to", "operation"],
  ] as const) {
    if (!present(r[field])) continue;
    const items = list(r[field]);
    if (items.length === 0)
      sink.error([...at, field], `${field} is an empty list; remove it or add entries`);
    items.forEach((item, i) => {
      const body = rec(rec(item)?.[inner]);
      if (!body || Object.keys(body).length === 0)
        sink.error(
          [...at, field, i, inner],
          `${field}[${i}].${inner} is empty; set at least one field`,
        );
      else checkMatchFields(sink, [...at, field, i, inner], body);
    });
  }
  if (present(r.when)) {
    const conditions = list(r.when);
    if (conditions.length === 0)
      sink.error([...at, "when"], "when is an empty list; remove it or add conditions");
    conditions.forEach((c, i) => {
      const cond = rec(c) ?? {};
      const cp = [...at, "when", i];
      if (typeof cond.key !== "string" || cond.key === "") {
        sink.error([...cp, "key"], "condition needs a key, e.g. request.headers[version]");
        return;
      }
      if (list(cond.values).length === 0 && list(cond.notValues).length === 0)
        sink.error(cp, `condition ${q(cond.key)} needs values or notValues`);
      checkConditionKey(sink, cp, cond.key, [...list(cond.values), ...list(cond.notValues)]);
    });
  }
}

function checkMatchFields(sink: IssueSink, path: Path, body: Record<string, unknown>): void {
  const identity = ["principals", "notPrincipals", "namespaces", "notNamespaces"].filter(
    (f) => list(body[f]).length > 0,
  );
  const accounts = ["serviceAccounts", "notServiceAccounts"].filter(
    (f) => list(body[f]).length > 0,
  );
  if (identity.length > 0 && accounts.length > 0)
    sink.error(path, `${accounts.join(", ")} cannot be combined with ${identity.join(", ")}`);
  for (const f of SOURCE_IP_FIELDS)
    list(body[f]).forEach((ip, i) => {
      if (typeof ip !== "string" || !isIpOrCidr(ip))
        sink.error([...path, f, i], `${f} entry ${q(ip)} is not an IP address or CIDR`);
    });
  for (const f of ["ports", "notPorts"])
    list(body[f]).forEach((p, i) => {
      if (typeof p !== "string" || !/^\d+$/.test(p) || !isPortNumber(Number(p)))
        sink.error(
          [...path, f, i],
          `${f} entry ${q(p)} must be a port number from 1 to 65535, written as a string`,
        );
    });
  for (const f of STRING_FIELDS)
    list(body[f]).forEach((v, i) => {
      if (typeof v !== "string" || v === "")
        sink.error([...path, f, i], `${f} entry is empty; remove it or give a value`);
    });
}

/** Identity-based matches are not available to CUSTOM (external authorizer) policies. */
const CUSTOM_UNSUPPORTED_SOURCE = [
  "namespaces",
  "notNamespaces",
  "serviceAccounts",
  "notServiceAccounts",
  "principals",
  "notPrincipals",
  "requestPrincipals",
  "notRequestPrincipals",
];

function checkCustomRule(sink: IssueSink, at: Path, r: unknown): void {
  list(rec(r)?.from).forEach((f, i) => {
    const source = rec(rec(f)?.source) ?? {};
    for (const field of CUSTOM_UNSUPPORTED_SOURCE)
      if (list(source[field]).length > 0)
        sink.error(
          [...at, "from", i, "source", field],
          `${field} cannot be used with action CUSTOM`,
        );
  });
  list(rec(r)?.when).forEach((w, i) => {
    const key = rec(w)?.key;
    if (
      typeof key === "string" &&
      (["source.namespace", "source.serviceAccount", "source.principal"].includes(key) ||
        key.startsWith("request.auth."))
    )
      sink.error(
        [...at, "when", i, "key"],
        `condition key ${q(key)} cannot be used with action CUSTOM`,
      );
  });
}
