// Shared by the pool tests: a ComputePool fed by a ConfigFeed, the four xDS types, and helpers to
// compare a pool result with the in-thread snapshot of the same model and view.

import { BroadcastChannel } from "node:worker_threads";
import type { ExecutionContext } from "ava";
import type { GenerateResult } from "../../../src/actors/messages.js";
import { typeUrlOf } from "../../../src/push/proxy-snapshot.js";
import type { ResourceKind } from "../../../src/translate/index.js";
import { ComputePool, type ComputePoolOptions } from "../../../src/workers/compute-pool.js";
import { ResultResources } from "../../../src/workers/result-resources.js";
import type { ResourceSnapshot } from "../../../src/xds/encoded-resource.js";
import { ConfigFeed } from "./config-feed.js";
import { probeChannel, type ProbeReport } from "./probe-names.js";

export const ALL_TYPES = (["clusters", "endpoints", "listeners", "routes"] as ResourceKind[]).map(
  typeUrlOf,
);
let pools = 0;

export const CDS = typeUrlOf("clusters");
export const EDS = typeUrlOf("endpoints");

/** A pool whose feed publishes to it; `before` changes the store before the pool starts. */
export function startPool(
  t: ExecutionContext,
  options: Partial<ComputePoolOptions> = {},
  before: (feed: ConfigFeed) => void = () => {},
): { pool: ComputePool; feed: ConfigFeed; probe: () => Probe } {
  const started: { pool?: ComputePool } = {};
  const feed = new ConfigFeed((d) => started.pool?.publish(d));
  before(feed);
  const channel = `meshpilot:test:${++pools}`;
  const pool = new ComputePool({ store: feed.store, threads: 1, channel, ...options });
  started.pool = pool;
  t.teardown(() => pool.close());
  return { pool, feed, probe: () => listenToProbe(t, channel) };
}

/** Names of a result's resources per type URL. */
export function namesOf(result: GenerateResult): Record<string, string[]> {
  return Object.fromEntries(result.sets.map((s) => [s.typeUrl, s.resources.map((r) => r.name)]));
}

/** Asserts the result holds exactly the snapshot's resources of each type, byte for byte. */
export function assertSameBytes(
  t: ExecutionContext,
  result: GenerateResult,
  expected: ResourceSnapshot,
  label: string,
): void {
  for (const set of new ResultResources().sets(result)) {
    const want = expected.get(set.typeUrl);
    t.deepEqual(set.names, want?.names ?? [], `${label} ${set.typeUrl} names`);
    for (const name of set.names) {
      const got = set.get(name);
      const exp = want?.get(name);
      t.true(got !== undefined && exp !== undefined && got.any.equals(exp.any), `${label} ${name}`);
      t.is(got?.version, exp?.version);
    }
  }
}

export interface Probe {
  /** The next report of the probe worker (PROBE_WORKER), in arrival order. */
  next(): Promise<ProbeReport>;
}

function listenToProbe(t: ExecutionContext, configChannel: string): Probe {
  const channel = new BroadcastChannel(probeChannel(configChannel));
  channel.unref();
  t.teardown(() => channel.close());
  const queue: ProbeReport[] = [];
  let wake: (() => void) | undefined;
  channel.onmessage = (e) => {
    queue.push((e as { data: ProbeReport }).data);
    wake?.();
  };
  return {
    async next() {
      // A report in flight on an unref'd channel would not keep the test process alive.
      channel.ref();
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      channel.unref();
      return queue.shift() as ProbeReport;
    },
  };
}
