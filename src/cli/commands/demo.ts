import path from 'node:path';
import { parseExperimentConfig } from '../../experiment/experiment-config.js';
import { runPartialSessionExperiment } from '../../experiment/partial-session-experiment.js';
import { generateLogs } from '../../synth/generate-logs.js';
import { LocalBackend } from '../../train/local-backend.js';
import { existsSync } from 'node:fs';
import { EXIT, UsageError } from '../cli-io.js';
import { createdBy } from './run.js';
import { numberOption, stringOption, type Command } from '../command.js';
import { interruptible } from '../interruptible.js';
import { printExperiment } from '../print-experiment.js';
import { ProgressDisplay } from '../progress-display.js';

/**
 * `sessionsentry demo`: the README's main command. Generates the user's five log files with the
 * seeded synthetic generator into `<dir>/data`, runs the partial-session experiment on them
 * locally (the six truncation jobs trained concurrently, operating points at FPR ≤ 5% and ≤ 0.5%
 * chosen on validation data, scored on the separate test day truncated alike), prints the
 * comparison tables and writes `<out>/out/report.html`. Ctrl-C stops the jobs, removes what the
 * run created and exits 130.
 *
 * @example
 * ```sh
 * sessionsentry demo                      # .demo/data, .demo/out/report.html
 * sessionsentry demo --out demo-small --scale 0.2 --seed 7
 * ```
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Generate synthetic logs and run the whole partial-session experiment locally.',
  usage: 'sessionsentry demo [--out .demo] [--seed 42] [--scale 1] [--workers N]',
  help: [
    ['--out <folder>', 'working folder: data in <out>/data, results in <out>/out (default .demo; created)'],
    ['--dir <folder>', 'the same as --out (older spelling)'],
    ['--seed <n>', 'seed of the generated logs (default 42)'],
    ['--scale <x>', "size of the generated logs, 1 = the user's (~256K training events; default 1)"],
    ['--workers <n>', "training worker threads (default: the machine's cores)"],
  ],
  options: {
    out: { type: 'string' },
    dir: { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    workers: { type: 'string' },
  },
  async run(args, io) {
    if (args.values.out !== undefined && args.values.dir !== undefined)
      throw new UsageError('demo: give --out once (--dir is its older spelling)');
    const dir = path.resolve(io.cwd, stringOption(args, 'out') ?? stringOption(args, 'dir', '.demo')!);
    const creates = [dir, path.join(dir, 'data'), ...createdBy(path.join(dir, 'out'))];
    const fresh = creates.filter((p) => !existsSync(p));
    const seed = numberOption('demo', args, 'seed', 42, { integer: true });
    const scale = numberOption('demo', args, 'scale', 1, { min: 0.01, max: 10 });
    const workers =
      args.values.workers === undefined
        ? undefined
        : numberOption('demo', args, 'workers', 1, { min: 1, max: 64, integer: true });
    const started = performance.now();
    const dataDir = path.join(dir, 'data');
    // The training workers start now and load their code while the logs are generated (idle, they keep nothing open).
    const backend = new LocalBackend(workers === undefined ? {} : { workers });
    backend.prestart();
    io.stderr.write(
      `The partial-session experiment on synthetic logs, trained on this machine (tree_method hist; ` +
        `\`sessionsentry run\` with the seed's settings trains exact trees, as SageMaker does).\n`,
    );
    io.stderr.write(
      `${'0.0'.padStart(5)} s  generate synthetic logs (seed ${seed}, scale ${scale}) into ` +
        `${path.relative(io.cwd, dataDir) || '.'}\n`,
    );
    const { summary } = generateLogs({ seed, scale, outDir: dataDir });
    for (const f of summary) {
      io.stderr.write(
        `         ${f.name.padEnd(18)} ${String(f.events).padStart(7)} events ${String(f.sessions).padStart(6)} ` +
          `sessions ${String(f.attackerSessions).padStart(5)} attacker sessions\n`,
      );
    }
    const spec = parseExperimentConfig({
      name: 'demo',
      data: { dir: dataDir },
      output: path.join(dir, 'out'),
      hyperparameters: { tree_method: 'hist' },
      ...(workers !== undefined ? { backend: { kind: 'local', workers } } : {}),
    });
    const display = new ProgressDisplay(io, spec.jobs.length);
    let result;
    try {
      result = await interruptible(
        io,
        (signal) =>
          runPartialSessionExperiment(spec, { backend, onStage: display.stage, onProgress: display.progress, signal }),
        { creates: fresh },
      );
    } finally {
      display.done();
      await backend.close();
    }
    printExperiment(result, io);
    io.stdout.write(`Demo total (generate + experiment): ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    return EXIT.ok;
  },
};
