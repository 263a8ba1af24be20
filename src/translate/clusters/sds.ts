// SDS references in upstream TLS contexts, in the same form as the listeners' (one source for
// both sides of a mesh mTLS connection): the workload certificate `default` and the mesh root
// `ROOTCA` come from the proxy's node agent over the `sds-grpc` cluster, as in Istio; a
// credentialName secret comes from the control plane over ADS as `kubernetes://<name>` (its CA
// as `kubernetes://<name>-cacert`).

import type { EnvoyMessage } from "../envoy-message.js";
import { agentSdsSecret } from "../listeners/tls-context.js";

export const SDS_DEFAULT = "default";
export const SDS_ROOT = "ROOTCA";

/** `default` / `ROOTCA` from the node agent; any other name over ADS. */
export function sdsSecretConfig(name: string): EnvoyMessage {
  if (name === SDS_DEFAULT || name === SDS_ROOT) return agentSdsSecret(name);
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
