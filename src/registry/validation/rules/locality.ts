// Locality load-balancing settings (DestinationRule trafficPolicy.loadBalancer.localityLbSetting
// and MeshConfig localityLbSetting): distribute weights add up to 100; failover regions differ.

import { entries, isRecord, list, present, q, rec, type IssueSink, type Path } from "./shape.js";

export function checkLocalityLbSetting(sink: IssueSink, path: Path, setting: unknown): void {
  const s = rec(setting);
  if (!s) return;
  const distribute = list(s.distribute);
  const failover = list(s.failover);
  if (distribute.length > 0 && failover.length > 0) {
    sink.error(path, "localityLbSetting sets both distribute and failover; use one of them");
    return;
  }
  distribute.forEach((d, i) => {
    const at = [...path, "distribute", i];
    const rule = rec(d) ?? {};
    if (typeof rule.from !== "string" || rule.from === "")
      sink.error(
        [...at, "from"],
        "distribute entry needs from (a locality such as us-west/zone1/*)",
      );
    let total = 0;
    for (const [, w] of entries(rule.to)) total += typeof w === "number" ? w : 0;
    if (!isRecord(rule.to) || Object.keys(rule.to).length === 0)
      sink.error(
        [...at, "to"],
        "distribute entry needs to (localities with weights that add up to 100)",
      );
    else if (total !== 100)
      sink.error([...at, "to"], `distribute weights sum to ${total}; they must add up to 100`);
  });
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
  });
  if (present(s.failoverPriority) && !Array.isArray(s.failoverPriority))
    sink.error([...path, "failoverPriority"], "failoverPriority must be a list of label names");
}
