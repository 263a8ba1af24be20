// Comparing hosts that may carry a leading wildcard: `*` covers everything, `*.foo.com` covers
// `bar.foo.com` and `*.bar.foo.com`.

function suffixOf(host: string): string | undefined {
  return host.startsWith("*") ? host.slice(1) : undefined;
}

/** True when every name `inner` can stand for is also covered by `outer`. */
export function hostSubsetOf(inner: string, outer: string): boolean {
  const outerSuffix = suffixOf(outer);
  if (outerSuffix === undefined) return inner === outer;
  const innerSuffix = suffixOf(inner);
  if (innerSuffix !== undefined) return innerSuffix.endsWith(outerSuffix);
  return inner.endsWith(outerSuffix);
}

/** True when the two hosts overlap (one covers the other). */
export function hostsOverlap(a: string, b: string): boolean {
  return hostSubsetOf(a, b) || hostSubsetOf(b, a);
}
