#!/usr/bin/env node
// The meshpilot command: the compiled CLI lives in dist/ (run `npm run build` first).
import { main } from "../dist/src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
