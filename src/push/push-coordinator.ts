// The push coordinator `meshpilot serve` runs in the coordinator actor's thread (src/actors/):
// each ChangeSet the store answers goes in, and out come pushes of only the xDS types that may
// have changed, to only the proxies whose scope the change can touch.
//
//   changed(ChangeSet)  → ChangeClassifier → PushRequest (none: nothing happens)
//                       → Debouncer (isolated change at once; bursts merged)
//   flush(request)      → rebuild the mesh model at the store's version (whole: there is no
//                         cheaper update yet, EDS-only requests included; the snapshot cache is
//                         per model version, so every type a proxy is next sent comes from it)
//                       → affected scopes from the dependency index as it stood (old
//                         dependencies, plus where added/updated objects may have entered)
//                       → full request: recompute those scopes' dependencies (setScope)
//                       → push(proxies of those scopes, request types); EDS-only → EDS only.
//
// One more source of scopes: an endpoint object at a connected proxy's own address (its Pod, or
// an address added to or removed from an EndpointSlice) changes which services that proxy serves,
// so that proxy is pushed in full with the next flush (push-request-own-workload.ts), whatever
// the request's types are for the others.
//
// A scope is a proxy view (proxy-scopes.ts). A proxy that connects is indexed from the current
// model and gets everything from the xDS server, which answers its requests itself.
//
// No per-proxy queue here: XdsServer.push() only marks types dirty on each stream and lets the
// stream send when it can (one flush at a time per stream, dirty marks merged, each response
// built from the snapshot current at send time). So a proxy is never pushed twice at once and
// never misses a change; PushQueue / PushDispatcher / PushThrottle come in when generation moves
// off this thread and a push has a duration of its own.

import type { Clock } from "../clock.js";
import { keyString, type ConfigKey } from "../registry/config-object.js";
import type { ChangeSet, ConfigStore } from "../registry/config-store.js";
import type { PushSettings } from "../settings.js";
import type { Proxy } from "../xds/proxy-identity.js";
import { Debouncer, type FlushCause, type FlushInfo } from "./debounce.js";
import { DependencyIndex } from "./dependency-index.js";
import { ProxyScopes } from "./proxy-scopes.js";
import { ChangeClassifier } from "./push-request-classify.js";
import { OwnWorkloadAddresses } from "./push-request-own-workload.js";
import { identityChangedKeys } from "./push-request-identity.js";
import {
  ALL_ENVOY_TYPES,
  escalateToFull,
  eventCount,
  isEndpointOnly,
  mergePushRequests,
  type PushRequest,
} from "./push-request.js";
import type { PushMetrics } from "./push-metrics.js";
import { viewDependencies } from "./scope-dependencies.js";
import type { SnapshotPipeline } from "./snapshot-pipeline.js";

/** Where pushes go (XdsServer.push in serve). */
export interface PushTarget {
  /** Push `types` to these proxies; `request` is the flushed request they come from. */
  push(proxyIds: readonly string[], types: readonly string[], request: PushRequest): unknown;
}

/** What one flush did, for logs and tests. */
export interface PushSummary {
  readonly version: number;
  readonly cause: FlushCause;
  readonly events: number;
  readonly full: boolean;
  readonly types: readonly string[];
  /** Scopes (proxy views) the request could change. */
  readonly scopes: number;
  /** Proxies pushed, sorted. */
  readonly proxies: readonly string[];
  /** Of those, the proxies pushed in full because their own workload changed. */
  readonly ownWorkload: readonly string[];
}

export interface PushCoordinatorOptions {
  readonly clock: Clock;
  readonly store: ConfigStore;
  readonly pipeline: SnapshotPipeline;
  readonly target: PushTarget;
  readonly settings: Pick<PushSettings, "debounceAfterMs" | "debounceMaxMs" | "edsDebounce">;
  readonly metrics?: PushMetrics;
  readonly onPushed?: (summary: PushSummary) => void;
  /** A flush failed (the model keeps its last version; nothing was pushed). */
  readonly onError?: (err: unknown) => void;
}

