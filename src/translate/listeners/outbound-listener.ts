// One outbound listener from its entry: a chain that matches everything is the only chain (or the
// default chain next to matching ones); without one, unmatched connections take the
// PassthroughFilterChain to the catch-all cluster (PassthroughCluster or BlackHoleCluster).

import { duration, type EnvoyMessage } from "../envoy-message.js";
import type { TranslateContext } from "../context.js";
import {
  filterChain,
  isMatchAll,
  needsHttpInspector,
  needsTlsInspector,
  type FilterChainOpts,
} from "./chain-opts.js";
import { httpInspector, socketAddress, tlsInspector, ZERO_DURATION } from "./filters.js";
import { listenerName, PASSTHROUGH_FILTER_CHAIN } from "./names.js";
import { catchAllFilters } from "./virtual-outbound.js";

export interface ListenerEntry {
  readonly port: { readonly port: number };
  readonly bind: string;
  readonly bindToPort: boolean;
  readonly chains: readonly FilterChainOpts[];
}

export function buildOutboundListener(ctx: TranslateContext, e: ListenerEntry): EnvoyMessage {
  const filterChains: EnvoyMessage[] = [];
  let defaultChain: EnvoyMessage | undefined;
  for (const c of e.chains) {
    if (isMatchAll(c)) defaultChain = filterChain(c, false);
    else filterChains.push(filterChain(c, true));
  }
  if (defaultChain && filterChains.length === 0) {
    filterChains.push(defaultChain);
    defaultChain = undefined;
  } else if (!defaultChain) {
    defaultChain = {
      filterChainMatch: {},
      filters: catchAllFilters(ctx),
      name: PASSTHROUGH_FILTER_CHAIN,
    };
  }
  const http = needsHttpInspector(e.chains);
  const listenerFilters =
    http || needsTlsInspector(e.chains) ? [tlsInspector(), ...(http ? [httpInspector()] : [])] : [];
  return {
    name: listenerName(e.bind, e.port.port),
    address: socketAddress(e.bind, e.port.port),
    filterChains,
    ...(defaultChain ? { defaultFilterChain: defaultChain } : {}),
    ...(listenerFilters.length > 0 ? { listenerFilters } : {}),
    listenerFiltersTimeout: http
      ? duration(ctx.model.meshConfig.protocolDetectionTimeout)
      : ZERO_DURATION,
    continueOnListenerFiltersTimeout: true,
    trafficDirection: "OUTBOUND",
    ...(e.bindToPort ? {} : { bindToPort: { value: false } }),
  };
}
