import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { chooseOperatingPoint } from '../../eval/operating-point.js';
import type { ExperimentInput } from '../../eval/experiment-comparison.js';
import { compareExperiments } from '../../eval/experiment-comparison.js';
import { writeReport } from '../../eval/report-html.js';
import { describeRule } from '../../experiment/partial-session-experiment.js';
import { EXIT, UsageError } from '../cli-io.js';
import { stringOption, type Command } from '../command.js';
import { RULE_HELP, RULE_OPTIONS, ruleOption } from '../rule-options.js';
import { readScoreFile } from '../score-file.js';
import { prepareOutputs } from '../output-files.js';

/**
 * `sessionsentry report`: rebuilds the comparison table and the HTML report of an experiment
 * folder (`run`, `demo`) or a models folder (`train --out`) from its `scores/<job>.validation.csv`
 * and `scores/<job>.test.csv`, at any operating point chosen on the validation scores.
 *
 * @example
 * ```sh
 * sessionsentry report .demo/out --max-fpr 0.01 --out .demo/out/report-1pct.html
 * ```
 */
export const reportCommand: Command = {
  name: 'report',
  summary: 'Print the comparison table and write the HTML report of an experiment folder, at any operating point.',
  usage: 'sessionsentry report <experiment-or-models-folder> [--out report.html] [--max-fpr 0.05 | --threshold t | --best-f1] [--title <text>] [--force]',
  help: [
    ['--out <file>', 'the HTML report (default <folder>/report.html; folders are created)'],
    ...RULE_HELP,
    ['--title <text>', 'the report\'s title'],
    ['--force', 'overwrite the report when it exists'],
  ],
  options: { out: { type: 'string' }, title: { type: 'string' }, force: { type: 'boolean' }, ...RULE_OPTIONS },
  maxPositionals: 1,
  async run(args, io) {
    const folder = args.positionals[0];
    if (folder === undefined) throw new UsageError('report: the experiment folder is required');
    const dir = path.resolve(io.cwd, folder);
    const scoresDir = path.join(dir, 'scores');
    if (!existsSync(scoresDir)) throw new UsageError(`report: ${JSON.stringify(folder)} has no scores folder (train --out <folder>, run and demo write one)`);
    const jobs = readdirSync(scoresDir).filter((f) => f.endsWith('.test.csv')).map((f) => f.slice(0, -'.test.csv'.length)).sort();
    if (jobs.length === 0) throw new UsageError(`report: ${path.relative(io.cwd, scoresDir)} holds no <job>.test.csv`);
    const rule = ruleOption('report', args);
    const out = path.resolve(io.cwd, stringOption(args, 'out', path.join(dir, 'report.html'))!);
    await prepareOutputs('report', [out], { force: args.values.force === true, cwd: io.cwd });
    const experiments: ExperimentInput[] = [];
    for (const job of jobs) {
      const test = await readScoreFile(path.join(scoresDir, `${job}.test.csv`));
      const validationFile = path.join(scoresDir, `${job}.validation.csv`);
      const validation = existsSync(validationFile) ? await readScoreFile(validationFile) : undefined;
      if (validation === undefined && !('threshold' in rule)) throw new UsageError(`report: ${path.relative(io.cwd, validationFile)} is missing (needed to choose the operating point; or give --threshold)`);
      const point = chooseOperatingPoint((validation ?? test).labels, (validation ?? test).scores, rule);
      experiments.push({ name: job, labels: test.labels, scores: test.scores, operatingPoint: point });
    }
    await writeReport(out, { title: stringOption(args, 'title', `Experiment ${path.basename(dir)}`)!, description: `Operating points chosen on validation data at ${describeRule(rule)}, measured on the test scores.`, experiments });
    io.stdout.write(`${compareExperiments(experiments).toText()}\n\nReport: ${path.relative(io.cwd, out)}\n`);
    return EXIT.ok;
  },
};
