// Every setting of `meshpilot serve`: its flag, its environment variable, default and meaning.
// One table, so `meshpilot serve --help`, the README and the code can never disagree. A setting
// without a flag is read from its environment variable only (the test hooks).

import { availableParallelism } from "node:os";

export interface SettingSpec {
  /** Absent: environment variable only. */
  readonly flag?: string;
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
  testHooks: {
    env: "MESHPILOT_TEST_HOOKS",
    description:
      "for tests only: 1 adds /debug/crash_actor?actor=NAME, which makes that actor's thread throw (test/e2e/actor-restart.test.ts); never set it in production",
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
    const flag = spec.flag === undefined ? undefined : flags[spec.flag];
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
      if (s.flag === undefined) return `  ${s.env.padEnd(22)} ${s.description}${rep}${dflt}`;
      return `  --${s.flag.padEnd(20)} ${s.description}${rep}${dflt}\n  ${" ".repeat(22)} env ${s.env}`;
    })
    .join("\n");
}

// Push tuning: environment variables only (no flags), named after istiod's PILOT_* knobs.
//
// MESHPILOT_DEBOUNCE_MAX departs from istiod's 10 s: a burst that never goes quiet (20 endpoint
// changes/s never leave 100 ms of quiet) waits the whole max delay, so istiod's default would hold
// such changes for 10 s. We do not need a long max to protect the pipeline: while a flush is
// being processed nothing else is flushed (debounce.ts), so merging already stretches to whatever
// the pipeline needs when it is the bottleneck. The max only bounds the wait when it is not.

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
      "longest a burst that never goes quiet may delay its push while no push is running (a running push holds it longer: bursts merge until it is done); istiod PILOT_DEBOUNCE_MAX, whose 10s default would hold steady churn for 10s",
    default: "250ms",
  },
  edsDebounce: {
    env: "MESHPILOT_ENABLE_EDS_DEBOUNCE",
    description:
      "debounce endpoint-only changes too; false pushes them at once when no push is running; istiod PILOT_ENABLE_EDS_DEBOUNCE",
    default: "true",
  },
  fileDebounceAfter: {
    env: "MESHPILOT_FILE_DEBOUNCE_AFTER",
    description:
      "config directory watcher: quiet period after file events before the touched files are read again, so an editor's save dance (temp file renamed over, backup and rewrite) is one change",
    default: "20ms",
  },
  fileDebounceMax: {
    env: "MESHPILOT_FILE_DEBOUNCE_MAX",
    description:
      "config directory watcher: longest the first file event of a burst waits when events never stop (the push debounce merges bursts after this)",
    default: "100ms",
  },
  fileDeleteDebounceAfter: {
    env: "MESHPILOT_FILE_DELETE_DEBOUNCE_AFTER",
    description:
      "config directory watcher: quiet period of a burst that removed a file or directory, longer so a rename or an editor's backup dance is not read as a delete and an add",
    default: "100ms",
  },
  fileDeleteDebounceMax: {
    env: "MESHPILOT_FILE_DELETE_DEBOUNCE_MAX",
    description: "config directory watcher: longest a burst that removed something waits",
    default: "1s",
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
  computeNice: {
    env: "MESHPILOT_COMPUTE_NICE",
    description:
      "scheduling priority (nice, -20 to 19) of the threads that generate config, the coordinator's and the compute pool's: above 0 lets the xDS thread (streams, ACKs) and the main thread run first when the cores are busy (2,000 proxies on 2 cores, three back-to-back pairs: xDS-thread lag during a full push 273-531 ms at 0, 106-113 ms at 10; docs/benchmarks.md); 0 = the same as the other threads",
    default: "10",
  },
  computeThreads: {
    env: "MESHPILOT_COMPUTE_THREADS",
    description:
      "worker threads of the compute pool that generates and encodes proxies' config: auto = os.availableParallelism() - 2 (the xDS and coordinator threads keep a core each; on 2 cores that is 0); 0 = generate in the push coordinator's own thread",
    default: "auto",
  },
} as const satisfies Record<string, KnobSpec>;

export interface PushSettings {
  readonly debounceAfterMs: number;
  readonly debounceMaxMs: number;
  readonly edsDebounce: boolean;
  /** The config directory watcher's quiet period and max delay (BurstCoalescer), and theirs
   * for a burst that removed something. */
  readonly fileDebounceAfterMs: number;
  readonly fileDebounceMaxMs: number;
  readonly fileDeleteDebounceAfterMs: number;
  readonly fileDeleteDebounceMaxMs: number;
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
    fileDebounceAfterMs: duration("fileDebounceAfter"),
    fileDebounceMaxMs: duration("fileDebounceMax"),
    fileDeleteDebounceAfterMs: duration("fileDeleteDebounceAfter"),
    fileDeleteDebounceMaxMs: duration("fileDeleteDebounceMax"),
    pushThrottle: throttle === "auto" ? "auto" : Math.floor(number("pushThrottle", 1, 100_000)),
    pushThrottleMax: Math.floor(number("pushThrottleMax", 1, 100_000)),
    targetLoopLagMs: duration("pushTargetLoopLag"),
    targetCpuBusy: number("pushTargetCpu", 0, 1),
  };
  if (settings.debounceMaxMs < settings.debounceAfterMs)
    throw bad("debounceMax", `at least ${PUSH_SETTINGS.debounceAfter.env}`);
  for (const [after, max] of [
    ["fileDebounceAfter", "fileDebounceMax"],
    ["fileDeleteDebounceAfter", "fileDeleteDebounceMax"],
  ] as const)
    if (settings[`${max}Ms`] < settings[`${after}Ms`])
      throw bad(max, `at least ${PUSH_SETTINGS[after].env}`);
  return settings;
}

/** The push settings with every default (what an unset environment gives). */
export const DEFAULT_PUSH_SETTINGS: PushSettings = resolvePushSettings({});

/** MESHPILOT_COMPUTE_THREADS: a whole number (0: no pool), or auto (available parallelism - 2). */
export function resolveComputeThreads(env: NodeJS.ProcessEnv): number {
  const { env: name, default: dflt } = PUSH_SETTINGS.computeThreads;
  const text = env[name]?.trim() || dflt;
  // Measured on 2 cores (docs/benchmarks.md): a pool there costs more than it gains.
  if (text.toLowerCase() === "auto") return Math.max(0, availableParallelism() - 2);
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 1024)
    throw new Error(`${name}=${text}: expected auto or a whole number from 0 to 1024`);
  return n;
}

/** MESHPILOT_COMPUTE_NICE: a whole number from -20 to 19. */
export function resolveComputeNice(env: NodeJS.ProcessEnv): number {
  const { env: name, default: dflt } = PUSH_SETTINGS.computeNice;
  const text = env[name]?.trim() || dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < -20 || n > 19)
    throw new Error(`${name}=${text}: expected a whole number from -20 to 19`);
  return n;
}

export function pushSettingsHelp(): string {
  return Object.values(PUSH_SETTINGS as Record<string, KnobSpec>)
    .map((s) => `  ${s.env.padEnd(32)} ${s.description} (default ${s.default})`)
    .join("\n");
}
