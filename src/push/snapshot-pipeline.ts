// The model and snapshot cache behind `meshpilot serve`: one mesh model per config version, rebuilt
// on every flush of the push coordinator (push-coordinator.ts decides when, and whom to push;
// from the previous model when only endpoints changed and it passes the changed keys), and each
// connected proxy view's resources built on demand, type by type, and cached per (model version,
// view, type): a new version drops every cached set, so whatever types a proxy is sent next come
// from the new model, and a push of some types generates only those. Proxies with equal views
// share one set per type; equal resources across views share their bytes through the
// ResourceEncoder, equal sets one object through the SetInterner.

import type { ConfigKey, ConfigObject } from "../registry/config-object.js";
import { buildMeshModel, type MeshModel } from "../registry/mesh/mesh-model.js";
import { updateMeshModel } from "../registry/mesh/mesh-model-update.js";
import type { MeshModelOptions, ProxyView } from "../registry/mesh/types.js";
import type { ResourceSet, ResourceSnapshot } from "../xds/encoded-resource.js";
import type { Proxy } from "../xds/proxy-identity.js";
import { buildProxySets, GENERATED_TYPES } from "./proxy-snapshot.js";
import { proxyViewKey, proxyViewOf } from "./proxy-view.js";
import { ResourceEncoder } from "./resource-encoder.js";
import { SetInterner } from "./set-interner.js";

export interface SnapshotPipelineOptions {
  readonly modelOptions?: MeshModelOptions;
  /** Called when a proxy's config cannot be generated (it keeps its last good snapshot). */
  readonly onError?: (err: Error, proxy: Proxy) => void;
}

export class SnapshotPipeline {
  readonly encoder = new ResourceEncoder();
  readonly sets = new SetInterner();
  private model: MeshModel;
  private modelVersion: number;
  /** Per view, the sets of the current model made so far (undefined: failed, none good). */
  private readonly byView = new Map<string, Map<string, ResourceSet | undefined>>();
  private readonly lastGood = new Map<string, Map<string, ResourceSet>>();
  /** Whole snapshots handed out for the current model (resolveView). */
  private readonly snapshots = new Map<string, ResourceSnapshot>();

  constructor(
    objects: readonly ConfigObject[],
    version: number,
    private readonly options: SnapshotPipelineOptions = {},
  ) {
    this.model = buildMeshModel(objects, options.modelOptions);
    this.modelVersion = version;
  }

  /** The config version the current model was built from. */
  get version(): number {
    return this.modelVersion;
  }

  get currentModel(): MeshModel {
    return this.model;
  }

  /**
   * A new config version: the next model (from the previous one when `changed`, the keys added,
   * updated or deleted since, allows: updateMeshModel; else built whole); snapshots are rebuilt
   * when next asked for.
   */
  update(objects: readonly ConfigObject[], version: number, changed?: readonly ConfigKey[]): void {
    this.model = changed
      ? updateMeshModel(this.model, objects, changed)
      : buildMeshModel(objects, this.options.modelOptions);
    this.modelVersion = version;
    this.byView.clear();
    this.snapshots.clear();
    this.encoder.nextGeneration();
  }

  /** The snapshot of a proxy for the current model (the XdsServer's resolver). */
  resolve(proxy: Proxy): ResourceSnapshot {
    return this.resolveView(proxyViewOf(proxy), (e) => this.options.onError?.(e, proxy));
  }

  /** The snapshot of a proxy view for the current model; `onError` as options.onError. */
  resolveView(view: ProxyView, onError?: (err: Error) => void): ResourceSnapshot {
    const key = proxyViewKey(view);
    let snapshot = this.snapshots.get(key);
    if (!snapshot) {
      const sets = this.resolveTypes(view, GENERATED_TYPES, onError);
      const byType = new Map(GENERATED_TYPES.map((t, i) => [t, sets[i]]));
      snapshot = { get: (t) => byType.get(t) };
      this.snapshots.set(key, snapshot);
    }
    return snapshot;
  }

  /**
   * A view's sets of these types for the current model, generating only those not made yet.
   * A type that cannot be generated keeps its last good set (undefined if it never had one);
   * types no generator makes are undefined.
   */
  resolveTypes(
    view: ProxyView,
    typeUrls: readonly string[],
    onError?: (err: Error) => void,
  ): (ResourceSet | undefined)[] {
    const key = proxyViewKey(view);
    let held = this.byView.get(key);
    if (!held) this.byView.set(key, (held = new Map()));
    const missing = typeUrls.filter((t) => !held.has(t));
    if (missing.length > 0) {
      let good = this.lastGood.get(key);
      if (!good) this.lastGood.set(key, (good = new Map()));
      try {
        const made = buildProxySets(this.model, view, missing, this.encoder, this.sets);
        for (const t of missing) {
          const set = made.get(t);
          held.set(t, set);
          if (set) good.set(t, set);
        }
      } catch (e) {
        onError?.(e as Error);
        for (const t of missing) held.set(t, good.get(t));
      }
    }
    return typeUrls.map((t) => held.get(t));
  }

  /** Forgets views no connected proxy has (call with the views still connected). */
  retainViews(connected: Iterable<Proxy>): void {
    this.retainViewKeys([...connected].map((p) => proxyViewKey(proxyViewOf(p))));
  }

  /** As retainViews, given view keys (proxyViewKey). */
  retainViewKeys(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const k of this.lastGood.keys()) if (!keep.has(k)) this.lastGood.delete(k);
  }
}
