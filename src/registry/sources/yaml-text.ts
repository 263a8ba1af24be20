// Parses the text of one YAML file (one or many documents) into validated ConfigObjects.
// A document that is bad YAML or an invalid object is reported and skipped alone; the others
// in the file still count. Duplicate keys in a mapping are an error (a copied `paths:` twice
// would otherwise silently drop the first one).

import { LineCounter, parseAllDocuments } from "yaml";
import type { ConfigIssue } from "../config-issue.js";
import type { ConfigObject, SourceRef } from "../config-object.js";
import { validateDocument, type ValidateOptions } from "../validation/validate-document.js";

export interface YamlTextResult {
  readonly objects: ConfigObject[];
  readonly issues: ConfigIssue[];
  /** True when at least one document could not be parsed, so its object (if any) is unknown. */
  readonly hasUnreadableDocuments: boolean;
}

export function readYamlText(
  text: string,
  file: string,
  opts: ValidateOptions = {},
): YamlTextResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    merge: true,
  });
  const objects: ConfigObject[] = [];
  const issues: ConfigIssue[] = [];
  let hasUnreadableDocuments = false;
  // parseAllDocuments returns an EmptyStream (not iterable as documents) for an empty text.
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, docIndex) => {
    const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    const source: SourceRef = { file, docIndex, line: lineCounter.linePos(start).line };
    if (doc.errors.length > 0) {
      hasUnreadableDocuments = true;
      for (const err of doc.errors) {
        const at = err.pos?.[0] !== undefined ? lineCounter.linePos(err.pos[0]) : undefined;
        issues.push({
          severity: "error",
          source: at ? { file, docIndex, line: at.line } : source,
          path: "",
          message: `YAML: ${yamlMessage(err.code, err.message)}`,
        });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // e.g. an alias bomb ("Excessive alias count"): reported like any unreadable document.
      hasUnreadableDocuments = true;
      issues.push({
        severity: "error",
        source,
        path: "",
        message: `YAML: ${(e as Error).message}`,
      });
      return;
    }
    if (value === null || value === undefined) return; // an empty document (`---` alone, comments)
    const result = validateDocument(value, source, opts);
    issues.push(...result.issues);
    if (result.object) objects.push(result.object);
  });
  return { objects, issues, hasUnreadableDocuments };
}

function yamlMessage(code: string, message: string): string {
  const firstLine = message.split("\n")[0] ?? message;
  if (code === "DUPLICATE_KEY")
    return `${firstLine} (a key appears twice in the same mapping; the first value would be lost)`;
  return firstLine;
}
