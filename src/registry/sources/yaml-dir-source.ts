// The YAML directory source: reads every config file under one or more directories, then watches
// them and reports changes as batches of upserts and deletes.
//
// Watching: chokidar (inotify on Linux) reports which paths were touched; what changed is always
// decided by reading the path again once the tree has been quiet for a short window
// (BurstCoalescer; MESHPILOT_FILE_DEBOUNCE_*: 20 ms, at most 100 ms) — longer when the burst
// removed something (MESHPILOT_FILE_DELETE_DEBOUNCE_*: 100 ms, at most 1 s), since a file that is
// briefly missing must not be read then; a read that would delete objects gets a second look
// (removal-check.ts), and every file read is read once more a little later (recheck.ts), as
// chokidar drops events that follow within 5 ms. So event kinds do not matter and editors' save dances
// (write a temp file and rename it over, vim's rename-to-backup and rewrite, delete and
// recreate) come out as one change of the real file. The window is short because the push
// debounce merges bursts anyway; this one only has to absorb a save dance, and at 20 changes/s
// it must not hold changes back for long. A touched directory (added, removed, renamed in or out) is listed again, and
// files known under it are re-checked. Untouched files are never re-read.
//
// Semantics (what reaches the listener):
//  - a bad document or invalid object is reported and skipped alone; the rest applies;
//  - last good: an object that turns invalid, or that vanishes from a file that no longer reads
//    cleanly, keeps its last valid version (see DefinitionTable.readFile);
//  - the same object in two places is an error naming both; the first accepted one serves (files
//    are read in order: by directory as given, then by path), and takes over when it goes away.

import { watch, type FSWatcher } from "chokidar";
import { relative, sep } from "node:path";
import { systemClock, type Clock } from "../../clock.js";
import type { Logger } from "../../log.js";
import { DEFAULT_PUSH_SETTINGS } from "../../settings.js";
import {
  parseKeyString,
  type ConfigKey,
  type ConfigObject,
  type KeyString,
} from "../config-object.js";
import { formatIssue, type ConfigIssue } from "../config-issue.js";
import { canonicalJson } from "../semantic-fingerprint.js";
import { BurstCoalescer, type BurstWindows } from "./burst-coalescer.js";
import { ConfigRoots, isConfigFileName, listConfigFiles } from "./config-file-tree.js";
import { DefinitionTable } from "./definition-table.js";
import { isDirectory, MissingRoots } from "./missing-roots.js";
import { readConfigFiles, type ParseCache } from "./read-config-files.js";
import { Recheck } from "./recheck.js";
import { RemovalCheck } from "./removal-check.js";

/** One batch of changes from the source. Upserts and deletes are sorted by key. */
export interface SourceBatch {
  readonly upserts: ConfigObject[];
  readonly deletes: ConfigKey[];
  /**
   * Problems in the files read for this batch, and duplicate definitions among the keys it
   * touched. The full set of outstanding problems is `YamlDirSource.currentIssues()`.
   */
  readonly issues: ConfigIssue[];
  /**
   * When the watcher saw the first file event this batch answers (clock ms), the source event of
   * everything it changes; for the initial load, when reading began.
   */
  readonly eventAt: number;
}

export interface YamlDirSourceOptions {
  readonly dirs: readonly string[];
  /** Receives every batch, the initial load included (before start() resolves). */
  readonly onBatch: (batch: SourceBatch) => void;
  readonly clock?: Clock;
  /** Flush once the tree has been quiet this long (default MESHPILOT_FILE_DEBOUNCE_AFTER's). */
  readonly quietMs?: number;
  /** Flush at the latest this long after a burst's first event (MESHPILOT_FILE_DEBOUNCE_MAX's). */
  readonly maxDelayMs?: number;
  /** The windows of a burst that removed a file or directory (MESHPILOT_FILE_DELETE_DEBOUNCE_*). */
  readonly removal?: BurstWindows;
  /** Namespace for namespaced objects that name none (default "default"). */
  readonly defaultNamespace?: string;
  /** How often to look for a config directory that was removed while watched (default 1000 ms). */
  readonly rootPollMs?: number;
  /** How a file is named in sources and issues (default: relative to the working directory). */
  readonly displayPath?: (absolutePath: string) => string;
  readonly log?: Logger;
}

