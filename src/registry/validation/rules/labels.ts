// Kubernetes label keys and values, used for selectors, subsets and object labels.

import { isDns1123Subdomain } from "./names.js";
import { entries, q, type IssueSink, type Path } from "./shape.js";

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Why a label key (`[prefix/]name`) is not valid, or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDns1123Subdomain(prefix))
    return `has a prefix ${q(prefix)} that is not a DNS-1123 subdomain`;
  if (name === "" || name.length > 63 || !NAME.test(name))
    return "must be at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63 || !NAME.test(value))
    return "must be empty or at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** Checks a label map; wildcards are never allowed (Istio selectors do not support them). */
export function checkLabels(sink: IssueSink, path: Path, labels: unknown, what = "label"): void {
  for (const [key, value] of entries(labels)) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) {
      sink.error([...path, key], `${what} key ${q(key)} ${keyProblem}`);
      continue;
    }
    if (typeof value !== "string") {
      sink.error([...path, key], `${what} ${q(key)} must have a string value`);
      continue;
    }
    const valueProblem = labelValueProblem(value);
    if (valueProblem)
      sink.error([...path, key], `${what} ${q(key)} value ${q(value)} ${valueProblem}`);
  }
}
