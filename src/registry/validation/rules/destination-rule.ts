// DestinationRule: host, subsets, traffic policies, exportTo and workload selector.

import { checkExportTo } from "./export-to.js";
import { checkHost } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import { isDns1123Label } from "./names.js";
import { list, q, rec } from "./shape.js";
import { checkTrafficPolicy } from "./traffic-policy.js";

export const destinationRuleRule: KindRule = (doc, report, ctx) => {
  const spec = rec(doc.spec) ?? {};
  if (spec.host === undefined || spec.host === "")
    report.error(
      ["spec", "host"],
      "host is required; name the service the rule applies to, e.g. reviews",
    );
  else checkHost(report, ["spec", "host"], spec.host, { allowWildcard: true });
  checkTrafficPolicy(report, ["spec", "trafficPolicy"], spec.trafficPolicy);
  const names = new Set<string>();
  list(spec.subsets).forEach((s, i) => {
    const at = ["spec", "subsets", i];
    const subset = rec(s) ?? {};
    const name = subset.name;
    if (typeof name !== "string" || name === "")
      report.error([...at, "name"], "subset needs a name, e.g. v1");
    else if (!isDns1123Label(name))
      report.error(
        [...at, "name"],
        `subset name ${q(name)} must be a DNS-1123 label (lower case letters, digits and '-')`,
      );
    else if (names.has(name))
      report.error(
        [...at, "name"],
        `subset name ${q(name)} is used twice; subset names must be unique`,
      );
    if (typeof name === "string") names.add(name);
    checkLabels(report, [...at, "labels"], subset.labels, "subset label");
    checkTrafficPolicy(report, [...at, "trafficPolicy"], subset.trafficPolicy);
  });
  checkExportTo(report, ["spec", "exportTo"], spec.exportTo, ctx.namespace);
  if (rec(spec.workloadSelector)) {
    const outside = list(spec.exportTo).filter((e) => e !== "." && e !== ctx.namespace);
    if (outside.length > 0)
      report.error(
        ["spec", "exportTo"],
        `a DestinationRule with a workloadSelector applies only in its own namespace; exportTo cannot include ${outside.map((e) => q(e)).join(", ")}`,
      );
  }
  checkLabels(
    report,
    ["spec", "workloadSelector", "matchLabels"],
    rec(spec.workloadSelector)?.matchLabels,
    "selector label",
  );
};
