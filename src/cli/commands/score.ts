import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readEventLog } from '../../events/read-event-log.js';
import { SessionFlattener } from '../../sessions/session-flattener.js';
import { truncateLog } from '../../sessions/truncation.js';
import { EXIT, UsageError } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { LOG_OPTIONS, LOG_OPTION_HELP, logSchemaOption, truncationOption } from '../log-options.js';
import { loadModelBundle } from '../model-dir.js';

/**
 * `sessionsentry score`: batch-scores every session of a log file with a saved model and its
 * feature schema, writing `SessionNo,label,score,alert` per session.
 *
 * @example
 * ```sh
 * sessionsentry score --model .demo/out/models/first10 --truncation first10 .demo/data/single.txt --out scores.csv
 * ```
 */
export const scoreCommand: Command = {
  name: 'score',
  summary: 'Batch-score the sessions of a log file with a saved model (CSV: SessionNo, label, score, alert).',
  usage: 'sessionsentry score --model <model-folder|file> [--features features.json] <log...> [--out scores.csv] [--threshold t] [--truncation <job>]',
  help: [
    ['--model <path>', 'a model folder (model.tar.gz, features.json, operating-points.json) or a model file (required)'],
    ['--features <file>', 'the feature schema, when --model is a file not beside one'],
    ['--out <file>', 'where the scores go (default: standard output)'],
    ['--threshold <t>', 'alert threshold (default: the model folder\'s first operating point, else 0.5)'],
    ...LOG_OPTION_HELP,
  ],
  options: { model: { type: 'string' }, features: { type: 'string' }, out: { type: 'string' }, threshold: { type: 'string' }, ...LOG_OPTIONS },
  maxPositionals: Infinity,
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('score: at least one log file is required');
    const featuresFile = stringOption(args, 'features');
    const bundle = await loadModelBundle(path.resolve(io.cwd, requiredOption('score', args, 'model')), featuresFile === undefined ? undefined : path.resolve(io.cwd, featuresFile));
    const threshold = numberOption('score', args, 'threshold', bundle.threshold ?? 0.5, { min: 0, max: 1 });
    const log = await readEventLog(args.positionals.map((f) => path.resolve(io.cwd, f)), { schema: logSchemaOption('score', args, io) });
    const flattener = SessionFlattener.fromSchema(bundle.schema!);
    const { frame, unseen } = flattener.flattenWithReport(truncateLog(log, truncationOption('score', args)));
    const scores = bundle.booster.predict(frame.select(flattener.featureNames));
    const idColumn = frame.columnNames[0]!;
    const labels = frame.numbers(frame.columnNames[1]!);
    const lines = ['SessionNo,label,score,alert'];
    let alerts = 0;
    let caught = 0;
    for (let i = 0; i < scores.length; i++) {
      const alert = scores[i]! >= threshold ? 1 : 0;
      alerts += alert;
      if (alert && labels[i] === 1) caught++;
      lines.push(`${csvField(String(frame.value(idColumn, i)))},${labels[i]},${scores[i]},${alert}`);
    }
    const text = `${lines.join('\n')}\n`;
    const out = stringOption(args, 'out');
    if (out === undefined) io.stdout.write(text);
    else await writeFile(path.resolve(io.cwd, out), text);
    io.stderr.write(`${scores.length} sessions scored, ${alerts} alerts at threshold ${threshold}` + (log.positiveCount > 0 ? `, ${caught} of ${log.positiveCount} labelled attacker sessions among them` : '') + '\n');
    if (unseen.events > 0) io.stderr.write(`warning: ${unseen.events} events have action codes the model's vocabulary lacks (counted in other_actions)\n`);
    return EXIT.ok;
  },
};

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
