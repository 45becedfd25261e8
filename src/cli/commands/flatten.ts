import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readEventLog } from '../../events/read-event-log.js';
import { writeCsv } from '../../frame/csv-write.js';
import { ActionVocabulary } from '../../sessions/action-vocabulary.js';
import { SessionFlattener } from '../../sessions/session-flattener.js';
import { truncateLog } from '../../sessions/truncation.js';
import { EXIT, UsageError } from '../cli-io.js';
import { requiredOption, stringOption, type Command } from '../command.js';
import { LOG_OPTIONS, LOG_OPTION_HELP, logSchemaOption, truncationOption } from '../log-options.js';

/**
 * `sessionsentry flatten`: one feature row per session (action counts, timing) as CSV, and the
 * feature schema as JSON so test data and live scoring build identical columns.
 *
 * @example
 * ```sh
 * sessionsentry flatten data/mixed-*.txt --truncation first10 --out first10.csv --schema-out features.json
 * sessionsentry flatten data/single.txt --features features.json --truncation first10 --out test-first10.csv
 * ```
 */
export const flattenCommand: Command = {
  name: 'flatten',
  summary: 'Turn event logs into one feature row per session (CSV) plus the feature schema (JSON).',
  usage: 'sessionsentry flatten <log...> --out <features.csv> [--schema-out features.json | --features features.json] [--truncation <job>]',
  help: [
    ['--out <file>', 'the feature CSV: SessionNo, BadActor, then the features (required)'],
    ['--schema-out <file>', 'write the learned feature schema here (default <out>.features.json)'],
    ['--features <file>', 'reuse a saved feature schema instead of learning one (for test data)'],
    ['--no-timing', 'leave the timing features out (for logs without times)'],
    ...LOG_OPTION_HELP,
  ],
  options: { out: { type: 'string' }, 'schema-out': { type: 'string' }, features: { type: 'string' }, 'no-timing': { type: 'boolean' }, ...LOG_OPTIONS },
  maxPositionals: Infinity,
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('flatten: at least one log file is required');
    const out = path.resolve(io.cwd, requiredOption('flatten', args, 'out'));
    const schema = logSchemaOption('flatten', args, io);
    const truncation = truncationOption('flatten', args);
    const log = await readEventLog(args.positionals.map((f) => path.resolve(io.cwd, f)), { schema });
    const featuresFile = stringOption(args, 'features');
    let flattener: SessionFlattener;
    if (featuresFile !== undefined) {
      flattener = SessionFlattener.fromSchema(JSON.parse(readFileSync(path.resolve(io.cwd, featuresFile), 'utf8')));
    } else {
      flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log), features: { timing: args.values['no-timing'] !== true && log.times !== null } });
      flattener.fit(log);
    }
    const { frame, unseen } = flattener.flattenWithReport(truncateLog(log, truncation));
    await writeCsv(frame, out);
    if (featuresFile === undefined) {
      const schemaOut = path.resolve(io.cwd, stringOption(args, 'schema-out', `${out.replace(/\.csv$/, '')}.features.json`)!);
      await writeFile(schemaOut, `${JSON.stringify(flattener.toSchema(), null, 2)}\n`);
      io.stderr.write(`feature schema: ${path.relative(io.cwd, schemaOut)}\n`);
    }
    io.stdout.write(`${path.relative(io.cwd, out)}: ${frame.rowCount} sessions, ${flattener.featureNames.length} features, ${log.positiveCount} labelled attacker sessions\n`);
    if (unseen.events > 0) io.stderr.write(`warning: ${unseen.events} events in ${unseen.sessions} sessions have action codes the schema lacks (counted in other_actions): ${Object.keys(unseen.byCode).slice(0, 10).join(', ')}\n`);
    return EXIT.ok;
  },
};
