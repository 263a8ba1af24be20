// SDS references in TLS contexts. meshpilot serves every secret over the same ADS stream: the
// workload certificate `default`, the mesh root `ROOTCA`, and `kubernetes://<credentialName>`
// (`-cacert` for its CA). Istio fetches `default` / `ROOTCA` from its node agent instead (cluster
// `sds-grpc`); only this file would change to do the same. Listeners import it too.

import type { EnvoyMessage } from "../envoy-message.js";

export const SDS_DEFAULT = "default";
export const SDS_ROOT = "ROOTCA";

export function sdsSecretConfig(name: string): EnvoyMessage {
  return { name, sdsConfig: { ads: {}, resourceApiVersion: "V3" } };
}

/** The SDS name of a credentialName (`kubernetes://name`, left as is when it has a scheme). */
export function credentialResourceName(credentialName: string): string {
  return credentialName.includes("://") ? credentialName : `kubernetes://${credentialName}`;
}

/** The SDS name of a credential's CA (`kubernetes://name-cacert`). */
export function credentialCaResourceName(credentialName: string): string {
  return `${credentialResourceName(credentialName)}-cacert`;
}
