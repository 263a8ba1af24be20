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
  xdsTransport: {
    flag: "xds-transport",
    env: "MESHPILOT_XDS_TRANSPORT",
    description:
      "grpc-js, or http2: gRPC on node:http2 writing each shared response framed once (half the CPU per push at 1,000 streams; docs/benchmarks.md)",
    default: "grpc-js",
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

// Push tuning: environment variables only (no flags), named after istiod's PILOT_* knobs.

export interface KnobSpec {
  readonly env: string;
  readonly description: string;
  readonly default: string;
}

export const PUSH_SETTINGS = {
  debounceAfter: {
    env: "MESHPILOT_DEBOUNCE_AFTER",
    description:
      "quiet period that ends a burst of changes (an isolated change is pushed at once); istiod PILOT_DEBOUNCE_AFTER",
    default: "100ms",
  },
  debounceMax: {
    env: "MESHPILOT_DEBOUNCE_MAX",
    description:
      "longest a burst may delay its push while no push is running; istiod PILOT_DEBOUNCE_MAX",
    default: "10s",
  },
  edsDebounce: {
    env: "MESHPILOT_ENABLE_EDS_DEBOUNCE",
    description:
      "debounce endpoint-only changes too; false pushes them at once when no push is running; istiod PILOT_ENABLE_EDS_DEBOUNCE",
    default: "true",
  },
  pushThrottle: {
    env: "MESHPILOT_PUSH_THROTTLE",
    description:
      "proxies pushed concurrently: auto adapts to event-loop lag and CPU, a number fixes it; istiod PILOT_PUSH_THROTTLE. Not used by serve yet: pushes only mark streams dirty until generation moves to worker threads",
    default: "auto",
  },
  pushThrottleMax: {
    env: "MESHPILOT_PUSH_THROTTLE_MAX",
    description: "upper bound of the auto push throttle",
    default: "100",
  },
  pushTargetLoopLag: {
    env: "MESHPILOT_PUSH_TARGET_LOOP_LAG",
    description: "event-loop lag of the push coordinator above which the auto throttle halves",
    default: "20ms",
  },
  pushTargetCpu: {
    env: "MESHPILOT_PUSH_TARGET_CPU",
    description: "CPU busy fraction (0-1, of usable cores) above which the auto throttle halves",
    default: "0.85",
  },
} as const satisfies Record<string, KnobSpec>;

export interface PushSettings {
  readonly debounceAfterMs: number;
  readonly debounceMaxMs: number;
  readonly edsDebounce: boolean;
  /** "auto" or a fixed number of concurrent proxy pushes. */
  readonly pushThrottle: number | "auto";
  readonly pushThrottleMax: number;
  readonly targetLoopLagMs: number;
  readonly targetCpuBusy: number;
}

/** `250ms`, `1.5s`, `2m` or a plain number of milliseconds; undefined when not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n;
}

/** Push settings from the environment; an unreadable value is an error naming the variable. */
export function resolvePushSettings(env: NodeJS.ProcessEnv): PushSettings {
  const raw = (name: keyof typeof PUSH_SETTINGS): string =>
    env[PUSH_SETTINGS[name].env]?.trim() || PUSH_SETTINGS[name].default;
  const bad = (name: keyof typeof PUSH_SETTINGS, what: string): Error =>
    new Error(`${PUSH_SETTINGS[name].env}=${raw(name)}: expected ${what}`);
  const duration = (name: keyof typeof PUSH_SETTINGS): number => {
    const v = parseDurationMs(raw(name));
    if (v === undefined) throw bad(name, "a duration such as 100ms or 10s");
    return v;
  };
  const number = (name: keyof typeof PUSH_SETTINGS, min: number, max: number): number => {
    const v = Number(raw(name));
    if (!Number.isFinite(v) || v < min || v > max)
      throw bad(name, `a number from ${min} to ${max}`);
    return v;
  };
  const eds = raw("edsDebounce").toLowerCase();
  if (eds !== "true" && eds !== "false") throw bad("edsDebounce", "true or false");
  const throttle = raw("pushThrottle").toLowerCase();
  const settings: PushSettings = {
    debounceAfterMs: duration("debounceAfter"),
    debounceMaxMs: duration("debounceMax"),
    edsDebounce: eds === "true",
    pushThrottle: throttle === "auto" ? "auto" : Math.floor(number("pushThrottle", 1, 100_000)),
    pushThrottleMax: Math.floor(number("pushThrottleMax", 1, 100_000)),
    targetLoopLagMs: duration("pushTargetLoopLag"),
    targetCpuBusy: number("pushTargetCpu", 0, 1),
  };
  if (settings.debounceMaxMs < settings.debounceAfterMs)
    throw bad("debounceMax", `at least ${PUSH_SETTINGS.debounceAfter.env}`);
  return settings;
}

export function pushSettingsHelp(): string {
  return Object.values(PUSH_SETTINGS as Record<string, KnobSpec>)
    .map((s) => `  ${s.env.padEnd(32)} ${s.description} (default ${s.default})`)
    .join("\n");
}
