// Delegate VirtualServices (a root's HTTP route with `delegate: {name, namespace}`), merged as
// current Istio merges them before routes are built: each of the delegate's HTTP routes, in
// order, takes the root route's place. Its match blocks are combined with the root's (every
// delegate match must fit inside some root match: a uri/header/query that only narrows the
// root's, no other source or port; a delegate route that fits none is dropped), its name becomes
// `root-delegate`, and fields it leaves unset (rewrite, timeout, retries, fault, mirror, CORS,
// headers…) come from the root route. A delegate that is missing, has hosts of its own, or is not
// exported to the root's namespace contributes nothing. Destination hosts of the merged routes
// are completed in the root's namespace, as Istio resolves the merged VirtualService.

import type { MeshModel } from "../../registry/mesh/mesh-model.js";
import type { IndexedVirtualService } from "../../registry/mesh/virtual-services.js";
import { isVisibleTo } from "../../registry/mesh/visibility.js";
import type {
  HTTPMatchRequest,
  HTTPRoute,
  StringMatch,
  VirtualServiceRoutes,
} from "./istio-types.js";

function stringMatchConflict(
  root: StringMatch | undefined,
  leaf: StringMatch | undefined,
): boolean {
  if (!root || !leaf) return false;
  if (root.regex) return Boolean(leaf.regex || leaf.prefix || leaf.exact);
  if (leaf.regex) return Boolean(root.prefix || root.exact);
  if (root.exact) return Boolean(leaf.prefix) || leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}

function mapConflict(
  root: Readonly<Record<string, StringMatch>> | undefined,
  leaf: Readonly<Record<string, StringMatch>> | undefined,
): boolean {
  return Object.entries(leaf ?? {}).some(([k, v]) => stringMatchConflict(root?.[k], v));
}

export function matchConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  const keys = ["uri", "scheme", "method", "authority"] as const;
  if (keys.some((k) => stringMatchConflict(root[k], leaf[k]))) return true;
  if (mapConflict(root.headers, leaf.headers)) return true;
  if (mapConflict(root.withoutHeaders, leaf.withoutHeaders)) return true;
  if (mapConflict(root.queryParams, leaf.queryParams)) return true;
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [k, v] of Object.entries(leaf.sourceLabels ?? {}))
    if (root.sourceLabels?.[k] !== undefined && root.sourceLabels[k] !== v) return true;
  const rg = root.gateways ?? [];
  const lg = leaf.gateways ?? [];
  if (rg.length > 0 && lg.length > 0) {
    if (rg.length < lg.length || lg.some((g) => !rg.includes(g))) return true;
  }
  return false;
}

const joinName = (root: string | undefined, leaf: string | undefined) =>
  !leaf ? root : root ? `${root}-${leaf}` : leaf;

function mergeMatch(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const merged = (
    a?: Readonly<Record<string, StringMatch>>,
    b?: Readonly<Record<string, StringMatch>>,
  ) => (a || b ? { ...a, ...b } : undefined);
  const m: Record<string, unknown> = {
    ...leaf,
    name: joinName(root.name, leaf.name),
    uri: leaf.uri ?? root.uri,
    scheme: leaf.scheme ?? root.scheme,
    method: leaf.method ?? root.method,
    authority: leaf.authority ?? root.authority,
    headers: merged(root.headers, leaf.headers),
    withoutHeaders: merged(root.withoutHeaders, leaf.withoutHeaders),
    queryParams: merged(root.queryParams, leaf.queryParams),
    port: leaf.port || root.port,
    sourceLabels:
      root.sourceLabels || leaf.sourceLabels
        ? { ...root.sourceLabels, ...leaf.sourceLabels }
        : undefined,
    sourceNamespace: leaf.sourceNamespace || root.sourceNamespace,
    gateways: leaf.gateways && leaf.gateways.length > 0 ? leaf.gateways : root.gateways,
    statPrefix: leaf.statPrefix || root.statPrefix,
  };
  for (const k of Object.keys(m)) if (m[k] === undefined || m[k] === "") delete m[k];
  return m as HTTPMatchRequest;
}

/** Merged match blocks, or undefined when the delegate route conflicts with the root's. */
export function mergeMatches(
  root: readonly HTTPMatchRequest[] | undefined,
  leaf: readonly HTTPMatchRequest[] | undefined,
): readonly HTTPMatchRequest[] | undefined {
  if (!root || root.length === 0) return leaf ?? [];
  if (!leaf || leaf.length === 0) return root;
  const out: HTTPMatchRequest[] = [];
  for (const sub of leaf) {
    const fits = root.filter((r) => !matchConflict(r, sub));
    if (fits.length === 0) return undefined;
    for (const r of fits) out.push(mergeMatch(r, sub));
  }
  return out;
}

export function mergeHttpRoute(root: HTTPRoute, leaf: HTTPRoute): HTTPRoute | undefined {
  const match = mergeMatches(root.match, leaf.match);
  if (!match) return undefined;
  const inherit = [
    "rewrite",
    "directResponse",
    "timeout",
    "retries",
    "fault",
    "mirror",
    "mirrorPercent",
    "mirror_percent",
    "mirrorPercentage",
    "corsPolicy",
    "mirrors",
    "headers",
  ] as const;
  const out: Record<string, unknown> = { ...leaf, match };
  const name = joinName(root.name, leaf.name);
  if (name) out.name = name;
  for (const k of inherit) if (out[k] === undefined && root[k] !== undefined) out[k] = root[k];
  return out as HTTPRoute;
}

/** A VirtualService's HTTP routes with every delegate merged in. */
export function mergedHttpRoutes(model: MeshModel, vs: IndexedVirtualService): HTTPRoute[] {
  const http = (vs.spec as VirtualServiceRoutes).http ?? [];
  if (!http.some((r) => r.delegate)) return [...http];
  const out: HTTPRoute[] = [];
  for (const root of http) {
    if (!root.delegate) {
      out.push(root);
      continue;
    }
    const ns = root.delegate.namespace || vs.namespace;
    const delegate = model.virtualServices.all.find(
      (d) => d.name === root.delegate!.name && d.namespace === ns,
    );
    if (!delegate || delegate.hosts.length > 0 || !isVisibleTo(delegate.exportTo, vs.namespace))
      continue;
    for (const leaf of (delegate.spec as VirtualServiceRoutes).http ?? []) {
      const merged = mergeHttpRoute(root, leaf);
      if (merged) out.push(merged);
    }
  }
  return out;
}
