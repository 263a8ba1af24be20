// Memo keys for the pieces every proxy of a Sidecar scope shares (outbound listeners, route
// configurations): the scope (model object, by identity) and the proxy fields those generators
// read — kind, namespace, cluster id, and the labels only where something can read them (a
// DestinationRule with a workloadSelector in the proxy's namespace, or any VirtualService match
// on sourceLabels, delegates included). Keys may over-cover (labels or an IP that end up unused),
// never under-cover.

import type { TranslateContext } from "./context.js";
import { identity, labelsKey, memoize } from "./memo.js";

function labelsAreRead(ctx: TranslateContext): boolean {
  const { model, proxy } = ctx;
  const bySelectorRule = memoize(
    model,
    `dr-selector|${proxy.namespace}`,
    () => model.destinationRules.withSelectorIn(proxy.namespace).length > 0,
  );
  return (
    bySelectorRule ||
    memoize(model, "vs-source-labels", () =>
      model
        .objectsOf("VirtualService")
        .some((o) => JSON.stringify(o.body).includes('"sourceLabels"')),
    )
  );
}

/** Scope, kind, namespace, cluster id and (when read) labels. */
export function scopeViewKey(ctx: TranslateContext): string {
  const { proxy } = ctx;
  return [
    identity(ctx.scope),
    proxy.kind,
    proxy.namespace,
    proxy.clusterId ?? "",
    labelsAreRead(ctx) ? labelsKey(proxy.labels) : "",
  ].join("|");
}

/**
 * scopeViewKey plus the proxy's first IP when the scope has a passthrough (resolution NONE)
 * service, whose outbound listeners leave out the proxy's own address.
 */
export function outboundListenersKey(ctx: TranslateContext): string {
  const passthrough = ctx.scope.services.some((s) => s.resolution === "NONE");
  return `${scopeViewKey(ctx)}|${passthrough ? (ctx.proxy.ips[0] ?? "") : ""}`;
}

/**
 * Inbound listeners read the scope's ingress, the proxy's namespace and labels (PeerAuthentication,
 * the services selecting it) and the service instances found at its IPs — not the IPs themselves.
 */
export function inboundListenersKey(ctx: TranslateContext): string {
  const instances = ctx.model
    .instancesForProxy(ctx.proxy)
    .map((i) => `${identity(i.service)}:${identity(i.servicePort)}:${i.targetPort}`);
  return [
    identity(ctx.scope),
    ctx.proxy.kind,
    ctx.proxy.namespace,
    labelsKey(ctx.proxy.labels),
    instances.join(","),
  ].join("|");
}
