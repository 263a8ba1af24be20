// Every setting of `meshpilot serve`: its flag, its environment variable, default and meaning.
// One table, so `meshpilot serve --help`, the README and the code can never disagree.

export interface SettingSpec {
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  readonly default?: string;
  /** May be given more than once (flags repeat; the env var is a comma-separated list). */
  readonly repeatable?: boolean;
}

export const SERVE_SETTINGS = {
  configDir: {
    flag: "config-dir",
    env: "MESHPILOT_CONFIG_DIR",
    description: "directory of YAML Istio and Kubernetes objects, read recursively and watched",
    repeatable: true,
  },
  meshConfig: {
    flag: "mesh-config",
    env: "MESHPILOT_MESH_CONFIG",
    description: "file holding MeshConfig (Istio's `mesh` ConfigMap key), watched",
  },
  kubeconfig: {
    flag: "kubeconfig",
    env: "MESHPILOT_KUBECONFIG",
    description: "kubeconfig of a cluster to read; the first is the config cluster",
    repeatable: true,
  },
  clusterId: {
    flag: "cluster-id",
    env: "MESHPILOT_CLUSTER_ID",
    description: "id of the cluster this control plane runs in",
    default: "Kubernetes",
  },
  xdsAddress: {
    flag: "xds-address",
    env: "MESHPILOT_XDS_ADDRESS",
    description: "HOST:PORT where proxies connect for xDS (gRPC, plaintext)",
    default: "127.0.0.1:15010",
  },
  monitoringAddress: {
    flag: "monitoring-address",
    env: "MESHPILOT_MONITORING_ADDRESS",
    description: "HOST:PORT for /ready, /metrics and /debug/*",
    default: "127.0.0.1:15014",
  },
  redis: {
    flag: "redis",
    env: "MESHPILOT_REDIS",
    description: "redis:// URL for coordinating replicas; absent: a single replica",
  },
  logLevel: {
    flag: "log-level",
    env: "MESHPILOT_LOG_LEVEL",
    description: "trace, debug, info, warn or error",
    default: "info",
  },
} as const satisfies Record<string, SettingSpec>;

export type ServeSettingName = keyof typeof SERVE_SETTINGS;

export type ServeSettings = {
  readonly [K in ServeSettingName]: (typeof SERVE_SETTINGS)[K] extends { repeatable: true }
    ? readonly string[]
    : string | undefined;
};

/**
 * Resolves settings from parsed flags, then the environment, then defaults. A flag given on the
 * command line replaces (does not extend) the environment's value.
 */
export function resolveServeSettings(
  flags: Readonly<Record<string, string | string[] | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): ServeSettings {
  const out: Record<string, string | readonly string[] | undefined> = {};
  for (const [name, spec] of Object.entries(SERVE_SETTINGS) as [ServeSettingName, SettingSpec][]) {
    const flag = flags[spec.flag];
    const fromEnv = env[spec.env];
    if (spec.repeatable) {
      const list = Array.isArray(flag) ? flag : typeof flag === "string" ? [flag] : undefined;
      out[name] =
        list ??
        (fromEnv
          ? fromEnv
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : []);
    } else {
      out[name] = (typeof flag === "string" ? flag : undefined) ?? fromEnv ?? spec.default;
    }
  }
  return out as ServeSettings;
}

export function settingsHelp(): string {
  return Object.values(SERVE_SETTINGS as Record<string, SettingSpec>)
    .map((s) => {
      const dflt = s.default ? ` (default ${s.default})` : "";
      const rep = s.repeatable ? " (repeatable)" : "";
      return `  --${s.flag.padEnd(20)} ${s.description}${rep}${dflt}\n  ${" ".repeat(22)} env ${s.env}`;
    })
    .join("\n");
}
