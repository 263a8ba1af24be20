// A coordinator-side store for pool tests: applies changes to a ConfigStore and turns each
// ChangeSet into the ConfigDelta the workers are sent (upserts with their objects, deletes).

import type { ConfigDelta } from "../../../src/actors/messages.js";
import {
  keyOf,
  keyString,
  type ConfigKey,
  type ConfigObject,
} from "../../../src/registry/config-object.js";
import { ConfigStore } from "../../../src/registry/config-store.js";

export class ConfigFeed {
  readonly store = new ConfigStore();

  constructor(private readonly publish: (delta: ConfigDelta) => void = () => {}) {}

  /** Applies a change; publishes and returns its delta (undefined when nothing changed). */
  change(
    upserts: readonly ConfigObject[],
    deletes: readonly ConfigKey[] = [],
  ): ConfigDelta | undefined {
    const base = this.store.version;
    const changes = this.store.apply(upserts, deletes);
    if (changes.version === base) return undefined;
    const delta: ConfigDelta = {
      type: "config-delta",
      version: changes.version,
      baseVersion: base,
      eventAt: 0,
      upserts: [...changes.added, ...changes.updated].map((k) => this.store.get(k) as ConfigObject),
      deletes: changes.deleted,
    };
    this.publish(delta);
    return delta;
  }

  /** Replaces the whole config with `objects` (one delta). */
  replaceAll(objects: readonly ConfigObject[]): ConfigDelta | undefined {
    const keep = new Set(objects.map((o) => keyString(keyOf(o))));
    const gone = this.store
      .list()
      .map(keyOf)
      .filter((k) => !keep.has(keyString(k)));
    return this.change(objects, gone);
  }
}

const clusterIps = new Map<string, string>();

/** A Kubernetes Service with a cluster IP and one HTTP port, selecting app=<name>. */
export function service(name: string, namespace = "default", port = 80): ConfigObject {
  const id = `${namespace}/${name}`;
  const n = clusterIps.size + 1;
  const clusterIP = clusterIps.get(id) ?? `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
  clusterIps.set(id, clusterIP);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    body: { spec: { clusterIP, ports: [{ name: "http", port }], selector: { app: name } } },
    source: {},
  };
}

/** Kubernetes Endpoints of service `name`: one address on its HTTP port. */
export function endpoints(name: string, ip: string, namespace = "default"): ConfigObject {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name, namespace },
    body: { subsets: [{ addresses: [{ ip }], ports: [{ name: "http", port: 80 }] }] },
    source: {},
  };
}

export const sidecar = (namespace = "default") => ({
  kind: "sidecar" as const,
  namespace,
  labels: { app: "client" },
  ips: ["10.0.0.1"],
});
