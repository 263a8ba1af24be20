// A proxy's own workload: the endpoint objects (Pod, WorkloadEntry, EndpointSlice, Endpoints) at
// one of its IPs decide which services it serves, i.e. its inbound listeners and clusters. The
// classifier files a change to them under "endpoint" (EDS for the services they belong to), which
// is right for every other proxy but not for the proxy at that address. This remembers the
// addresses of every endpoint object, so the coordinator can find, per ChangeSet, the addresses
// whose workload changed (before or after) and push the proxies there in full (reason `proxy`).

import { keyOf, keyString, type KeyString, type ConfigObject } from "../registry/config-object.js";
import type { ChangeSet, ConfigStore } from "../registry/config-store.js";
import { workloadFromPod, workloadFromWorkloadEntry } from "../registry/mesh/workloads.js";
import { ENDPOINT_KINDS } from "./push-request-endpoint-owners.js";

interface SliceBody {
  readonly endpoints?: ReadonlyArray<{ readonly addresses?: readonly string[] }>;
}

interface EndpointsBody {
  readonly subsets?: ReadonlyArray<{
    readonly addresses?: ReadonlyArray<{ readonly ip?: string }>;
    readonly notReadyAddresses?: ReadonlyArray<{ readonly ip?: string }>;
  }>;
}

/** The addresses an endpoint object puts workloads at. */
export function endpointAddresses(o: ConfigObject): string[] {
  switch (o.kind) {
    case "Pod":
      return [...workloadFromPod(o, "").addresses];
    case "WorkloadEntry":
      return [...workloadFromWorkloadEntry(o, "").addresses];
    case "EndpointSlice":
      return ((o.body as SliceBody).endpoints ?? []).flatMap((e) => e.addresses ?? []);
    case "Endpoints":
      return ((o.body as EndpointsBody).subsets ?? []).flatMap((s) =>
        [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].flatMap((a) =>
          a.ip ? [a.ip] : [],
        ),
      );
    default:
      return [];
  }
}

export class OwnWorkloadAddresses {
  private readonly remembered = new Map<KeyString, readonly string[]>();

  /** Learns the endpoint objects already in the store. */
  constructor(private readonly store: ConfigStore) {
    for (const kind of ENDPOINT_KINDS)
      for (const o of store.list(kind as ConfigObject["kind"]))
        this.remembered.set(keyString(keyOf(o)), endpointAddresses(o));
  }

  /**
   * Addresses whose workload the ChangeSet may have changed (call right after the apply that
   * returned it); remembers the new state. A Pod or WorkloadEntry: every address it had or has
   * (its labels or identity may have changed). An EndpointSlice or Endpoints: only addresses it
   * gained or lost, so endpoint churn does not reach every backend of a service.
   */
  touched(change: ChangeSet): Set<string> {
    const out = new Set<string>();
    for (const key of [...change.added, ...change.updated, ...change.deleted]) {
      if (!ENDPOINT_KINDS.has(key.kind)) continue;
      const ks = keyString(key);
      const before = this.remembered.get(ks) ?? [];
      const o = this.store.get(key);
      const after = o ? endpointAddresses(o) : [];
      if (o) this.remembered.set(ks, after);
      else this.remembered.delete(ks);
      if (key.kind === "Pod" || key.kind === "WorkloadEntry") {
        for (const a of [...before, ...after]) out.add(a);
      } else {
        const was = new Set(before);
        const is = new Set(after);
        for (const a of was) if (!is.has(a)) out.add(a);
        for (const a of is) if (!was.has(a)) out.add(a);
      }
    }
    return out;
  }
}
