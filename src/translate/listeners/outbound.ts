// Sidecar outbound listeners, as Istio builds them from the Sidecar scope's egress listeners:
// HTTP ports share one `0.0.0.0_PORT` listener (hosts are told apart by RDS); TCP ports get one
// `VIP_PORT` listener per service address (headless services: one per endpoint IP); ports of
// unknown protocol get `VIP_PORT` with a sniffed HTTP chain next to the TCP one. Services on the
// same key merge; mixed HTTP and TCP on one key turns into a sniffed listener. Egress listeners
// with a port come first and lock their keys against the catch-all egress listener.

import { isHttpProtocol, isTcpProtocol, parseProtocol } from "../../registry/mesh/protocol.js";
import type { EgressListenerScope } from "../../registry/mesh/sidecar-scope.js";
import type { MeshService, Protocol } from "../../registry/mesh/types.js";
import { isIpAddress } from "../../registry/mesh/hosts.js";
import type { TranslateContext } from "../context.js";
import type { EnvoyMessage } from "../envoy-message.js";
import { conflicts, type FilterChainOpts } from "./chain-opts.js";
import { buildOutboundListener } from "./outbound-listener.js";
import {
  outboundHttpChain,
  outboundTcpChains,
  serviceAddress,
  type ListenPort,
} from "./outbound-chains.js";
import { LOCALHOST_IPV4, WILDCARD_IPV4 } from "./names.js";

type ListenerProtocol = "HTTP" | "TCP" | "AUTO";

export interface OutboundEntry {
  readonly port: ListenPort;
  readonly bind: string;
  readonly bindToPort: boolean;
  locked: boolean;
  chains: FilterChainOpts[];
  /** Istio's entry protocol: the port's, or UNKNOWN once HTTP and TCP are sniffed apart. */
  protocol: Protocol;
}

function listenerProtocol(p: Protocol): ListenerProtocol | undefined {
  if (isHttpProtocol(p)) return "HTTP";
  if (isTcpProtocol(p)) return "TCP";
  return p === "UNKNOWN" ? "AUTO" : undefined;
}

interface Build {
  readonly service: MeshService;
  readonly port: ListenPort;
  bind?: string;
  readonly bindToPort: boolean;
  cidr?: string;
}

class OutboundBuilder {
  readonly entries = new Map<string, OutboundEntry>();
  constructor(private readonly ctx: TranslateContext) {}

  add(o: Build, vss: EgressListenerScope["virtualServices"]): void {
    const lp = listenerProtocol(o.port.protocol);
    if (!lp) return;
    if (!o.bind && lp !== "HTTP") {
      const address = serviceAddress(this.ctx, o.service);
      if (address.includes("/")) {
        o.bind = WILDCARD_IPV4;
        o.cidr = address;
      } else o.bind = address;
    }
    const bind = o.bind ?? WILDCARD_IPV4;
    const key = `${bind}:${o.port.port}`;
    const existing = this.entries.get(key);
    if (existing?.locked) return;
    const existingLp = existing ? listenerProtocol(existing.protocol) : undefined;
    const http = (sniffed: boolean) => {
      const rds =
        lp === "AUTO" && bind !== WILDCARD_IPV4
          ? `${o.service.hostname}:${o.port.port}`
          : `${o.port.port}`;
      return outboundHttpChain(bind, o.port.port, rds, sniffed);
    };
    const tcp = () => outboundTcpChains(this.ctx, o.service, o.port, bind, o.cidr, vss);
    let chains: FilterChainOpts[];
    let protocol: Protocol = o.port.protocol;
    let merge = false;
    if (lp === "HTTP") {
      if (existing && existingLp !== "TCP") return;
      merge = existing !== undefined;
      const sniffed = bind === WILDCARD_IPV4;
      chains = [http(sniffed)];
      if (sniffed) protocol = "UNKNOWN";
    } else if (lp === "TCP") {
      chains = tcp();
      merge = existing !== undefined;
    } else {
      if (existing && existingLp === "AUTO") return;
      merge = existing !== undefined && existingLp === "TCP";
      chains = [...tcp(), http(true)];
    }
    if (existing && merge && wellKnownConflict(o.port.protocol, existing.protocol)) return;
    if (!existing || !merge) {
      this.entries.set(key, {
        port: o.port,
        bind,
        bindToPort: o.bindToPort,
        locked: false,
        chains,
        protocol,
      });
      return;
    }
    for (const c of chains)
      if (!existing.chains.some((e) => conflicts(e, c))) existing.chains.push(c);
    if (existingLp !== lp) existing.protocol = "UNKNOWN";
  }
}

/** Mongo and MySQL never share a port with another protocol (sniffing breaks server-first). */
function wellKnownConflict(incoming: Protocol, existing: Protocol): boolean {
  const special = (p: Protocol) => p === "Mongo" || p === "MySQL";
  return (special(incoming) || special(existing)) && incoming !== existing;
}

function egressBinding(e: EgressListenerScope): { bind?: string; bindToPort: boolean } {
  const bindToPort = e.captureMode === "NONE" || (e.bind ?? "").startsWith("unix://");
  const bind = e.bind ? e.bind : bindToPort ? LOCALHOST_IPV4 : undefined;
  return { ...(bind ? { bind } : {}), bindToPort };
}

export function sidecarOutboundListeners(ctx: TranslateContext): EnvoyMessage[] {
  const b = new OutboundBuilder(ctx);
  for (const e of ctx.scope.egress) {
    const binding = egressBinding(e);
    if (e.port?.number) {
      const port: ListenPort = {
        port: e.port.number,
        protocol: parseProtocol(e.port.protocol),
        name: e.port.name ?? "",
      };
      for (const service of e.services)
        b.add(
          { service, port, bindToPort: binding.bindToPort, ...bindOf(binding) },
          e.virtualServices,
        );
      continue;
    }
    for (const entry of b.entries.values()) entry.locked = true;
    for (const service of e.services)
      for (const sp of service.ports) {
        const port: ListenPort = { port: sp.port, protocol: sp.protocol, name: sp.name };
        const base = { service, port, bindToPort: binding.bindToPort, ...bindOf(binding) };
        const passthrough =
          !binding.bind &&
          service.resolution === "NONE" &&
          serviceAddress(ctx, service) === WILDCARD_IPV4 &&
          (isTcpProtocol(sp.protocol) || sp.protocol === "UNKNOWN");
        if (!passthrough) {
          b.add(base, e.virtualServices);
          continue;
        }
        const endpoints = ctx.model.endpointsFor(service.hostname, sp.port);
        if (service.sourceKind !== "Service" && endpoints.length === 0 && !service.selector) {
          b.add(base, e.virtualServices);
          continue;
        }
        const seen = new Set<string>();
        for (const ep of endpoints) {
          if (!isIpAddress(ep.address) || ep.address === ctx.proxy.ips[0] || seen.has(ep.address))
            continue;
          seen.add(ep.address);
          b.add({ ...base, bind: ep.address }, e.virtualServices);
        }
      }
  }
  return [...b.entries.values()].map((entry) => buildOutboundListener(ctx, entry));
}

function bindOf(binding: { bind?: string }): { bind?: string } {
  return binding.bind ? { bind: binding.bind } : {};
}
