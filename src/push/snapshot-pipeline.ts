// The model and snapshot cache behind `meshpilot serve`: one mesh model per config version, rebuilt
// on every flush of the push coordinator (push-coordinator.ts decides when, and whom to push;
// from the previous model when only endpoints changed and it passes the changed keys), and each connected proxy's snapshot built on demand and cached per (model version, proxy
// view): a new version drops every cached snapshot, so whatever types a proxy is sent next come
// from the new model. Proxies with equal views share one snapshot; equal resources across views
// share their bytes through the ResourceEncoder. Compute workers will replace the generation
// behind the same two calls: resolve(proxy) and update(objects).

import type { ConfigKey, ConfigObject } from "../registry/config-object.js";
import { buildMeshModel, type MeshModel } from "../registry/mesh/mesh-model.js";
import { updateMeshModel } from "../registry/mesh/mesh-model-update.js";
import type { MeshModelOptions, ProxyView } from "../registry/mesh/types.js";
import type { ResourceSnapshot } from "../xds/encoded-resource.js";
import type { Proxy } from "../xds/proxy-identity.js";
import { buildProxySnapshot } from "./proxy-snapshot.js";
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
  private readonly byView = new Map<string, ResourceSnapshot>();
  private readonly lastGood = new Map<string, ResourceSnapshot>();

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
    this.encoder.nextGeneration();
  }

  /** The snapshot of a proxy for the current model (the XdsServer's resolver). */
  resolve(proxy: Proxy): ResourceSnapshot {
    return this.resolveView(proxyViewOf(proxy), (e) => this.options.onError?.(e, proxy));
  }

  /** The snapshot of a proxy view for the current model; `onError` as options.onError. */
  resolveView(view: ProxyView, onError?: (err: Error) => void): ResourceSnapshot {
    const key = proxyViewKey(view);
    let snapshot = this.byView.get(key);
    if (snapshot) return snapshot;
    try {
      snapshot = buildProxySnapshot(this.model, view, this.encoder, this.sets);
      this.lastGood.set(key, snapshot);
    } catch (e) {
      onError?.(e as Error);
      snapshot = this.lastGood.get(key) ?? { get: () => undefined };
    }
    this.byView.set(key, snapshot);
    return snapshot;
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
