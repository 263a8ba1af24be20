// Collects the problems found while validating one object, each with its field path.

import type { ConfigIssue, Severity } from "../config-issue.js";
import type { SourceRef } from "../config-object.js";
import { formatPath, type PathPart } from "./field-path.js";

export class Report {
  readonly issues: ConfigIssue[] = [];

  constructor(
    private readonly source: SourceRef,
    private readonly object?: ConfigIssue["object"],
  ) {}

  error(path: readonly PathPart[] | string, message: string): void {
    this.add("error", path, message);
  }

  warn(path: readonly PathPart[] | string, message: string): void {
    this.add("warning", path, message);
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === "error");
  }

  private add(severity: Severity, path: readonly PathPart[] | string, message: string): void {
    const p = typeof path === "string" ? path : formatPath(path);
    this.issues.push({
      severity,
      source: this.source,
      ...(this.object ? { object: this.object } : {}),
      path: p,
      message,
    });
  }
}
