// Which connected proxies share a scope. A scope is a proxy view (proxy-view.ts): proxies with
// equal views get equal config, so the view key is the dependency index's scope key. Tracked per
// xDS connection (a proxy may hold several streams, e.g. per-type services), from the server's
// connect and disconnect events.

import type { ProxyView } from "../registry/mesh/types.js";
import type { Proxy } from "../xds/proxy-identity.js";
import { proxyViewKey, proxyViewOf } from "./proxy-view.js";

interface ScopeMembers {
  readonly view: ProxyView;
  /** Proxy id → number of its connections in this scope. */
  readonly proxies: Map<string, number>;
}

export interface Joined {
  readonly scope: string;
  readonly view: ProxyView;
  /** True when this is the scope's first connection. */
  readonly newScope: boolean;
}

export class ProxyScopes<C = unknown> {
  private readonly byConnection = new Map<C, { proxyId: string; scope: string }>();
  private readonly scopes = new Map<string, ScopeMembers>();
  /** Proxy id → number of its connections (any scope). */
  private readonly connectionsByProxy = new Map<string, number>();

  /** A connection identified its proxy. */
  add(connection: C, proxy: Proxy): Joined {
    this.remove(connection);
    const view = proxyViewOf(proxy);
    const scope = proxyViewKey(view);
    let members = this.scopes.get(scope);
    const newScope = members === undefined;
    if (!members) this.scopes.set(scope, (members = { view, proxies: new Map() }));
    members.proxies.set(proxy.id, (members.proxies.get(proxy.id) ?? 0) + 1);
    this.byConnection.set(connection, { proxyId: proxy.id, scope });
    this.connectionsByProxy.set(proxy.id, (this.connectionsByProxy.get(proxy.id) ?? 0) + 1);
    return { scope, view, newScope };
  }

  /** A connection ended; returns its scope's key if that scope has no connection left. */
  remove(connection: C): string | undefined {
    const entry = this.byConnection.get(connection);
    if (!entry) return undefined;
    this.byConnection.delete(connection);
    const left = (this.connectionsByProxy.get(entry.proxyId) ?? 1) - 1;
    if (left > 0) this.connectionsByProxy.set(entry.proxyId, left);
    else this.connectionsByProxy.delete(entry.proxyId);
    const members = this.scopes.get(entry.scope);
    if (!members) return undefined;
    const n = (members.proxies.get(entry.proxyId) ?? 1) - 1;
    if (n > 0) members.proxies.set(entry.proxyId, n);
    else members.proxies.delete(entry.proxyId);
    if (members.proxies.size > 0) return undefined;
    this.scopes.delete(entry.scope);
    return entry.scope;
  }

  /** Ids of the proxies connected in these scopes (each once, sorted). */
  proxiesOf(scopes: Iterable<string>): string[] {
    const ids = new Set<string>();
    for (const s of scopes) for (const id of this.scopes.get(s)?.proxies.keys() ?? []) ids.add(id);
    return [...ids].sort();
  }

  /** True while the proxy has a connection. */
  hasProxy(proxyId: string): boolean {
    return this.connectionsByProxy.has(proxyId);
  }

  /** The proxy id of a tracked connection. */
  proxyOf(connection: C): string | undefined {
    return this.byConnection.get(connection)?.proxyId;
  }

  /** Scopes with a proxy at one of these addresses. */
  scopesAt(addresses: ReadonlySet<string>): string[] {
    const out: string[] = [];
    for (const [scope, m] of this.scopes)
      if (m.view.ips.some((ip) => addresses.has(ip))) out.push(scope);
    return out;
  }

  view(scope: string): ProxyView | undefined {
    return this.scopes.get(scope)?.view;
  }

  keys(): IterableIterator<string> {
    return this.scopes.keys();
  }

  get size(): number {
    return this.scopes.size;
  }
}
