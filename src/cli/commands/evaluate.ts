import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prepareOutputs } from '../output-files.js';
import { ConfusionMatrix } from '../../eval/confusion-matrix.js';
import { chooseOperatingPoint, evaluateAt } from '../../eval/operating-point.js';
import { averagePrecision } from '../../eval/pr-curve.js';
import { rocAuc } from '../../eval/roc-curve.js';
import { describeRule } from '../../experiment/partial-session-experiment.js';
import { EXIT, UsageError } from '../cli-io.js';
import { requiredOption, stringOption, type Command } from '../command.js';
import { RULE_HELP, RULE_OPTIONS, ruleOption } from '../rule-options.js';
import { readScoreFile } from '../score-file.js';

/**
 * `sessionsentry evaluate`: chooses an operating point on validation scores and measures it,
 * unchanged, on test scores: AUC, PR-AUC, the confusion matrix, precision, recall, FPR, F1.
 *
 * @example
 * ```sh
 * sessionsentry evaluate --validation models/scores/first10.validation.csv --test models/scores/first10.test.csv --max-fpr 0.05
 * ```
 */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Choose an operating point on validation scores and measure it on test scores.',
  usage:
    'sessionsentry evaluate --validation <scores.csv> --test <scores.csv> [--max-fpr 0.05 | --threshold t | --best-f1] [--json] [--out <file>]',
  help: [
    [
      '--validation <file>',
      'validation scores the operating point is chosen on (train writes <out>/scores/<job>.validation.csv; required unless --threshold)',
    ],
    ['--test <file>', 'test scores, columns label (or BadActor) and score, as train and score write them (required)'],
    ...RULE_HELP,
    ['--json', 'print JSON instead of text'],
    ['--out <file>', 'write the result here instead of standard output (folders are created)'],
    ['--force', 'overwrite --out when it exists'],
  ],
  options: {
    test: { type: 'string' },
    validation: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    ...RULE_OPTIONS,
  },
  async run(args, io) {
    const testFile = path.resolve(io.cwd, requiredOption('evaluate', args, 'test'));
    const rule = ruleOption('evaluate', args);
    const validationFile = stringOption(args, 'validation');
    if (validationFile === undefined && !('threshold' in rule))
      throw new UsageError('evaluate: --validation is required to choose an operating point (or give --threshold)');
    const outOption = stringOption(args, 'out');
    const out = outOption === undefined ? undefined : path.resolve(io.cwd, outOption);
    if (out !== undefined)
      await prepareOutputs('evaluate', [out], {
        inputs: [testFile, ...(validationFile ? [path.resolve(io.cwd, validationFile)] : [])],
        force: args.values.force === true,
        cwd: io.cwd,
      });
    const print = async (text: string): Promise<void> => {
      if (out === undefined) io.stdout.write(text);
      else await writeFile(out, text);
    };
    const test = await readScoreFile(testFile);
    const validation = validationFile === undefined ? test : await readScoreFile(path.resolve(io.cwd, validationFile));
    const point = chooseOperatingPoint(validation.labels, validation.scores, rule);
    const matrix: ConfusionMatrix = evaluateAt(point, test.labels, test.scores);
    const auc = rocAuc(test.labels, test.scores);
    const prAuc = averagePrecision(test.labels, test.scores);
    if (args.values.json === true) {
      await print(
        `${JSON.stringify({ rule, threshold: Number.isFinite(point.threshold) ? point.threshold : null, chosenOn: validationFile !== undefined ? 'validation' : 'given', auc: auc ?? null, prAuc: prAuc ?? null, validation: validationFile !== undefined ? point.validation.toJSON() : null, test: matrix.toJSON() }, null, 2)}\n`,
      );
      return EXIT.ok;
    }
    const f = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(4));
    await print(
      [
        `operating point  ${describeRule(rule)}${validationFile !== undefined ? ' chosen on validation' : ''}: ` +
          `threshold ${Number.isFinite(point.threshold) ? point.threshold : '∞ (flags nothing)'}`,
        `test sessions    ${test.labels.length} (${matrix.support} attacker)`,
        `AUC ${f(auc)}  PR-AUC ${f(prAuc)}`,
        `TP ${matrix.tp}  FP ${matrix.fp}  TN ${matrix.tn}  FN ${matrix.fn}`,
        `precision ${f(matrix.precision)}  recall ${f(matrix.recall)}  FPR ${f(matrix.fpr)}  F1 ${f(matrix.f1)}  ` +
          `MCC ${f(matrix.mcc)}`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
