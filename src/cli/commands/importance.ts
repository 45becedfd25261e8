import path from 'node:path';
import { IMPORTANCE_TYPES, type ImportanceType, rankFeatures } from '../../model/feature-importance.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { didYouMean } from '../did-you-mean.js';
import { loadModelBundle } from '../model-dir.js';

const MEANING: Readonly<Record<ImportanceType, string>> = {
  weight: 'splits on the feature',
  gain: 'mean gain of its splits',
  cover: 'mean cover of its splits',
  total_gain: 'total gain of its splits',
  total_cover: 'total cover of its splits',
};

/**
 * `sessionsentry importance`: which features a saved model relies on, as XGBoost's
 * `get_score(importance_type=…)` computes it (bit-equal to XGBoost 1.7.4), keyed by the feature
 * schema's names, highest first. Features no split uses are left out, as XGBoost leaves them out.
 *
 * @example
 * ```sh
 * sessionsentry importance --model models/first10 --type total_gain --top 10
 * ```
 */
export const importanceCommand: Command = {
  name: 'importance',
  summary:
    "Rank a saved model's features by importance (XGBoost's get_score: weight, gain, cover, total_gain, total_cover).",
  usage: 'sessionsentry importance --model <model-folder|file> [--type gain] [--top n] [--json]',
  help: [
    ['--model <path>', 'a model directory (train, run or demo wrote it), or a model file (required)'],
    [
      '--features <file>',
      'the feature schema of a bare model file, for feature names (default: its features.json when present, else f0, f1, …)',
    ],
    [
      '--type <type>',
      'weight, gain, cover, total_gain or total_cover (default gain: the mean gain of the splits on each feature)',
    ],
    ['--top <n>', 'show the n most important features only (default: every feature a split uses)'],
    ['--json', 'print {"model","type","scores"} with the scores in feature order, as get_score returns them'],
  ],
  options: {
    model: { type: 'string' },
    features: { type: 'string' },
    type: { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const modelPath = path.resolve(io.cwd, requiredOption('importance', args, 'model'));
    const type = stringOption(args, 'type', 'gain')!;
    if (!(IMPORTANCE_TYPES as readonly string[]).includes(type)) {
      throw new UsageError(
        `importance: --type must be one of ${IMPORTANCE_TYPES.join(', ')}, got ` +
          `${JSON.stringify(type)}${didYouMean(type, IMPORTANCE_TYPES)}`,
      );
    }
    const top = numberOption('importance', args, 'top', Number.POSITIVE_INFINITY, { min: 1, integer: true });
    const featuresFile = stringOption(args, 'features');
    const bundle = await loadModelBundle(
      modelPath,
      featuresFile === undefined ? undefined : path.resolve(io.cwd, featuresFile),
      { schema: 'optional' },
    );
    const { booster, schema, name } = bundle;
    const scores = booster.importance({ type: type as ImportanceType, featureNames: schema?.featureNames });
    if (args.values.json === true) {
      io.stdout.write(`${JSON.stringify({ model: name, type, scores })}\n`);
      return EXIT.ok;
    }
    const ranked = rankFeatures(scores, top);
    const used = Object.keys(scores).length;
    const lines = [
      `${name}: ${type} (${MEANING[type as ImportanceType]}), ${used} of ${booster.numFeature} features used by ` +
        `${booster.numTrees} trees${ranked.length < used ? `, top ${ranked.length} shown` : ''}`,
    ];
    const width = Math.max(7, ...ranked.map(([feature]) => feature.length));
    lines.push(`${'rank'.padStart(4)}  ${'feature'.padEnd(width)}  ${type}`);
    ranked.forEach(([feature, score], i) =>
      lines.push(`${String(i + 1).padStart(4)}  ${feature.padEnd(width)}  ${formatScore(score)}`),
    );
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};

/** Six significant digits; counts stay integers. */
function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : String(Number(score.toPrecision(6)));
}
