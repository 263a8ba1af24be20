// Hostname semantics shared by every lookup: short-name expansion in a config's namespace,
// wildcard matching (`*`, `*.example.com`), and picking the most specific of several matches.

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function isIpAddress(s: string): boolean {
  if (IPV4.test(s)) return s.split(".").every((o) => Number(o) <= 255);
  return s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s);
}

export function isWildcardHost(h: string): boolean {
  return h.startsWith("*");
}

/** FQDN of a Kubernetes service. */
export function serviceFqdn(name: string, namespace: string, domainSuffix: string): string {
  return `${name}.${namespace}.svc.${domainSuffix}`;
}

/**
 * Istio's short-name rule: a host without a dot (and not `*`, not an IP) is completed as
 * `host.<namespace>.svc.<domain>`, where namespace is that of the config that names it. A host that
 * already has a dot (`reviews.default`) is left alone.
 */
export function resolveShortName(host: string, namespace: string, domainSuffix: string): string {
  if (host === "" || host === "*" || isIpAddress(host) || host.includes(".")) return host;
  return serviceFqdn(host, namespace, domainSuffix);
}

/** `a` ⊆ `b`: every name `a` matches is matched by `b`. */
export function hostSubsetOf(a: string, b: string): boolean {
  if (isWildcardHost(b)) {
    if (b.length === 1) return true;
    const suffix = b.slice(1); // ".example.com"
    return isWildcardHost(a) ? a.slice(1).endsWith(suffix) : a.endsWith(suffix);
  }
  return !isWildcardHost(a) && a === b;
}

/** The two host patterns share at least one name. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostSubsetOf(a, b) || hostSubsetOf(b, a);
}

/**
 * True when `a` is a more specific pattern than `b`: an exact name beats a wildcard; of two
 * wildcards the longer wins; ties are broken by string order so the choice is deterministic.
 */
export function moreSpecificHost(a: string, b: string): boolean {
  const aw = isWildcardHost(a);
  const bw = isWildcardHost(b);
  if (aw !== bw) return !aw;
  if (a.length !== b.length) return a.length > b.length;
  return a < b;
}

/**
 * Istio's most-specific match of `needle` against a set of host patterns: the needle itself if
 * present, else the most specific wildcard that covers it. Returns undefined when none does.
 */
export function mostSpecificHostMatch(
  needle: string,
  patterns: Iterable<string>,
): string | undefined {
  let best: string | undefined;
  for (const p of patterns) {
    if (p === needle) return p;
    if (!isWildcardHost(p) || !hostSubsetOf(needle, p)) continue;
    if (best === undefined || moreSpecificHost(p, best)) best = p;
  }
  return best;
}

/** Compare two hostnames for sorting: by name, so output never depends on insertion order. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
