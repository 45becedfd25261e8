#!/usr/bin/env node
import { processIO } from './cli-io.js';
import { runCli } from './run-cli.js';

// The `sessionsentry` command; the work is in runCli so tests can drive it in-process.
void runCli(process.argv.slice(2), processIO()).then((code) => {
  process.exitCode = code;
});
