// Istio's semantic rules per kind, applied after the schema check passes.

import type { Kind } from "../../kinds.js";
import type { Report } from "../report.js";

export interface RuleContext {
  readonly kind: Kind;
  readonly namespace: string;
  readonly name: string;
  readonly apiVersion: string;
}

export type KindRule = (doc: Record<string, unknown>, report: Report, ctx: RuleContext) => void;

export const KIND_RULES: Partial<Record<Kind, KindRule>> = {};
