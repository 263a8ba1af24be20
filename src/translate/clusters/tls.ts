// Upstream TLS of a cluster, with Istio's semantics:
//   - ISTIO_MUTUAL: the workload certificate and mesh root over SDS, SANs = the DR's
//     subjectAltNames or the service's identities, SNI = the DR's or `outbound_.PORT_.SUBSET_.HOST`,
//     ALPN `istio-peer-exchange`, `istio` (+ `h2` on HTTP/2 clusters);
//   - SIMPLE / MUTUAL: file paths (read by Envoy) or a credentialName over SDS; without an SNI in
//     the rule, Envoy sets it from the Host header (auto SNI); a credentialName is ignored on
//     sidecars unless the rule has a workloadSelector (as Istio: secrets are not sent to every
//     sidecar a rule reaches);
//   - no `tls` in the rule: auto mTLS (mesh enableAutoMtls) — ISTIO_MUTUAL only towards endpoints
//     labelled `tlsMode: istio` (transport socket match), plaintext to the others; not for
//     MESH_EXTERNAL services, passthrough clusters, or services whose PeerAuthentication (namespace
//     or mesh-wide) is DISABLE.

import { typed, type EnvoyMessage } from "../envoy-message.js";
import { httpOptions, isHttp2Cluster, type ClusterDraft } from "./draft.js";
import type { ClientTlsSettings } from "./policy.js";
import { protoStruct } from "./struct.js";
import {
  credentialCaResourceName,
  credentialResourceName,
  sdsSecretConfig,
  SDS_DEFAULT,
  SDS_ROOT,
} from "./sds.js";

export const TLS_SOCKET = "envoy.transport_sockets.tls";
const UPSTREAM_TLS = "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

export interface TlsInputs {
  /** The cluster's Istio mTLS SNI (`outbound_.PORT_.SUBSET_.HOST`). */
  readonly istioSni: string;
  /** spiffe:// identities of the service's workloads (and ServiceEntry subjectAltNames). */
  readonly identities: readonly string[];
  /** Whether auto mTLS may be used for this cluster (mesh setting, service, PeerAuthentication). */
  readonly autoMtls: boolean;
  readonly sidecar: boolean;
  readonly ruleHasSelector: boolean;
  /** ServiceEntry subjectAltNames, used for SIMPLE / MUTUAL when the rule names none. */
  readonly serviceEntrySans?: readonly string[];
}

function tlsParams(): EnvoyMessage {
  return { tlsMinimumProtocolVersion: "TLSv1_2", tlsMaximumProtocolVersion: "TLSv1_3" };
}

function exact(sans: readonly string[]): EnvoyMessage[] {
  return sans.map((s) => ({ exact: s }));
}

function socket(context: EnvoyMessage): EnvoyMessage {
  return { name: TLS_SOCKET, typedConfig: typed(UPSTREAM_TLS, context) };
}

export function istioMutualContext(
  sni: string,
  sans: readonly string[],
  http2: boolean,
): EnvoyMessage {
  return {
    commonTlsContext: {
      tlsParams: tlsParams(),
      alpnProtocols: http2
        ? ["istio-peer-exchange", "istio", "h2"]
        : ["istio-peer-exchange", "istio"],
      tlsCertificateSdsSecretConfigs: [sdsSecretConfig(SDS_DEFAULT)],
      combinedValidationContext: {
        defaultValidationContext: sans.length > 0 ? { matchSubjectAltNames: exact(sans) } : {},
        validationContextSdsSecretConfig: sdsSecretConfig(SDS_ROOT),
      },
    },
    sni,
  };
}

function userContext(
  d: ClusterDraft,
  tls: ClientTlsSettings,
  inputs: TlsInputs,
): EnvoyMessage | undefined {
  const mutual = tls.mode === "MUTUAL";
  const sans =
    tls.subjectAltNames && tls.subjectAltNames.length > 0
      ? tls.subjectAltNames
      : (inputs.serviceEntrySans ?? []);
  const common: Record<string, unknown> = { tlsParams: tlsParams() };
  let verifies = false;
  if (tls.credentialName) {
    if (inputs.sidecar && !inputs.ruleHasSelector) return undefined;
    if (mutual)
      common.tlsCertificateSdsSecretConfigs = [
        sdsSecretConfig(credentialResourceName(tls.credentialName)),
      ];
    if (!tls.insecureSkipVerify) {
      verifies = true;
      common.combinedValidationContext = {
        defaultValidationContext: sans.length > 0 ? { matchSubjectAltNames: exact(sans) } : {},
        validationContextSdsSecretConfig: sdsSecretConfig(
          credentialCaResourceName(tls.credentialName),
        ),
      };
    }
  } else {
    if (mutual) {
      if (!tls.clientCertificate || !tls.privateKey) return undefined;
      common.tlsCertificates = [
        {
          certificateChain: { filename: tls.clientCertificate },
          privateKey: { filename: tls.privateKey },
        },
      ];
    }
    if (tls.caCertificates && !tls.insecureSkipVerify) {
      verifies = true;
      common.validationContext = {
        trustedCa: { filename: tls.caCertificates },
        ...(sans.length > 0 ? { matchSubjectAltNames: exact(sans) } : {}),
      };
    }
  }
  if (isHttp2Cluster(d)) common.alpnProtocols = ["h2"];
  if (!tls.sni) {
    const upstream = (httpOptions(d).upstream ??= {});
    upstream.autoSni = true;
    if (verifies && sans.length === 0) upstream.autoSanValidation = true;
  }
  return { commonTlsContext: common, ...(tls.sni ? { sni: tls.sni } : {}) };
}

const RAW_BUFFER_SOCKET = {
  name: "envoy.transport_sockets.raw_buffer",
  typedConfig: typed("envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer", {}),
};

/** Sets transportSocket (rule TLS) or transportSocketMatches (auto mTLS) on the cluster. */
export function applyUpstreamTls(
  d: ClusterDraft,
  tls: ClientTlsSettings | undefined,
  inputs: TlsInputs,
): void {
  if (tls) {
    if (tls.mode === "ISTIO_MUTUAL") {
      const sans =
        tls.subjectAltNames && tls.subjectAltNames.length > 0
          ? tls.subjectAltNames
          : inputs.identities;
      d.fields.transportSocket = socket(
        istioMutualContext(tls.sni || inputs.istioSni, sans, isHttp2Cluster(d)),
      );
    } else if (tls.mode === "SIMPLE" || tls.mode === "MUTUAL") {
      const context = userContext(d, tls, inputs);
      if (context) d.fields.transportSocket = socket(context);
    }
    return;
  }
  if (!inputs.autoMtls || d.fields.type === "ORIGINAL_DST") return;
  d.fields.transportSocketMatches = [
    {
      name: "tlsMode-istio",
      match: protoStruct({ tlsMode: "istio" }),
      transportSocket: socket(
        istioMutualContext(inputs.istioSni, inputs.identities, isHttp2Cluster(d)),
      ),
    },
    { name: "tlsMode-disabled", match: protoStruct({}), transportSocket: RAW_BUFFER_SOCKET },
  ];
}