export class YamlDirSource {
  private readonly opts: YamlDirSourceOptions;
  private readonly roots: ConfigRoots;
  private readonly table: DefinitionTable;
  private readonly coalescer: BurstCoalescer;
  private readonly removals = new RemovalCheck();
  /** Re-checks and unchanged saves read a file again: its text decides whether to parse it. */
  private readonly parsed: ParseCache = new Map();
  private readonly recheck: Recheck;
  private readonly clock: Clock;
  /** When the first event not yet read again was seen. */
  private firstDirtyAt: number | undefined;
  private readonly missingRoots: MissingRoots;
  /** What the listener was last told, per key: the object it holds. */
  private readonly served = new Map<KeyString, ConfigObject>();
  private readonly dirtyFiles = new Set<string>();
  private readonly dirtyDirs = new Set<string>();
  private watcher: FSWatcher | undefined;
  /** Loads run one after another; each waits for the one before. */
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(opts: YamlDirSourceOptions) {
    if (opts.dirs.length === 0)
      throw new Error("YamlDirSource: dirs is empty; give at least one directory");
    this.opts = opts;
    this.roots = new ConfigRoots(opts.dirs);
    this.table = new DefinitionTable(this.roots.compareFiles);
    const clock = (this.clock = opts.clock ?? systemClock);
    this.missingRoots = new MissingRoots(clock, opts.rootPollMs ?? 1000, (root) => {
      // Watch it afresh, then list it once the watch is in place (after a quiet window).
      this.watcher?.unwatch(root);
      this.watcher?.add(root);
      this.onWatchEvent("addDir", root);
    });
    const slow = opts.removal ?? {
      quietMs: DEFAULT_PUSH_SETTINGS.fileDeleteDebounceAfterMs,
      maxDelayMs: DEFAULT_PUSH_SETTINGS.fileDeleteDebounceMaxMs,
    };
    this.recheck = new Recheck(clock, slow.quietMs, (files, eventAt) => {
      if (this.closed) return;
      void this.enqueue(() =>
        this.load(files, issueSignature(this.currentIssues()), eventAt),
      ).catch(() => undefined);
    });
    this.coalescer = new BurstCoalescer({
      clock,
      quietMs: opts.quietMs ?? DEFAULT_PUSH_SETTINGS.fileDebounceAfterMs,
      maxDelayMs: opts.maxDelayMs ?? DEFAULT_PUSH_SETTINGS.fileDebounceMaxMs,
      slow,
      // A failed load was reported by enqueue(); the rejection itself is not needed here.
      flush: () => void this.enqueue(() => this.loadDirty()).catch(() => undefined),
    });
  }

