// LDS: the listeners of one proxy, as Istio builds them. Sidecars: outbound listeners per service
// port, virtualOutbound (15001), virtualInbound (15006) and any Sidecar ingress listener that binds
// its own port. Gateways (router): one listener per Gateway server port. Proxyless gRPC clients get
// their API listeners from the proxyless generator, so none from here.

import type { TranslateContext } from "../context.js";
import type { GeneratedResource } from "../envoy-message.js";
import { memoize } from "../memo.js";
import { inboundListenersKey, outboundListenersKey, scopeViewKey } from "../view-facets.js";
import { withAccessLogs } from "./access-log.js";
import { gatewayListeners } from "./gateway.js";
import { sidecarInboundListeners } from "./inbound.js";
import { sidecarOutboundListeners } from "./outbound.js";
import { VIRTUAL_OUTBOUND } from "./names.js";
import { virtualOutboundListener } from "./virtual-outbound.js";

export function generateListeners(ctx: TranslateContext): GeneratedResource[] {
  const listeners =
    ctx.proxy.kind === "router"
      ? gatewayListeners(ctx)
      : ctx.proxy.kind === "sidecar"
        ? [
            ...memoize(ctx.model, `lds-out|${outboundListenersKey(ctx)}`, () =>
              sidecarOutboundListeners(ctx),
            ),
            memoize(ctx.model, `lds-vo|${scopeViewKey(ctx)}`, () => virtualOutboundListener(ctx)),
            ...memoize(ctx.model, `lds-in|${inboundListenersKey(ctx)}`, () =>
              sidecarInboundListeners(ctx),
            ),
          ]
        : [];
  const mesh = ctx.model.meshConfig;
  return listeners.map((l) => {
    // Istio logs unmatched connections on virtualOutbound, inbound and gateway listeners.
    const listenerLevel =
      ctx.proxy.kind === "router" ||
      l.name === VIRTUAL_OUTBOUND ||
      l.trafficDirection === "INBOUND";
    const message = withAccessLogs(l, mesh, listenerLevel);
    return { name: message.name as string, message };
  });
}
