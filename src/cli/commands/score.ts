import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readEventLog } from '../../events/read-event-log.js';
import { SessionFlattener } from '../../sessions/session-flattener.js';
import { describeTruncation, splitPrefixes, truncateLog, type Truncation } from '../../sessions/truncation.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { LOG_OPTIONS, logSchemaOption, truncationOption } from '../log-options.js';
import { loadModelBundle } from '../model-dir.js';
import { prepareOutputs } from '../output-files.js';
import { csvField } from '../score-file.js';

/**
 * `sessionsentry score`: scores every session of labelled or unlabelled logs with a saved model.
 * A model directory brings its feature schema, its truncation (sessions are cut as the model's
 * training data was) and its first operating point as the threshold. Writes
 * `SessionNo,label,score,alert` rows, or JSON lines with `--json`.
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
    'sessionsentry score --model <model-folder|file> <log...> [--out scores.csv] [--threshold t] [--json] [--force]',
  help: [
    ['--model <path>', 'a model directory (train, run or demo wrote it), or a model file with --features (required)'],
    ['--features <file>', 'the feature schema of a bare model file'],
    [
      '--truncation <job>',
      'for a bare model file: cut sessions as its training data was (a model directory brings its own; a different one is an error)',
    ],
    ['--threshold <t>', "alert threshold (default: the model's first operating point, else 0.5)"],
    ['--out <file>', 'write the scores here instead of standard output (folders are created)'],
    ['--json', 'JSON lines ({"SessionNo","label","score","alert"}) instead of CSV'],
    ['--log-schema <json|file>', "column mapping of the log (default: the product's)"],
    ['--force', 'overwrite --out when it exists'],
  ],
  options: {
    model: { type: 'string' },
    features: { type: 'string' },
    threshold: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
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
    const flagTruncation = args.values.truncation === undefined ? undefined : truncationOption('score', args);
    const logs = args.positionals.map((f) => path.resolve(io.cwd, f));
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
    const lines = args.values.json === true ? [] : ['SessionNo,label,score,alert'];
    let alerts = 0;
    let caught = 0;
    for (let i = 0; i < scores.length; i++) {
      const alert = scores[i]! >= threshold ? 1 : 0;
      alerts += alert;
      if (alert && labels[i] === 1) caught++;
      const id = String(frame.value(idColumn, i));
      lines.push(
        args.values.json === true
          ? JSON.stringify({ SessionNo: id, label: labels[i], score: scores[i], alert })
          : `${csvField(id)},${labels[i]},${scores[i]},${alert}`,
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
      `${scores.length} sessions scored (${cut}${prefixNote}), ${alerts} alerts at threshold ${threshold}` +
        (log.positiveCount > 0 ? `, ${caught} of ${log.positiveCount} labelled attacker sessions among them` : '') +
        '\n',
    );
    if (unseen.events > 0)
      io.stderr.write(
        `warning: ${unseen.events} events have action codes the model's vocabulary lacks (counted in other_actions)\n`,
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
