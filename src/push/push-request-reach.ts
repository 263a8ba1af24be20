// Where an added or updated object may appear: its hostnames and the namespaces it is exported to
// (ObjectReach). The dependency index uses it to find the scopes an object may have *entered*;
// scopes it already was in are found from their recorded dependencies.

import type { ConfigObject } from "../registry/config-object.js";
import { resolveShortName, serviceFqdn } from "../registry/mesh/hosts.js";
import type { MeshConfig } from "../registry/mesh/mesh-config.js";
import { EXPORT_TO_ANNOTATION } from "../registry/mesh/services.js";
import { exportToAnnotation, parseExportTo } from "../registry/mesh/visibility.js";
import type { ObjectReach } from "./push-request.js";

/** The mesh settings reach depends on (MeshConfig has them all). */
export type ExportToDefaults = Pick<
  MeshConfig,
  "defaultServiceExportTo" | "defaultVirtualServiceExportTo" | "defaultDestinationRuleExportTo"
>;

export const PUBLIC_EXPORT_DEFAULTS: ExportToDefaults = {
  defaultServiceExportTo: ["*"],
  defaultVirtualServiceExportTo: ["*"],
  defaultDestinationRuleExportTo: ["*"],
};

function reachOf(
  version: number,
  namespace: string,
  hosts: readonly string[],
  exportTo: readonly string[] | undefined,
  meshDefault: readonly string[],
): ObjectReach {
  const v = parseExportTo(exportTo, namespace, meshDefault);
  return { version, namespace, hosts, exportTo: v.all ? "*" : v.namespaces };
}

interface HostsAndExport {
  readonly hosts?: readonly string[];
  readonly host?: string;
  readonly exportTo?: readonly string[];
}

/**
 * Reach of a Service, ServiceEntry, VirtualService or DestinationRule as stored at `version`;
 * undefined for other kinds (the dependency index places those by kind rules).
 */
export function objectReach(
  o: ConfigObject,
  domainSuffix: string,
  defaults: ExportToDefaults,
  version: number,
): ObjectReach | undefined {
  const ns = o.metadata.namespace ?? "default";
  const spec = (o.body.spec ?? {}) as HostsAndExport;
  switch (o.kind) {
    case "Service":
      return reachOf(
        version,
        ns,
        [serviceFqdn(o.metadata.name, ns, domainSuffix)],
        exportToAnnotation(o.metadata.annotations?.[EXPORT_TO_ANNOTATION]),
        defaults.defaultServiceExportTo,
      );
    case "ServiceEntry":
      return reachOf(version, ns, spec.hosts ?? [], spec.exportTo, defaults.defaultServiceExportTo);
    case "VirtualService":
      return reachOf(
        version,
        ns,
        (spec.hosts ?? []).map((h) => resolveShortName(h, ns, domainSuffix)),
        spec.exportTo,
        defaults.defaultVirtualServiceExportTo,
      );
    case "DestinationRule":
      return reachOf(
        version,
        ns,
        spec.host ? [resolveShortName(spec.host, ns, domainSuffix)] : [],
        spec.exportTo,
        defaults.defaultDestinationRuleExportTo,
      );
    default:
      return undefined;
  }
}

/** True when an object with this reach is visible from `namespace`. */
export function reachVisibleTo(reach: ObjectReach, namespace: string): boolean {
  return reach.exportTo === "*" || reach.exportTo.has(namespace);
}
