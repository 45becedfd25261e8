import type { Command } from '../command.js';
import { demoCommand } from './demo.js';
import { runCommand } from './run.js';

/** Every `sessionsentry` command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [demoCommand, runCommand];
