// Entry point of the `meshpilot` command: parses the subcommand and its flags.

import { parseArgs } from "node:util";
import { pushSettingsHelp, SERVE_SETTINGS, settingsHelp, type SettingSpec } from "../settings.js";
import {
  hasErrors,
  renderValidateJson,
  renderValidateText,
  validatePaths,
} from "./validate-command.js";

const USAGE = `usage: meshpilot <command> [flags]

commands:
  serve               run the control plane (xDS server, debug and metrics endpoints)
  validate PATH...    check YAML files or directories of Istio and Kubernetes config
                        --output text|json   (default text); exit 0 when clean, 1 on errors
  help                this text

serve settings (a flag and its environment variable, or an environment variable only):
${settingsHelp()}

push tuning (environment variables):
${pushSettingsHelp()}
`;

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "validate":
      return runValidate(rest);
    case "serve": {
      const { runServe } = await import("./serve-command.js");
      return runServe(parseServeFlags(rest));
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`meshpilot: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function runValidate(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { output: { type: "string", short: "o", default: "text" } },
    });
  } catch (e) {
    process.stderr.write(`meshpilot validate: ${(e as Error).message}\n`);
    return 2;
  }
  const output = parsed.values.output;
  if (output !== "text" && output !== "json") {
    process.stderr.write(`meshpilot validate: --output must be text or json, not "${output}"\n`);
    return 2;
  }
  if (parsed.positionals.length === 0) {
    process.stderr.write("meshpilot validate: give at least one file or directory\n");
    return 2;
  }
  const result = await validatePaths(parsed.positionals);
  process.stdout.write(output === "json" ? renderValidateJson(result) : renderValidateText(result));
  return hasErrors(result) ? 1 : 0;
}

export function parseServeFlags(
  args: readonly string[],
): Record<string, string | string[] | boolean | undefined> {
  const options: Record<string, { type: "string"; multiple?: boolean }> = {};
  for (const s of Object.values(SERVE_SETTINGS as Record<string, SettingSpec>)) {
    if (s.flag === undefined) continue;
    options[s.flag] = s.repeatable ? { type: "string", multiple: true } : { type: "string" };
  }
  return parseArgs({ args: [...args], options, allowPositionals: false }).values;
}
