// The process logger (pino, JSON lines on stderr). Modules take a child logger, never a global.

import { destination, pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level = "info"): Logger {
  return pino({ level, base: { service: "meshpilot" } }, destination({ fd: 2, sync: false }));
}

/** A logger that discards everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
