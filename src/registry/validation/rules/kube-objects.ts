// Pod, Namespace and Secret: the parts the mesh reads (labels, container ports, TLS keys).

import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import { isDns1123Label } from "./names.js";
import { checkPort, isIanaServiceName } from "./ports.js";
import { entries, list, q, rec } from "./shape.js";

export const podRule: KindRule = (doc, report) => {
  checkLabels(report, ["metadata", "labels"], rec(doc.metadata)?.labels);
  const spec = rec(doc.spec) ?? {};
  for (const group of ["initContainers", "containers"] as const)
    list(spec[group]).forEach((c, i) => {
      const names = new Set<string>();
      list(rec(c)?.ports).forEach((p, j) => {
        const at = ["spec", group, i, "ports", j];
        const port = rec(p) ?? {};
        checkPort(report, [...at, "containerPort"], port.containerPort, "containerPort");
        const name = port.name;
        if (typeof name === "string" && name !== "") {
          if (!isIanaServiceName(name))
            report.error(
              [...at, "name"],
              `port name ${q(name)} is not valid; use at most 15 lower case letters, digits and '-'`,
            );
          else if (names.has(name))
            report.error([...at, "name"], `port name ${q(name)} is used twice in this container`);
          names.add(name);
        }
      });
    });
};

export const namespaceRule: KindRule = (doc, report, ctx) => {
  if (!isDns1123Label(ctx.name))
    report.error(
      "metadata.name",
      `namespace name ${q(ctx.name)} must be a DNS-1123 label (no dots, at most 63 characters)`,
    );
  checkLabels(report, ["metadata", "labels"], rec(doc.metadata)?.labels);
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const secretRule: KindRule = (doc, report) => {
  const data = rec(doc.data);
  for (const [key, value] of entries(data)) {
    const text = typeof value === "string" ? value.replace(/\s+/g, "") : "";
    if (typeof value !== "string" || text.length % 4 !== 0 || !BASE64.test(text))
      report.error(
        ["data", key],
        `data ${q(key)} is not base64; put plain text under stringData instead`,
      );
  }
  if (doc.type === "kubernetes.io/tls") {
    const keys = new Set([...Object.keys(data ?? {}), ...Object.keys(rec(doc.stringData) ?? {})]);
    const missing = ["tls.crt", "tls.key"].filter((k) => !keys.has(k));
    if (missing.length > 0)
      report.error("data", `a kubernetes.io/tls Secret needs ${missing.join(" and ")}`);
  }
};
