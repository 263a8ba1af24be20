// Locality load-balancing settings (DestinationRule trafficPolicy.loadBalancer.localityLbSetting
// and MeshConfig localityLbSetting): distribute weights add up to 100; failover regions differ.

import { entries, isRecord, list, present, q, rec, type IssueSink, type Path } from "./shape.js";

/** Why a locality (`region[/zone[/subzone]]`, optionally ending in `*`) is malformed, or undefined. */
export function localityProblem(locality: string): string | undefined {
  const stars = locality.split("*").length - 1;
  if (stars > 1 || (stars === 1 && !locality.endsWith("*")))
    return "may use '*' only once, at the end (e.g. us-west/*)";
  if (locality.split("/").some((part) => part === ""))
    return "has an empty region, zone or subzone";
  if (locality.split("/").length > 3) return "has more than region/zone/subzone";
  return undefined;
}

export function checkLocalityLbSetting(sink: IssueSink, path: Path, setting: unknown): void {
  const s = rec(setting);
  if (!s) return;
  const distribute = list(s.distribute);
  const failover = list(s.failover);
  if (distribute.length > 0 && failover.length > 0) {
    sink.error(path, "localityLbSetting sets both distribute and failover; use one of them");
    return;
  }
  distribute.forEach((d, i) => checkDistribute(sink, [...path, "distribute", i], rec(d) ?? {}));
  failover.forEach((f, i) => {
    const at = [...path, "failover", i];
    const rule = rec(f) ?? {};
    if (
      typeof rule.from !== "string" ||
      rule.from === "" ||
      typeof rule.to !== "string" ||
      rule.to === ""
    )
      sink.error(at, "failover entry needs both from and to regions");
    else if (rule.from === rule.to)
      sink.error(
        at,
        `failover from and to are both ${q(rule.from)}; fail over to a different region`,
      );
    else if (rule.to.includes("*"))
      sink.error(
        [...at, "to"],
        `failover region ${q(rule.to)} cannot contain '*'; name one region`,
      );
  });
  if (present(s.failoverPriority) && !Array.isArray(s.failoverPriority))
    sink.error([...path, "failoverPriority"], "failoverPriority must be a list of label names");
}

function checkDistribute(sink: IssueSink, at: Path, rule: Record<string, unknown>): void {
  if (typeof rule.from !== "string" || rule.from === "") {
    sink.error([...at, "from"], "distribute entry needs from (a locality such as us-west/zone1/*)");
  } else {
    const problem = localityProblem(rule.from);
    if (problem) sink.error([...at, "from"], `locality ${q(rule.from)} ${problem}`);
  }
  if (!isRecord(rule.to) || Object.keys(rule.to).length === 0) {
    sink.error(
      [...at, "to"],
      "distribute entry needs to (localities with weights that add up to 100)",
    );
    return;
  }
  let total = 0;
  for (const [locality, weight] of entries(rule.to)) {
    const problem = localityProblem(locality);
    if (problem) sink.error([...at, "to", locality], `locality ${q(locality)} ${problem}`);
    if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 1 || weight > 100) {
      sink.error(
        [...at, "to", locality],
        `locality weight ${q(weight)} must be a whole number from 1 to 100`,
      );
      return;
    }
    total += weight;
  }
  if (total !== 100)
    sink.error([...at, "to"], `distribute weights sum to ${total}; they must add up to 100`);
}