export class PushCoordinator<C = unknown> {
  private readonly classifier: ChangeClassifier;
  private readonly debouncer: Debouncer;
  private readonly scopes = new ProxyScopes<C>();
  private index: DependencyIndex;
  private rootNamespace: string;
  /** Scopes whose dependencies could not be computed: affected by every request. */
  private readonly unindexed = new Set<string>();
  private lastFlush: FlushInfo | undefined;
  private readonly ownAddresses: OwnWorkloadAddresses;
  /** Scopes whose own workload changed since the last flush: pushed in full with the next. */
  private readonly ownWorkloadChanged = new Set<string>();
  /**
   * Scopes a full push changed, whose index entries still describe the model before it: they are
   * re-indexed off the push's critical path (reindexSome, when the pushes are out) and, for any
   * left, at the start of the next flush — before that flush moves the model on, as a request's
   * affected scopes must be found with what they depended on before it.
   */
  private readonly stale = new Set<string>();

  constructor(private readonly options: PushCoordinatorOptions) {
    const { pipeline, store, settings, clock } = options;
    this.rootNamespace = pipeline.currentModel.meshConfig.rootNamespace;
    this.index = new DependencyIndex({ rootNamespace: this.rootNamespace });
    this.ownAddresses = new OwnWorkloadAddresses(store);
    this.classifier = new ChangeClassifier(store, {
      exportToDefaults: () => pipeline.currentModel.meshConfig,
      domainSuffix: pipeline.currentModel.domainSuffix,
    });
    this.debouncer = new Debouncer({
      clock,
      debounceAfter: settings.debounceAfterMs,
      debounceMax: settings.debounceMaxMs,
      edsDebounce: settings.edsDebounce,
      onFlush: (req) => this.flush(req),
      onFlushed: (info) => {
        this.lastFlush = info;
        options.metrics?.triggered(info.request.reasons);
        options.metrics?.debounced(info.delayMs);
      },
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  /** A ChangeSet the store just returned; `eventAt` is when its source event happened. */
  changed(change: ChangeSet, eventAt: number = this.options.clock.now()): void {
    for (const k of [...change.added, ...change.updated, ...change.deleted])
      this.modelChanges.set(keyString(k), k);
    const touched = this.ownAddresses.touched(change);
    const own = touched.size > 0 ? this.scopes.scopesAt(touched) : [];
    for (const s of own) this.ownWorkloadChanged.add(s);
    const req = this.classifier.classify(change, eventAt);
    if (req) this.debouncer.push(req);
    else if (own.length > 0)
      this.debouncer.push({
        full: true,
        configKeys: new Set(),
        types: ALL_ENVOY_TYPES,
        reasons: new Map([["proxy", 1]]),
        firstEventAt: eventAt,
        version: change.version,
        reach: new Map(),
      });
  }

  /** A stream identified its proxy (XdsServer "connect"). */
  connected(connection: C, proxy: Proxy): void {
    const joined = this.scopes.add(connection, proxy);
    if (joined.newScope || !this.index.has(joined.scope)) this.indexScope(joined.scope);
  }

  /** A stream ended (XdsServer "disconnect"). */
  disconnected(connection: C): void {
    const emptied = this.scopes.remove(connection);
    if (emptied !== undefined) {
      this.index.removeScope(emptied);
      this.unindexed.delete(emptied);
      this.stale.delete(emptied);
    }
  }

  /** Stops the debouncer; changes still pending are dropped (the process is ending). */
  stop(): void {
    this.debouncer.stop();
  }

  /** Connected scopes (proxy views). */
  get scopeCount(): number {
    return this.scopes.size;
  }

  /** Every key changed since the model was last updated (what an incremental update needs). */
  private readonly modelChanges = new Map<string, ConfigKey>();

  /** A request whose flush failed: merged into the next one, so no proxy misses it. */
  private failed: PushRequest | undefined;

  private flush(request: PushRequest): void {
    const flushed = this.failed ? mergePushRequests(this.failed, request) : request;
    this.failed = flushed;
    this.push(flushed, request);
    this.failed = undefined;
  }

  private push(flushed: PushRequest, received: PushRequest): void {
    const { store, pipeline, target, clock } = this.options;
    this.reindexSome(Number.POSITIVE_INFINITY);
    const { objects, version } = store.snapshot();
    const previous = pipeline.currentModel;
    const updateStart = performance.now();
    pipeline.update(objects, version, [...this.modelChanges.values()]);
    this.modelChanges.clear();
    this.options.metrics?.modelUpdated(performance.now() - updateStart);
    const model = pipeline.currentModel;
    let req = flushed;
    if (isEndpointOnly(req) && req.configKeys !== "all")
      req = escalateToFull(req, identityChangedKeys(previous, model, req.configKeys));
    let affected: Set<string>;
    let reindex = req.full;
    if (model.meshConfig.rootNamespace !== this.rootNamespace) {
      // The index's kind rules read the root namespace: start over, every scope affected.
      this.rootNamespace = model.meshConfig.rootNamespace;
      this.index = new DependencyIndex({ rootNamespace: this.rootNamespace });
      affected = new Set(this.scopes.keys());
      reindex = true;
    } else if (req.configKeys === "all") {
      affected = new Set(this.scopes.keys());
    } else {
      affected = this.index.affectedScopes(req);
      for (const s of this.unindexed) affected.add(s);
    }
    const own = new Set(this.ownWorkloadChanged);
    this.ownWorkloadChanged.clear();
    if (reindex) for (const s of affected) this.stale.add(s);
    for (const s of own) if (!reindex || !affected.has(s)) this.indexScope(s);
    pipeline.retainViewKeys(this.scopes.keys());
    const types = [...req.types].sort();
    const convergenceMs = clock.now() - req.firstEventAt;
    // Proxies whose own workload changed get every type (one push with the rest when the
    // request has every type anyway).
    const ownProxies = types.length >= ALL_ENVOY_TYPES.size ? [] : this.scopes.proxiesOf(own);
    const inFull = new Set(ownProxies);
    const rest = this.scopes.proxiesOf([...affected, ...own]).filter((p) => !inFull.has(p));
    for (const [ids, pushed] of [
      [ownProxies, [...ALL_ENVOY_TYPES].sort()],
      [rest, types],
    ] as const) {
      if (ids.length === 0) continue;
      target.push(ids, pushed, { ...req, types: new Set(pushed) });
      this.options.metrics?.pushed(ids, pushed, convergenceMs);
    }
    const proxies = [...ownProxies, ...rest].sort();
    this.options.onPushed?.({
      version,
      cause: this.lastFlush?.request === received ? this.lastFlush.cause : "immediate",
      events: eventCount(req),
      full: req.full,
      types,
      scopes: new Set([...affected, ...own]).size,
      proxies,
      ownWorkload: this.scopes.proxiesOf(own),
    });
  }

  /**
   * Re-indexes scopes a full push left stale, for about `budgetMs`; true if some are left. Call
   * when the pushes are out (the next flush does the rest first anyway).
   */
  reindexSome(budgetMs: number): boolean {
    const start = performance.now();
    for (const scope of this.stale) {
      this.stale.delete(scope);
      this.indexScope(scope);
      if (performance.now() - start >= budgetMs) break;
    }
    return this.stale.size > 0;
  }

  /** (Re)computes a scope's dependencies from the current model. */
  private indexScope(scope: string): void {
    const view = this.scopes.view(scope);
    if (!view) return;
    try {
      this.index.setScope(scope, viewDependencies(this.options.pipeline.currentModel, view));
      this.unindexed.delete(scope);
    } catch {
      // Its config cannot be generated either (the pipeline keeps its last good snapshot);
      // push it on every change until it can.
      this.index.removeScope(scope);
      this.unindexed.add(scope);
    }
  }
}
