// Where checks put what they find: violations of a rule at a field path, and rule kinds this
// checker does not implement (reported once per rule, never passed silently).

export interface Violation {
  /** Field path in the plain-object form, e.g. `filterChains[0].filters[1].typedConfig.statPrefix`. */
  readonly path: string;
  /** The rule, e.g. `string.min_len`, `message.required`, `oneof.required`, `unknown field`. */
  readonly rule: string;
  readonly message: string;
  /**
   * `unchecked`: the proto declares a rule this checker does not implement. `deprecated`: the
   * field is marked deprecated in Envoy's protos (Envoy warns, and may reject it in a later
   * release); not a violation.
   */
  readonly kind: "violation" | "unchecked" | "deprecated";
}

export class Sink {
  readonly found: Violation[] = [];
  private readonly uncheckedSeen = new Set<string>();

  violation(path: string, rule: string, message: string): void {
    this.found.push({ path, rule, message, kind: "violation" });
  }

  deprecated(path: string, field: string): void {
    this.found.push({
      path,
      rule: "deprecated",
      message: `${field} is deprecated`,
      kind: "deprecated",
    });
  }

  unchecked(path: string, rule: string): void {
    if (this.uncheckedSeen.has(rule)) return;
    this.uncheckedSeen.add(rule);
    this.found.push({
      path,
      rule,
      message: `rule ${rule} is declared here but not checked`,
      kind: "unchecked",
    });
  }
}

export function formatViolation(v: Violation): string {
  return `${v.path || "(message)"}: ${v.rule}: ${v.message}`;
}
