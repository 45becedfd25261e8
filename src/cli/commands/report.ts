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
import { readScoreFile, type ScoreFile } from '../score-file.js';
import type { OperatingRule } from '../../eval/operating-point.js';
import { DEFAULT_OPERATING_POINTS } from '../../experiment/experiment-config.js';
import { isModelDirectory, readModelDirectory, type ModelDirectory } from '../../experiment/model-directory.js';
import { explainTruncation } from '../../experiment/explain-truncation.js';
import { importanceSection } from '../../eval/report-importance-section.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../package-info.js';
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
  usage:
    'sessionsentry report <experiment-or-models-folder> [--out report.html] [--max-fpr 0.05 | --threshold t | --best-f1] [--title <text>] [--force]',
  help: [
    ['--out <file>', 'the HTML report (default <folder>/report.html; folders are created)'],
    ...RULE_HELP.map(([flag, text]) => [flag, text.replace(' (default 0.05)', '')] as const),
    ['', 'default: two tables, FPR ≤ 5% and ≤ 0.5%, as run and demo report'],
    ['--title <text>', "the report's title"],
    ['--force', 'overwrite the report when it exists'],
  ],
  options: { out: { type: 'string' }, title: { type: 'string' }, force: { type: 'boolean' }, ...RULE_OPTIONS },
  maxPositionals: 1,
  async run(args, io) {
    const folder = args.positionals[0];
    if (folder === undefined) throw new UsageError('report: the experiment folder is required');
    const dir = path.resolve(io.cwd, folder);
    const scoresDir = path.join(dir, 'scores');
    if (!existsSync(scoresDir))
      throw new UsageError(
        `report: ${JSON.stringify(folder)} has no scores folder (train --out <folder>, run and demo write one)`,
      );
    const jobs = readdirSync(scoresDir)
      .filter((f) => f.endsWith('.test.csv'))
      .map((f) => f.slice(0, -'.test.csv'.length))
      .sort();
    if (jobs.length === 0) throw new UsageError(`report: ${path.relative(io.cwd, scoresDir)} holds no <job>.test.csv`);
    const given = ['max-fpr', 'threshold', 'best-f1'].some((k) => args.values[k] !== undefined);
    // Without a rule: both of the experiment's default operating points (FPR ≤ 5% and ≤ 0.5%).
    const rules: OperatingRule[] = given ? [ruleOption('report', args)] : [...DEFAULT_OPERATING_POINTS];
    const out = path.resolve(io.cwd, stringOption(args, 'out', path.join(dir, 'report.html'))!);
    await prepareOutputs('report', [out], { force: args.values.force === true, cwd: io.cwd });
    const scores: { name: string; test: ScoreFile; validation: ScoreFile | undefined }[] = [];
    for (const job of jobs) {
      const test = await readScoreFile(path.join(scoresDir, `${job}.test.csv`));
      const validationFile = path.join(scoresDir, `${job}.validation.csv`);
      const validation = existsSync(validationFile) ? await readScoreFile(validationFile) : undefined;
      if (validation === undefined && rules.some((r) => !('threshold' in r)))
        throw new UsageError(
          `report: ${path.relative(io.cwd, validationFile)} is missing (needed to choose the operating point; or ` +
            `give --threshold)`,
        );
      scores.push({ name: job, test, validation });
    }
    const experimentsAt = (rule: OperatingRule): ExperimentInput[] =>
      scores.map(({ name, test, validation }) => ({
        name,
        labels: test.labels,
        scores: test.scores,
        operatingPoint: chooseOperatingPoint((validation ?? test).labels, (validation ?? test).scores, rule),
      }));
    const experiments = experimentsAt(rules[0]!);
    // The model directories beside the scores (train --out) or under models/ (run, demo) tell what each job is.
    const models = new Map<string, ModelDirectory>();
    for (const job of jobs) {
      for (const candidate of [path.join(dir, job), path.join(dir, 'models', job)]) {
        if (!isModelDirectory(candidate)) continue;
        models.set(job, await readModelDirectory(candidate));
        break;
      }
    }
    const first = [...models.values()][0];
    await writeReport(out, {
      title: stringOption(args, 'title', `Experiment ${path.basename(dir)}`)!,
      description:
        `${jobs.length} model${jobs.length === 1 ? '' : 's'} from ${path.relative(io.cwd, dir) || '.'}: operating ` +
        `points chosen on validation data, measured unchanged on the test scores.`,
      experiments,
      moreOperatingPoints: rules.slice(1).map((rule) => ({
        heading: `${describeRule(rule)} (chosen on validation data)`,
        experiments: experimentsAt(rule),
      })),
      jobNotes: Object.fromEntries(
        [...models].map(([job, m]) => [job, `trained on ${explainTruncation(m.truncation)}`]),
      ),
      importance: importanceSection(
        [...models].map(([job, m]) => ({ name: job, booster: m.booster, featureNames: m.schema.featureNames })),
      ),
      provenance: {
        package:
          `${PACKAGE_NAME} ${PACKAGE_VERSION} (report); models written by ` +
          `${[...new Set([...models.values()].map((m) => `${m.manifest.package.name} ${m.manifest.package.version}`))].join(', ') || 'unknown'}`,
        ...(first !== undefined ? { hyperparameters: first.hyperparameters } : {}),
        more: Object.fromEntries([
          ['scores', path.relative(io.cwd, scoresDir)],
          ...[...models].map(([job, m]) => [
            `model ${job}`,
            `created ${m.manifest.createdAt}${m.manifest.data?.files ? `, data ${m.manifest.data.files.join(', ')}` : ''}`,
          ]),
        ]),
      },
    });
    for (const [k, rule] of rules.entries()) {
      io.stdout.write(
        `${k > 0 ? '\n' : ''}## Test scores at the operating point ${describeRule(rule)} (chosen on validation ` +
          `data)\n\n${compareExperiments(k === 0 ? experiments : experimentsAt(rule)).toText()}\n`,
      );
    }
    io.stdout.write(`\nReport: ${path.relative(io.cwd, out)}\n`);
    return EXIT.ok;
  },
};
