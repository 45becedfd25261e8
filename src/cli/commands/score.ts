import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readEventLog } from '../../events/read-event-log.js';
import { explainRows, type FeatureContribution, formatContributions } from '../../model/explain-rows.js';
import { resolveLocation } from '../../events/s3-uri.js';
import { SessionFlattener } from '../../sessions/session-flattener.js';
import { describeTruncation, splitPrefixes, truncateLog, type Truncation } from '../../sessions/truncation.js';
import { explainOption } from '../alert-line.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { LOG_OPTIONS, logSchemaOption, truncationOption, LOG_SOURCE_HELP } from '../log-options.js';
import { loadModelBundle } from '../model-dir.js';
import { prepareOutputs } from '../output-files.js';
import { csvField } from '../score-file.js';

/**
 * `sessionsentry score`: scores every session of labelled or unlabelled logs with a saved model.
 * A model directory brings its feature schema, its truncation (sessions are cut as the model's
 * training data was) and its first operating point as the threshold. Writes
 * `SessionNo,label,score,alert` rows, or JSON lines with `--json`; with `--explain k`, each alerted
 * session also gets its top k features by TreeSHAP contribution (`top_features`, `explanation`).
 *
 * @example
 * ```sh
 * sessionsentry score --model models/first10 data/single.txt --out scores/single-first10.csv
 * ```
 */
