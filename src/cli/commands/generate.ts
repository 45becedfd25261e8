import path from 'node:path';
import { generateLogs, LOG_FILE_NAMES } from '../../synth/generate-logs.js';
import { prepareOutputs } from '../output-files.js';
import { EXIT } from '../cli-io.js';
import { numberOption, stringOption, type Command } from '../command.js';

/**
 * `sessionsentry generate`: writes the user's five synthetic log files (seeded; see `generateLogs`).
 *
 * @example
 * ```sh
 * sessionsentry generate --out data --seed 7 --scale 0.1
 * ```
 */
export const generateCommand: Command = {
  name: 'generate',
  summary: "Write the five synthetic log files (known-attacker, mixed-1..3, single) of the user's set.",
  usage: 'sessionsentry generate [--out data] [--seed 42] [--scale 1] [--force]',
  help: [
    ['--out <folder>', 'where the files go (default data)'],
    ['--seed <n>', 'seed: the same seed and scale give byte-identical files (default 42)'],
    ['--scale <x>', "multiplies every size, 1 = the user's (default 1)"],
    ['--force', 'overwrite the files when they exist'],
  ],
  options: { out: { type: 'string' }, seed: { type: 'string' }, scale: { type: 'string' }, force: { type: 'boolean' } },
  async run(args, io) {
    const out = path.resolve(io.cwd, stringOption(args, 'out', 'data')!);
    const seed = numberOption('generate', args, 'seed', 42, { integer: true });
    const scale = numberOption('generate', args, 'scale', 1, { min: 0.001, max: 100 });
    await prepareOutputs(
      'generate',
      LOG_FILE_NAMES.map((f) => path.join(out, f)),
      { force: args.values.force === true, cwd: io.cwd },
    );
    const { summary } = generateLogs({ seed, scale, outDir: out });
    io.stdout.write(`file\tevents\tsessions\tattackerSessions\tfirstTime\tlastTime\n`);
    for (const f of summary)
      io.stdout.write(
        `${path.join(path.relative(io.cwd, out) || '.', f.name)}\t${f.events}\t${f.sessions}\t${f.attackerSessions}\t${f.firstTime}\t${f.lastTime}\n`,
      );
    return EXIT.ok;
  },
};
