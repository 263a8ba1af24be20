// A real temporary config directory watched by a real YamlDirSource, wired to a ConfigStore.
// Every batch is applied to the store as it arrives; tests await them with nextBatch().

import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { ConfigStore, type ChangeSet } from "../../src/registry/config-store.js";
import {
  YamlDirSource,
  type SourceBatch,
  type YamlDirSourceOptions,
} from "../../src/registry/sources/yaml-dir-source.js";

export interface AppliedBatch {
  readonly batch: SourceBatch;
  readonly changes: ChangeSet;
}

/** Long enough for a slow, shared CI machine; a healthy run takes milliseconds. */
const BATCH_TIMEOUT_MS = 10_000;

export class ConfigDir {
  readonly store = new ConfigStore();
  private readonly queue: AppliedBatch[] = [];
  private waiter: ((b: AppliedBatch) => void) | undefined;
  source!: YamlDirSource;
  /** The initial load's batch. */
  initial!: AppliedBatch;

  private constructor(readonly dir: string) {}

  /**
   * Creates a temp dir holding `files` (relative path → text) and starts a source on it, or on
   * `roots` (folders relative to the temp dir) when given.
   */
  static async start(
    files: Record<string, string> = {},
    opts: Partial<YamlDirSourceOptions> & { roots?: string[] } = {},
  ): Promise<ConfigDir> {
    const h = new ConfigDir(await mkdtemp(join(tmpdir(), "meshpilot-dir-")));
    for (const [rel, text] of Object.entries(files)) await h.write(rel, text);
    h.source = new YamlDirSource({
      displayPath: (abs) => abs.slice(h.dir.length + 1),
      ...opts,
      dirs: opts.roots ? opts.roots.map((r) => h.path(r)) : [h.dir],
      onBatch: (batch) => h.deliver(batch),
    });
    await h.source.start();
    h.initial = await h.nextBatch();
    return h;
  }

  path(rel: string): string {
    return join(this.dir, rel);
  }

  async write(rel: string, text: string): Promise<void> {
    await mkdir(dirname(this.path(rel)), { recursive: true });
    await writeFile(this.path(rel), text);
  }

  async remove(rel: string): Promise<void> {
    await rm(this.path(rel), { recursive: true });
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(isAbsolute(from) ? from : this.path(from), isAbsolute(to) ? to : this.path(to));
  }

  /** The next batch the source delivers (already applied to the store); fails after a timeout. */
  nextBatch(): Promise<AppliedBatch> {
    const ready = this.queue.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`no batch from the config directory within ${BATCH_TIMEOUT_MS} ms`));
      }, BATCH_TIMEOUT_MS);
      this.waiter = (b) => {
        clearTimeout(timer);
        resolve(b);
      };
    });
  }

  /** How many batches arrived and have not been taken by nextBatch() yet. */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    await this.source.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private deliver(batch: SourceBatch): void {
    const applied = { batch, changes: this.store.apply(batch.upserts, batch.deletes) };
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w(applied);
    else this.queue.push(applied);
  }
}

/** A VirtualService document. */
export function virtualService(name: string, host: string, extraMeta = ""): string {
  return [
    "apiVersion: networking.istio.io/v1beta1",
    "kind: VirtualService",
    "metadata:",
    `  name: ${name}`,
    "  namespace: default",
    ...(extraMeta ? [extraMeta] : []),
    "spec:",
    `  hosts: [${host}]`,
    "  http:",
    `  - route: [{destination: {host: ${host}}}]`,
    "",
  ].join("\n");
}

/** Several documents as one multi-document file. */
export function docs(...texts: string[]): string {
  return texts.join("---\n");
}
