// DownstreamTlsContext for the servers a listener terminates TLS for: Istio mutual TLS on sidecar
// inbound chains (workload certificate `default` and root `ROOTCA` over SDS from the local agent),
// and Gateway servers (SIMPLE / MUTUAL with a credentialName fetched over ADS as
// `kubernetes://<name>`, or with certificate files, or ISTIO_MUTUAL).

import type { MeshConfig } from "../../registry/mesh/mesh-config.js";
import type { EnvoyMessage } from "../envoy-message.js";
import { ALPN_DOWNSTREAM_WITH_MXC, ALPN_HTTP } from "./names.js";

/** Ciphers Istio allows on sidecar mTLS servers (MeshConfig meshMTLS.cipherSuites overrides). */
export const SUPPORTED_CIPHERS: readonly string[] = [
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "AES256-GCM-SHA384",
  "AES128-GCM-SHA256",
];

/** An SDS secret the proxy's agent serves over the `sds-grpc` cluster (`default`, `ROOTCA`). */
export function agentSdsSecret(name: string): EnvoyMessage {
  return {
    name,
    sdsConfig: {
      apiConfigSource: {
        apiType: "GRPC",
        setNodeOnFirstMessageOnly: true,
        transportApiVersion: "V3",
        grpcServices: [{ envoyGrpc: { clusterName: "sds-grpc" } }],
      },
      resourceApiVersion: "V3",
    },
  };
}

/** A credentialName secret, fetched from the control plane over ADS as `kubernetes://<name>`. */
export function credentialSdsSecret(credentialName: string): EnvoyMessage {
  return {
    name: `kubernetes://${credentialName}`,
    sdsConfig: { ads: {}, resourceApiVersion: "V3" },
  };
}

function exactMatchers(values: readonly string[] | undefined): EnvoyMessage[] {
  return (values ?? []).map((exact) => ({ exact }));
}

/** Sidecar inbound mTLS: client certificate required, SPIFFE identities checked against ROOTCA. */
export function istioMutualServerContext(protocol: "HTTP" | "TCP", mesh: MeshConfig): EnvoyMessage {
  const aliases = mesh.trustDomainAliases;
  const sans =
    aliases.length > 0
      ? [mesh.trustDomain, ...aliases].map((td) => ({ prefix: `spiffe://${td}/` }))
      : [];
  const meshMtls = mesh.raw.meshMTLS as { cipherSuites?: string[] } | undefined;
  const minVersion = (mesh.raw.meshMTLS as { minProtocolVersion?: string } | undefined)
    ?.minProtocolVersion;
  return {
    commonTlsContext: {
      tlsParams: {
        tlsMinimumProtocolVersion: minVersion === "TLSV1_3" ? "TLSv1_3" : "TLSv1_2",
        tlsMaximumProtocolVersion: "TLSv1_3",
        cipherSuites: [...(meshMtls?.cipherSuites ?? SUPPORTED_CIPHERS)],
      },
      alpnProtocols: [...(protocol === "TCP" ? ALPN_DOWNSTREAM_WITH_MXC : ALPN_HTTP)],
      tlsCertificateSdsSecretConfigs: [agentSdsSecret("default")],
      combinedValidationContext: {
        defaultValidationContext: sans.length > 0 ? { matchSubjectAltNames: sans } : {},
        validationContextSdsSecretConfig: agentSdsSecret("ROOTCA"),
      },
    },
    requireClientCertificate: { value: true },
  };
}

/** Gateway `server.tls` (ServerTLSSettings), the fields meshpilot reads. */
export interface ServerTls {
  readonly mode?: string;
  readonly credentialName?: string;
  readonly serverCertificate?: string;
  readonly privateKey?: string;
  readonly caCertificates?: string;
  readonly subjectAltNames?: readonly string[];
  readonly minProtocolVersion?: string;
  readonly maxProtocolVersion?: string;
  readonly cipherSuites?: readonly string[];
}

/** Istio's TLSV1_2 → Envoy's TLSv1_2; TLS_AUTO stays. */
function envoyTlsVersion(v: string): string {
  return v.replace(/^TLSV/, "TLSv");
}

function tlsParams(tls: ServerTls): EnvoyMessage | undefined {
  const p: Record<string, unknown> = {};
  if (tls.minProtocolVersion && tls.minProtocolVersion !== "TLS_AUTO")
    p.tlsMinimumProtocolVersion = envoyTlsVersion(tls.minProtocolVersion);
  if (tls.maxProtocolVersion && tls.maxProtocolVersion !== "TLS_AUTO")
    p.tlsMaximumProtocolVersion = envoyTlsVersion(tls.maxProtocolVersion);
  if (tls.cipherSuites && tls.cipherSuites.length > 0) p.cipherSuites = [...tls.cipherSuites];
  return Object.keys(p).length > 0 ? p : undefined;
}

/**
 * A Gateway server's TLS termination context. Certificate files are referenced by file name
 * (Envoy reads them; Istio ≥1.8 instead serves them over SDS from its agent as `file-cert:`
 * secrets, which needs the agent).
 */
export function gatewayServerContext(tls: ServerTls): EnvoyMessage {
  const mode = tls.mode ?? "SIMPLE";
  const requireClient = mode === "MUTUAL" || mode === "ISTIO_MUTUAL";
  const validateClient = requireClient || mode === "OPTIONAL_MUTUAL";
  const common: Record<string, unknown> = { alpnProtocols: [...ALPN_HTTP] };
  if (mode === "ISTIO_MUTUAL") {
    common.tlsCertificateSdsSecretConfigs = [agentSdsSecret("default")];
    common.combinedValidationContext = {
      defaultValidationContext: tls.subjectAltNames?.length
        ? { matchSubjectAltNames: exactMatchers(tls.subjectAltNames) }
        : {},
      validationContextSdsSecretConfig: agentSdsSecret("ROOTCA"),
    };
  } else if (tls.credentialName) {
    common.tlsCertificateSdsSecretConfigs = [credentialSdsSecret(tls.credentialName)];
    if (validateClient)
      common.combinedValidationContext = {
        defaultValidationContext: tls.subjectAltNames?.length
          ? { matchSubjectAltNames: exactMatchers(tls.subjectAltNames) }
          : {},
        validationContextSdsSecretConfig: credentialSdsSecret(`${tls.credentialName}-cacert`),
      };
    else if (tls.subjectAltNames?.length)
      common.validationContext = { matchSubjectAltNames: exactMatchers(tls.subjectAltNames) };
  } else {
    common.tlsCertificates = [
      {
        certificateChain: { filename: tls.serverCertificate ?? "" },
        privateKey: { filename: tls.privateKey ?? "" },
      },
    ];
    if (validateClient && tls.caCertificates)
      common.validationContext = {
        trustedCa: { filename: tls.caCertificates },
        ...(tls.subjectAltNames?.length
          ? { matchSubjectAltNames: exactMatchers(tls.subjectAltNames) }
          : {}),
      };
  }
  const params = mode === "ISTIO_MUTUAL" ? undefined : tlsParams(tls);
  if (params) common.tlsParams = params;
  return { commonTlsContext: common, requireClientCertificate: { value: requireClient } };
}