  /**
   * Checks that every directory exists (throws a clear error if not), starts watching, waits for
   * the watcher to be ready, then reads everything and delivers the initial batch to onBatch.
   * Resolves after that; changes made from then on are reported.
   */
  async start(): Promise<void> {
    if (this.watcher) throw new Error("YamlDirSource: start() called twice");
    await this.roots.checkExist();
    const watcher = watch([...this.roots.dirs], {
      ignoreInitial: true,
      // chokidar's own atomic-save handling holds unlink events back 100 ms; we coalesce and
      // re-read anyway, and held-back unlinks would split a rename into two batches.
      atomic: false,
      ignored: (path, stats) =>
        this.roots.isHidden(path) || (stats?.isFile() === true && !isConfigFileName(path)),
    });
    this.watcher = watcher;
    try {
      await new Promise<void>((resolve, reject) => {
        watcher.once("ready", resolve);
        watcher.once("error", reject);
      });
      watcher.removeAllListeners("error");
      watcher.on("all", (event, path) => this.onWatchEvent(event, path));
      watcher.on("error", (err) => this.reportError(err, "config directory watcher error"));
      await this.enqueue(async () => {
        const startedAt = this.clock.now();
        const lists = await Promise.all(this.roots.dirs.map((d) => listConfigFiles(d)));
        await this.load(lists.flat(), undefined, startedAt);
      });
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Every problem currently outstanding in the directories (fixed ones disappear). */
  currentIssues(): ConfigIssue[] {
    return [...this.missingRootIssues(), ...this.table.issues()];
  }

  /** Stops watching and cancels pending work; no batch is delivered after this resolves. */
  async close(): Promise<void> {
    this.closed = true;
    this.coalescer.cancel();
    this.recheck.cancel();
    this.missingRoots.close();
    await this.watcher?.close();
    await this.work;
  }

  private onWatchEvent(event: string, path: string): void {
    if (this.closed) return;
    if (event === "addDir" || event === "unlinkDir") this.dirtyDirs.add(path);
    else if (isConfigFileName(path)) this.dirtyFiles.add(path);
    else return;
    this.firstDirtyAt ??= this.clock.now();
    this.coalescer.notify(event === "unlink" || event === "unlinkDir");
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.work.then(job);
    this.work = run.catch((err: unknown) => this.reportError(err, "loading config files failed"));
    return run;
  }

  private reportError(err: unknown, what: string): void {
    if (this.opts.log) this.opts.log.error({ err }, what);
    else console.error(`meshpilot: ${what}:`, err);
  }

  /** Re-reads what the watcher reported since the last load. */
  private async loadDirty(): Promise<void> {
    if (this.closed) return;
    const files = new Set(this.dirtyFiles);
    const dirs = [...this.dirtyDirs];
    const eventAt = this.firstDirtyAt ?? this.clock.now();
    this.firstDirtyAt = undefined;
    this.dirtyFiles.clear();
    this.dirtyDirs.clear();
    const issuesBefore = issueSignature(this.currentIssues());
    // A root that vanished is not read at all: what its files defined keeps serving.
    const rootOf = (p: string) => this.roots.dirs[this.roots.rootIndexOf(p)] ?? "";
    for (const root of new Set([...files, ...dirs].map(rootOf)))
      if (root && !this.missingRoots.has(root) && !(await isDirectory(root)))
        this.missingRoots.add(root);
    const present = (p: string) => !this.missingRoots.has(rootOf(p));
    for (const dir of dirs.filter(present)) {
      for (const known of this.knownFilesUnder(dir)) files.add(known);
      for (const found of await listConfigFiles(dir)) files.add(found);
    }
    const read = [...files].filter(present);
    await this.load(read, issuesBefore, eventAt);
    this.recheck.add(read, eventAt);
  }

  /**
   * Reads the given files (missing ones count as deleted) and delivers one batch: always for the
   * initial load (`issuesBefore` undefined), else only if something changed for the listener.
   */
  private async load(
    paths: string[],
    issuesBefore: string | undefined,
    eventAt: number,
  ): Promise<void> {
    const files = [...new Set(paths)]
      .filter((p) => this.roots.rootIndexOf(p) >= 0 && !this.roots.isHidden(p))
      .sort(this.roots.compareFiles);
    const reads = await readConfigFiles(
      files,
      (f) => this.display(f),
      { defaultNamespace: this.opts.defaultNamespace },
      this.parsed,
    );
    if (this.closed) return;
    // A read that would delete objects gets a second look, with the rest of this load.
    if (issuesBefore !== undefined && this.removals.hold(files, reads, (f) => this.table.keysOf(f)))
      return this.readAgain(files, eventAt);
    const touched = new Set<KeyString>();
    files.forEach((file, i) => {
      const read = reads[i]!;
      if (read.state === "unreadable") {
        this.table.fileUnreadable(file, {
          severity: "error",
          source: { file: this.display(file) },
          path: "",
          message: `${read.reason}; what it defined before keeps serving`,
        });
        return;
      }
      const keys =
        read.state === "read"
          ? this.table.readFile(file, read.result)
          : this.table.removeFile(file);
      for (const k of keys) touched.add(k);
    });
    const batch = { ...this.diff(touched, files), eventAt };
    // A file touched without a change (saved again, `touch`) reports nothing.
    const changed =
      batch.upserts.length + batch.deletes.length > 0 ||
      issueSignature(this.currentIssues()) !== issuesBefore;
    if (issuesBefore === undefined || changed) this.opts.onBatch(batch);
  }

  private readAgain(files: readonly string[], eventAt: number): void {
    for (const file of files) this.dirtyFiles.add(file);
    this.firstDirtyAt = Math.min(this.firstDirtyAt ?? eventAt, eventAt);
    this.coalescer.notify(true);
  }

  /** Compares the served definition of each touched key with what the listener holds. */
  private diff(touched: Set<KeyString>, files: string[]): Omit<SourceBatch, "eventAt"> {
    const upserts: ConfigObject[] = [];
    const deletes: ConfigKey[] = [];
    for (const key of [...touched].sort()) {
      const now = this.table.winner(key);
      const before = this.served.get(key);
      if (now === before) continue;
      if (now !== undefined && before !== undefined && sameObject(now, before)) {
        this.served.set(key, now); // read again, identical, same place: nothing to tell
        continue;
      }
      if (now === undefined) {
        this.served.delete(key);
        deletes.push(parseKeyString(key));
      } else {
        this.served.set(key, now);
        upserts.push(now);
      }
    }
    const issues = [...this.missingRootIssues(), ...this.table.issuesFor(files, touched)];
    return { upserts, deletes, issues };
  }

  private missingRootIssues(): ConfigIssue[] {
    return this.missingRoots.list().map((root) => ({
      severity: "error",
      source: { file: this.display(root) },
      path: "",
      message:
        "config directory disappeared; what it defined keeps serving until it is back " +
        "(remove its files, not the directory, to delete objects)",
    }));
  }

  private knownFilesUnder(dir: string): string[] {
    const prefix = dir + sep;
    const out: string[] = [];
    for (const file of this.table.knownFiles()) if (file.startsWith(prefix)) out.push(file);
    return out;
  }

  private display(file: string): string {
    if (this.opts.displayPath) return this.opts.displayPath(file);
    const rel = relative(process.cwd(), file);
    return rel === "" || rel.startsWith("..") ? file : rel;
  }
}

/** Identical in every respect, including where it was read from. */
function sameObject(a: ConfigObject, b: ConfigObject): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function issueSignature(issues: readonly ConfigIssue[]): string {
  return issues.map(formatIssue).join("\n");
}
