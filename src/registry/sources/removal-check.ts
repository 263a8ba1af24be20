// A file read again that would delete objects — it is gone, or reads cleanly without objects it
// defined — may be caught in the middle of a save: renamed away before the new one is renamed in,
// or truncated by an in-place write that has not written yet. Acting on that read would delete
// the objects and add them back a moment later, pushing both to every proxy. So a load holding
// such a read is not applied: every file of it is read again after the slower window of a burst
// that removed something (MESHPILOT_FILE_DELETE_DEBOUNCE_*), and that second look is applied
// whatever it says (one second look in a row, so a stream of deletions cannot hold loads forever).

import { keyOf, keyString, type ConfigKey, type KeyString } from "../config-object.js";
import type { FileRead } from "./read-config-files.js";

export class RemovalCheck {
  private heldLast = false;

  /** True when this load must wait for a second look; `defined`: the keys a file defines now. */
  hold(
    files: readonly string[],
    reads: readonly FileRead[],
    defined: (file: string) => readonly KeyString[],
  ): boolean {
    const hold = !this.heldLast && files.some((f, i) => wouldDelete(reads[i]!, defined(f)));
    this.heldLast = hold;
    return hold;
  }
}

function wouldDelete(read: FileRead, defined: readonly KeyString[]): boolean {
  if (defined.length === 0 || read.state === "unreadable") return false;
  if (read.state === "gone") return true;
  // A file that does not read cleanly keeps what it defined (DefinitionTable.readFile).
  if (read.result.hasUnreadableDocuments) return false;
  const seen = new Set(read.result.objects.map((o) => keyString(keyOf(o))));
  for (const issue of read.result.issues) {
    if (issue.severity !== "error") continue;
    if (!issue.object) return false; // an unnamed broken document: its objects are kept anyway
    seen.add(keyString(issue.object as ConfigKey)); // invalid now: kept as last good
  }
  return defined.some((k) => !seen.has(k));
}
