// WorkloadEntry: the address of a VM or other non-Kubernetes workload, its ports and weight.

import { isIpAddress, UNIX_PREFIX, unixAddressProblem, wildcardHostProblem } from "./hosts.js";
import type { KindRule } from "./rule-types.js";
import { checkLabels } from "./labels.js";
import { isDns1123Label } from "./names.js";
import { checkPort } from "./ports.js";
import { entries, present, q, rec } from "./shape.js";

export const workloadEntryRule: KindRule = (doc, report) => {
  const spec = rec(doc.spec) ?? {};
  const address = spec.address;
  if (typeof address !== "string" || address === "") {
    if (typeof spec.network === "string" && spec.network !== "")
      report.warn(
        ["spec", "address"],
        `address is unset; the workload is only reachable through network ${q(spec.network)}'s gateway`,
      );
    else
      report.error(
        ["spec", "address"],
        "address is required: an IP address, a host name or unix://path",
      );
  } else if (address.startsWith(UNIX_PREFIX)) {
    const problem = unixAddressProblem(address);
    if (problem) report.error(["spec", "address"], `address ${q(address)} ${problem}`);
    if (entries(spec.ports).length > 0)
      report.error(["spec", "ports"], "a WorkloadEntry with a unix:// address cannot have ports");
  } else if (!isIpAddress(address)) {
    const problem = address.includes("*")
      ? "may not contain a wildcard"
      : wildcardHostProblem(address);
    if (problem)
      report.error(
        ["spec", "address"],
        `address ${q(address)} ${problem}; give an IP address, a host name or unix://path`,
      );
  }
  for (const [name] of entries(spec.ports))
    if (!isDns1123Label(name))
      report.error(
        ["spec", "ports", name],
        `port name ${q(name)} must be a DNS-1123 label, e.g. http or grpc-api`,
      );
  for (const [name, port] of entries(spec.ports))
    checkPort(report, ["spec", "ports", name], port, `port ${name}`);
  checkLabels(report, ["spec", "labels"], spec.labels);
  if (
    present(spec.weight) &&
    (typeof spec.weight !== "number" || !Number.isInteger(spec.weight) || spec.weight < 0)
  )
    report.error(
      ["spec", "weight"],
      `weight ${q(spec.weight)} must be a whole number of 0 or more`,
    );
};
