import type { Command } from '../command.js';
import { demoCommand } from './demo.js';
import { evaluateCommand } from './evaluate.js';
import { flattenCommand } from './flatten.js';
import { generateCommand } from './generate.js';
import { importanceCommand } from './importance.js';
import { replayCommand } from './replay.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { scoreCommand } from './score.js';
import { serveCommand } from './serve.js';
import { splitCommand } from './split.js';
import { trainCommand } from './train.js';
import { tuneCommand } from './tune.js';

/**
 * Every `sessionsentry` command, in the order `--help` lists them (the pipeline's order, then the whole).
 *
 * @example
 * ```ts
 * COMMANDS.map((c) => c.name); // ['generate', 'flatten', 'split', 'train', 'tune', 'evaluate', 'importance', 'report', 'serve', 'score', 'replay', 'run', 'demo']
 * ```
 */
export const COMMANDS: readonly Command[] = [
  generateCommand,
  flattenCommand,
  splitCommand,
  trainCommand,
  tuneCommand,
  evaluateCommand,
  importanceCommand,
  reportCommand,
  serveCommand,
  scoreCommand,
  replayCommand,
  runCommand,
  demoCommand,
];
