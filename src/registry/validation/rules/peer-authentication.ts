// PeerAuthentication: mTLS mode, and per-port modes that need a workload selector.

import type { KindRule } from "./rule-types.js";
import { isPortNumber } from "./ports.js";
import { entries, isRecord, q, rec } from "./shape.js";
import { checkPolicySelector } from "./selector.js";

const MODES = ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"];

export const peerAuthenticationRule: KindRule = (doc, report) => {
  const spec = rec(doc.spec) ?? {};
  checkPolicySelector(report, spec);
  const mode = rec(spec.mtls)?.mode;
  if (mode !== undefined && !MODES.includes(String(mode)))
    report.error(
      ["spec", "mtls", "mode"],
      `mtls mode ${q(mode)} is not valid; use ${MODES.join(", ")}`,
    );
  const portLevel = entries(spec.portLevelMtls);
  const hasSelector = entries(rec(spec.selector)?.matchLabels).length > 0;
  if (portLevel.length > 0 && !hasSelector)
    report.error(
      ["spec", "portLevelMtls"],
      "portLevelMtls needs a workload selector; namespace-wide and mesh-wide policies cannot set per-port modes",
    );
  if (isRecord(spec.portLevelMtls) && portLevel.length === 0)
    report.error(
      ["spec", "portLevelMtls"],
      "portLevelMtls is empty; remove it or list ports with their modes",
    );
  for (const [port, setting] of portLevel) {
    if (!/^\d+$/.test(port) || !isPortNumber(Number(port)))
      report.error(
        ["spec", "portLevelMtls", port],
        `port ${q(port)} is not a port number from 1 to 65535`,
      );
    const m = rec(setting)?.mode;
    if (m !== undefined && !MODES.includes(String(m)))
      report.error(
        ["spec", "portLevelMtls", port, "mode"],
        `mtls mode ${q(m)} is not valid; use ${MODES.join(", ")}`,
      );
  }
};