export const scoreCommand: Command = {
  name: 'score',
  summary: 'Score every session of event logs with a saved model (its truncation, schema and threshold).',
  usage:
    'sessionsentry score --model <model-folder|file> <log...> [--out scores.csv] [--threshold t] [--explain k] [--json] [--force]',
  help: [
    LOG_SOURCE_HELP,
    ['--model <path>', 'a model directory (train, run or demo wrote it), or a model file with --features (required)'],
    ['--features <file>', 'the feature schema of a bare model file'],
    [
      '--truncation <job>',
      'for a bare model file: cut sessions as its training data was (a model directory brings its own; a different one is an error)',
    ],
    ['--threshold <t>', "alert threshold (default: the model's first operating point, else 0.5)"],
    ['--out <file>', 'write the scores here instead of standard output (folders are created)'],
    [
      '--explain <k>',
      'a top_features column: the top k features behind each alerted session ("downloads: +2.1, gap_cv: +0.9"), by TreeSHAP, for alerts only',
    ],
    ['--json', 'JSON lines ({"SessionNo","label","score","alert"}, and explanation with --explain) instead of CSV'],
    ['--log-schema <json|file>', "column mapping of the log (default: the product's)"],
    ['--force', 'overwrite --out when it exists'],
  ],
  options: {
    model: { type: 'string' },
    features: { type: 'string' },
    threshold: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    explain: { type: 'string' },
    force: { type: 'boolean' },
    ...LOG_OPTIONS,
  },
  maxPositionals: Infinity,
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('score: at least one log file is required');
    const modelPath = path.resolve(io.cwd, requiredOption('score', args, 'model'));
    const featuresFile = stringOption(args, 'features');
    const threshold0 =
      args.values.threshold === undefined
        ? undefined
        : numberOption('score', args, 'threshold', 0.5, { min: 0, max: 1 });
    const explain = explainOption('score', args);
    const flagTruncation = args.values.truncation === undefined ? undefined : truncationOption('score', args);
    const logs = args.positionals.map((f) => resolveLocation(io.cwd, f));
    const outOption = stringOption(args, 'out');
    const out = outOption === undefined ? undefined : path.resolve(io.cwd, outOption);
    if (out !== undefined)
      await prepareOutputs('score', [out], {
        inputs: [...logs, modelPath],
        force: args.values.force === true,
        cwd: io.cwd,
      });
    const bundle = await loadModelBundle(
      modelPath,
      featuresFile === undefined ? undefined : path.resolve(io.cwd, featuresFile),
    );
    const truncation = modelTruncation(
      'score',
      bundle.truncation,
      flagTruncation,
      args.values.truncation as string | undefined,
    );
    const threshold = threshold0 ?? bundle.threshold ?? 0.5;
    const log = await readEventLog(logs, { schema: logSchemaOption('score', args, io) });
    const flattener = SessionFlattener.fromSchema(bundle.schema!);
    // A model of session prefixes scores each session as it stands at its end (live scoring, `replay`, scores every
    // prefix).
    const { before, prefixes } = splitPrefixes(truncation);
    const { frame, unseen } = flattener.flattenWithReport(truncateLog(log, before));
    const scores = bundle.booster.predict(frame.select(flattener.featureNames));
    const idColumn = frame.columnNames[0]!;
    const labels = frame.numbers(frame.columnNames[1]!);
    const json = args.values.json === true;
    const lines = json ? [] : [`SessionNo,label,score,alert${explain === undefined ? '' : ',top_features'}`];
    // Contributions of the alerted sessions only.
    const why = new Map<number, FeatureContribution[]>();
    if (explain !== undefined) {
      const alerted: number[] = [];
      for (let i = 0; i < scores.length; i++) if (scores[i]! >= threshold) alerted.push(i);
      const matrix = frame.toMatrix(flattener.featureNames);
      const explained = explainRows(bundle.booster, matrix, {
        rows: alerted,
        top: explain,
        names: flattener.featureNames,
      });
      alerted.forEach((row, k) => why.set(row, explained[k]!));
    }
    let alerts = 0;
    let caught = 0;
    for (let i = 0; i < scores.length; i++) {
      const alert = scores[i]! >= threshold ? 1 : 0;
      alerts += alert;
      if (alert && labels[i] === 1) caught++;
      const id = String(frame.value(idColumn, i));
      const explanation = why.get(i);
      if (json)
        lines.push(
          JSON.stringify({
            SessionNo: id,
            label: labels[i],
            score: scores[i],
            alert,
            ...(explanation !== undefined ? { explanation } : {}),
          }),
        );
      else
        lines.push(
          `${csvField(id)},${labels[i]},${scores[i]},${alert}${explain === undefined ? '' : `,${csvField(explanation === undefined ? '' : formatContributions(explanation))}`}`,
        );
    }
    const text = `${lines.join('\n')}\n`;
    if (out === undefined) io.stdout.write(text);
    else await writeFile(out, text);
    const cut = before.kind === 'none' ? 'whole sessions' : `sessions cut as ${describeTruncation(before)}`;
    const prefixNote =
      prefixes === null
        ? ''
        : `; the model learned from ${describeTruncation(prefixes)}, each session scored at its last event (replay ` +
          `scores every prefix)`;
    io.stderr.write(
      `${scores.length} session${scores.length === 1 ? '' : 's'} scored (${cut}${prefixNote}), ${alerts} ` +
        `alert${alerts === 1 ? '' : 's'} at threshold ${threshold}` +
        (log.positiveCount > 0 ? `, ${caught} of ${log.positiveCount} labelled attacker sessions among them` : '') +
        '\n',
    );
    if (unseen.events > 0)
      io.stderr.write(
        `warning: ${unseen.events} ${unseen.events === 1 ? 'event has an action code' : 'events have action codes'} ` +
          `the model's vocabulary lacks (counted in other_actions)\n`,
      );
    return EXIT.ok;
  },
};

/**
 * The truncation to score with: the model directory's (a `--truncation` that differs is an error),
 * or for a bare model file the flag's (default whole sessions).
 *
 * @example
 * ```ts
 * modelTruncation('score', { kind: 'firstN', n: 10 }, undefined, undefined); // { kind: 'firstN', n: 10 }
 * ```
 */
export function modelTruncation(
  command: string,
  recorded: Truncation | undefined,
  flag: Truncation | undefined,
  flagName: string | undefined,
): Truncation {
  if (recorded === undefined) return flag ?? { kind: 'none' };
  if (flag !== undefined && JSON.stringify(flag) !== JSON.stringify(recorded)) {
    throw new UsageError(
      `${command}: --truncation ${flagName} conflicts with the model, which was trained on ` +
        `${recorded.kind === 'none' ? 'whole sessions' : describeTruncation(recorded)} (leave --truncation out: a ` +
        `model directory brings its own)`,
    );
  }
  return recorded;
}
