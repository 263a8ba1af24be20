// The coordinator's list of the xDS actor's streams: which proxy each stream is, and which proxy
// view (scope, push/proxy-scopes.ts) it belongs to, so pushes to proxy ids become one snapshot
// per view. A view's first stream means the xDS actor holds nothing for it yet (it drops a view
// when its last stream ends), so the coordinator sends it a complete snapshot.

import { ProxyScopes } from "../../push/proxy-scopes.js";
import type { ProxyView } from "../../registry/mesh/types.js";
import type { Proxy } from "../../xds/proxy-identity.js";

export interface ViewGroup {
  readonly viewKey: string;
  readonly view: ProxyView;
  readonly proxyIds: readonly string[];
}

export class ConnectedViews {
  private readonly scopes = new ProxyScopes<string>();
  private readonly connections = new Set<string>();
  private readonly viewOfProxy = new Map<string, string>();

  /** A stream identified its proxy; undefined if already known (a duplicate report). */
  add(connectionId: string, proxy: Proxy): { viewKey: string; newView: boolean } | undefined {
    if (this.connections.has(connectionId)) return undefined;
    this.connections.add(connectionId);
    const joined = this.scopes.add(connectionId, proxy);
    this.viewOfProxy.set(proxy.id, joined.scope);
    return { viewKey: joined.scope, newView: joined.newScope };
  }

  /** A stream ended; false if it was not known. */
  remove(connectionId: string): boolean {
    if (!this.connections.delete(connectionId)) return false;
    const proxyId = this.scopes.proxyOf(connectionId);
    this.scopes.remove(connectionId);
    if (proxyId !== undefined && !this.scopes.hasProxy(proxyId)) this.viewOfProxy.delete(proxyId);
    return true;
  }

  /** The views of these proxies, each with the given proxies in it. */
  group(proxyIds: Iterable<string>): ViewGroup[] {
    const out = new Map<string, string[]>();
    for (const id of proxyIds) {
      const key = this.viewOfProxy.get(id);
      if (key === undefined) continue;
      const list = out.get(key) ?? [];
      list.push(id);
      out.set(key, list);
    }
    return [...out].flatMap(([viewKey, ids]) => {
      const view = this.scopes.view(viewKey);
      return view ? [{ viewKey, view, proxyIds: ids }] : [];
    });
  }

  connectionIds(): string[] {
    return [...this.connections];
  }

  proxyIds(): string[] {
    return [...this.viewOfProxy.keys()];
  }
}
