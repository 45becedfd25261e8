#!/usr/bin/env node
import { processIO } from './cli-io.js';
import { runCli } from './run-cli.js';

// The AWS SDK warns on every process under Node < 22 that its releases after January 2027 need
// Node 22; the supported range (Node ≥ 20, 22 or later recommended) is stated in the README, so
// the command keeps that notice out of its output unless the user set the variable themselves.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// The `sessionsentry` command; the work is in runCli so tests can drive it in-process.
void runCli(process.argv.slice(2), processIO()).then((code) => {
  process.exitCode = code;
});
