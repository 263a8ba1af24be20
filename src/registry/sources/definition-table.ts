// Who defines what, across the files of a source: per file, the objects it currently defines
// (including last good versions kept while broken); per key, every definition in the order it was
// accepted. The first accepted definition of a key is the one served; the others are duplicates
// and reported as errors naming both places. No filesystem here: callers hand in what they read.

import {
  describeSource,
  keyOf,
  keyString,
  type ConfigKey,
  type ConfigObject,
  type KeyString,
} from "../config-object.js";
import type { ConfigIssue } from "../config-issue.js";
import type { YamlTextResult } from "./yaml-text.js";

interface Definition {
  readonly file: string;
  readonly key: KeyString;
  readonly object: ConfigObject;
}

interface FileEntry {
  readonly defs: readonly Definition[];
  readonly issues: readonly ConfigIssue[];
}

export class DefinitionTable {
  private readonly byFile = new Map<string, FileEntry>();
  /** Per key, definitions in acceptance order; a file's definitions of one key stay together. */
  private readonly claims = new Map<KeyString, Definition[]>();
  private readonly duplicated = new Set<KeyString>();

  /** `compareFiles` orders files for issue listings (the order they are read in). */
  constructor(private readonly compareFiles: (a: string, b: string) => number) {}

  /**
   * Replaces what `file` defines with what was just read from it; returns the keys whose
   * definitions changed. Last good rules (design invariant 4):
   *  - an object that is now invalid keeps its previous valid definition from this file;
   *  - when a document could not be read, or was rejected before its object could be named,
   *    every object the file defined that is no longer seen is kept, because a deletion cannot be
   *    told from breakage. Only a file that reads cleanly deletes by omission.
   */
  readFile(file: string, result: YamlTextResult): Set<KeyString> {
    const old = this.byFile.get(file)?.defs ?? [];
    const defs: Definition[] = result.objects.map((object) => ({
      file,
      key: keyString(keyOf(object)),
      object,
    }));
    const seen = new Set(defs.map((d) => d.key));
    const invalid = new Set<KeyString>();
    let unidentified = result.hasUnreadableDocuments;
    for (const i of result.issues) {
      if (i.severity !== "error") continue;
      if (i.object) invalid.add(keyString(i.object as ConfigKey));
      else unidentified = true;
    }
    const issues = [...result.issues];
    for (const d of old) {
      if (seen.has(d.key) || !(unidentified || invalid.has(d.key))) continue;
      defs.push(d);
      seen.add(d.key);
      issues.push(keptIssue(d, invalid.has(d.key)));
    }
    defs.sort((a, b) => (a.object.source.docIndex ?? 0) - (b.object.source.docIndex ?? 0));
    return this.replace(file, old, { defs, issues });
  }

  /** The file is gone: everything it defined goes with it. */
  removeFile(file: string): Set<KeyString> {
    const old = this.byFile.get(file)?.defs ?? [];
    return this.replace(file, old, undefined);
  }

  /** The file exists but cannot be read (permissions…): keep what it defined, report why. */
  fileUnreadable(file: string, issue: ConfigIssue): void {
    const entry = this.byFile.get(file);
    this.byFile.set(file, { defs: entry?.defs ?? [], issues: [issue] });
  }

  /** The keys a file defines now (last good definitions included). */
  keysOf(file: string): KeyString[] {
    return (this.byFile.get(file)?.defs ?? []).map((d) => d.key);
  }

  /** Every file that currently defines something or has a problem. */
  knownFiles(): IterableIterator<string> {
    return this.byFile.keys();
  }

  /** The served definition of a key: the first accepted one. */
  winner(key: KeyString): ConfigObject | undefined {
    return this.claims.get(key)?.[0]?.object;
  }

  /** Every outstanding problem: per file in file order, then duplicate definitions by key. */
  issues(): ConfigIssue[] {
    // Only files with problems: sorting every file on each load cost a core at 1,000 files.
    const files: string[] = [];
    for (const [f, e] of this.byFile) if (e.issues.length > 0) files.push(f);
    return this.issuesFor(files, this.duplicated);
  }

  /** Problems of the given files, plus duplicate-definition errors for the given keys. */
  issuesFor(files: Iterable<string>, keys: Iterable<KeyString>): ConfigIssue[] {
    const out: ConfigIssue[] = [];
    for (const f of [...files].sort(this.compareFiles))
      out.push(...(this.byFile.get(f)?.issues ?? []));
    for (const k of [...keys].sort()) out.push(...this.duplicateIssues(k));
    return out;
  }

  private replace(
    file: string,
    old: readonly Definition[],
    entry: FileEntry | undefined,
  ): Set<KeyString> {
    if (entry) this.byFile.set(file, entry);
    else this.byFile.delete(file);
    const mine = entry?.defs ?? [];
    const keys = new Set<KeyString>([...old.map((d) => d.key), ...mine.map((d) => d.key)]);
    for (const key of keys) {
      const list = this.claims.get(key) ?? [];
      const at = list.findIndex((d) => d.file === file);
      const others = list.filter((d) => d.file !== file);
      // Keep the file's place in line when it already defined the key; newcomers queue at the end.
      const position =
        at < 0 ? others.length : list.slice(0, at).filter((d) => d.file !== file).length;
      const next = [
        ...others.slice(0, position),
        ...mine.filter((d) => d.key === key),
        ...others.slice(position),
      ];
      if (next.length === 0) this.claims.delete(key);
      else this.claims.set(key, next);
      if (next.length > 1) this.duplicated.add(key);
      else this.duplicated.delete(key);
    }
    return keys;
  }

  private duplicateIssues(key: KeyString): ConfigIssue[] {
    const [first, ...rest] = this.claims.get(key) ?? [];
    if (first === undefined) return [];
    return rest.map((d) => {
      const k = keyOf(d.object);
      return {
        severity: "error",
        source: d.object.source,
        object: k,
        path: "metadata.name",
        // formatIssue() already names the object; the message names both places.
        message:
          `defined twice: in ${describeSource(d.object.source)} and in ` +
          `${describeSource(first.object.source)}; the one in ${fileAndDoc(first.object)} is used`,
      };
    });
  }
}

function fileAndDoc(o: ConfigObject): string {
  return describeSource({ file: o.source.file, docIndex: o.source.docIndex });
}

function keptIssue(d: Definition, invalid: boolean): ConfigIssue {
  const why = invalid ? "the new version is invalid" : "part of the file could not be read";
  return {
    severity: "warning",
    source: { file: d.object.source.file },
    object: keyOf(d.object),
    path: "",
    message: `${why}; the last valid version (${describeSource(d.object.source)}) keeps serving until it is fixed`,
  };
}
