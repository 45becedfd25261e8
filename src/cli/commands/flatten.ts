import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readEventLog } from '../../events/read-event-log.js';
import { relativeLocation, resolveLocation } from '../../events/s3-uri.js';
import { writeCsv } from '../../frame/csv-write.js';
import { ActionVocabulary } from '../../sessions/action-vocabulary.js';
import { parseFeatureSchema } from '../../sessions/feature-schema.js';
import { SessionFlattener } from '../../sessions/session-flattener.js';
import { truncateLog } from '../../sessions/truncation.js';
import { EXIT, UsageError } from '../cli-io.js';
import { requiredOption, stringOption, type Command } from '../command.js';
import { flattenRecordFile, type FlattenRecord } from '../flatten-record.js';
import { LOG_OPTIONS, LOG_OPTION_HELP, logSchemaOption, truncationOption, LOG_SOURCE_HELP } from '../log-options.js';
import { prepareOutputs } from '../output-files.js';

/**
 * `sessionsentry flatten`: one feature row per session (action counts, timing) as CSV, the
 * feature schema as JSON so test data and live scoring build identical columns, and a record
 * (`<out>.flatten.json`: truncation, schema file, logs) that `split` and `train` carry on to the
 * model directory.
 *
 * @example
 * ```sh
 * sessionsentry flatten data/mixed-*.txt --truncation first10 --out feat/first10.csv
 * # feat/first10.csv, feat/first10.features.json, feat/first10.flatten.json
 * sessionsentry flatten data/single.txt --features feat/first10.features.json --truncation first10 --out feat/test-first10.csv
 * ```
 */
export const flattenCommand: Command = {
  name: 'flatten',
  summary: 'Turn event logs into one feature row per session (CSV) plus the feature schema (JSON).',
  usage:
    'sessionsentry flatten <log...> --out <features.csv> [--schema-out <file> | --features <file>] [--truncation <job>] [--force]',
  help: [
    LOG_SOURCE_HELP,
    ['--out <file>', 'the feature CSV: SessionNo, BadActor, then the features (required; folders are created)'],
    [
      '--schema-out <file>',
      'where the learned feature schema goes (default: --out with .csv replaced by .features.json)',
    ],
    ['--features <file>', 'reuse a saved feature schema instead of learning one (for test data)'],
    ['--no-timing', 'leave the timing features out (for logs without times)'],
    ...LOG_OPTION_HELP,
    ['--force', 'overwrite outputs that exist (an output that is an input is always refused)'],
  ],
  options: {
    out: { type: 'string' },
    'schema-out': { type: 'string' },
    features: { type: 'string' },
    'no-timing': { type: 'boolean' },
    force: { type: 'boolean' },
    ...LOG_OPTIONS,
  },
  maxPositionals: Infinity,
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('flatten: at least one log file is required');
    const out = path.resolve(io.cwd, requiredOption('flatten', args, 'out'));
    if (!out.toLowerCase().endsWith('.csv'))
      throw new UsageError(`flatten: --out must name a .csv file, got ${JSON.stringify(args.values.out)}`);
    const schema = logSchemaOption('flatten', args, io);
    const truncation = truncationOption('flatten', args);
    const featuresOption = stringOption(args, 'features');
    if (featuresOption !== undefined && args.values['schema-out'] !== undefined)
      throw new UsageError('flatten: give --features (reuse a schema) or --schema-out (learn one), not both');
    const featuresFile = featuresOption === undefined ? undefined : path.resolve(io.cwd, featuresOption);
    const schemaOut =
      featuresFile ??
      path.resolve(io.cwd, stringOption(args, 'schema-out', `${out.replace(/\.csv$/i, '')}.features.json`)!);
    const recordFile = flattenRecordFile(out);
    const logs = args.positionals.map((f) => resolveLocation(io.cwd, f));
    const force = args.values.force === true;
    await prepareOutputs('flatten', featuresFile === undefined ? [out, schemaOut, recordFile] : [out, recordFile], {
      inputs: featuresFile === undefined ? logs : [...logs, featuresFile],
      force,
      cwd: io.cwd,
    });
    const log = await readEventLog(logs, { schema });
    let flattener: SessionFlattener;
    if (featuresFile !== undefined) {
      flattener = SessionFlattener.fromSchema(parseFeatureSchema(JSON.parse(await readFile(featuresFile, 'utf8'))));
    } else {
      flattener = new SessionFlattener({
        vocabulary: ActionVocabulary.fromLogs(log),
        features: { timing: args.values['no-timing'] !== true && log.times !== null },
      });
      flattener.fit(log);
    }
    const { frame, unseen } = flattener.flattenWithReport(truncateLog(log, truncation));
    await writeCsv(frame, out);
    if (featuresFile === undefined) {
      await writeFile(schemaOut, `${JSON.stringify(flattener.toSchema(), null, 2)}\n`);
      io.stderr.write(`feature schema: ${path.relative(io.cwd, schemaOut)}\n`);
    }
    const dir = path.dirname(recordFile);
    const record: FlattenRecord = {
      version: 1,
      truncation: truncation.kind === 'none' ? null : truncation,
      features: path.relative(dir, schemaOut),
      logs: logs.map((f) => relativeLocation(dir, f)),
      sessions: frame.rowCount,
      attackerSessions: log.positiveCount,
    };
    await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`);
    io.stdout.write(
      `${path.relative(io.cwd, out)}: ${frame.rowCount} sessions, ${flattener.featureNames.length} features, ` +
        `${log.positiveCount} labelled attacker sessions\n`,
    );
    if (unseen.events > 0)
      io.stderr.write(
        `warning: ${unseen.events} events in ${unseen.sessions} sessions have action codes the schema lacks ` +
          `(counted in other_actions): ${Object.keys(unseen.byCode).slice(0, 10).join(', ')}\n`,
      );
    return EXIT.ok;
  },
};
