// The shape of a per-kind rule: it reads the parsed document and reports into the object's Report.

import type { Kind } from "../../kinds.js";
import type { Report } from "../report.js";

export interface RuleContext {
  readonly kind: Kind;
  readonly namespace: string;
  readonly name: string;
  readonly apiVersion: string;
}

export type KindRule = (doc: Record<string, unknown>, report: Report, ctx: RuleContext) => void;
