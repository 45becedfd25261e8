import path from 'node:path';
import { readEventLog } from '../../events/read-event-log.js';
import { resolveLocation } from '../../events/s3-uri.js';
import { escapeId } from '../../serve/escape-id.js';
import { type LiveAlert, LiveScorer } from '../../serve/live-scorer.js';
import { replay } from '../../serve/replay.js';
import { alertLine, explainOption } from '../alert-line.js';
import { EXIT, UsageError } from '../cli-io.js';
import { requiredOption, stringOption, type Command } from '../command.js';
import { logSchemaOption, LOG_SOURCE_HELP } from '../log-options.js';
import { loadLiveSetup } from '../live-setup.js';

/**
 * `sessionsentry replay`: runs a labelled log through the live scorer event by event in time
 * order, as production would see it, and reports how early attacks are caught: recall and false
 * positive rate after n events, events and time to the first alert, false alerts per 10 000
 * innocent sessions, events per second.
 *
 * @example
 * ```sh
 * sessionsentry replay --model .demo/out/models/drop0 .demo/data/single.txt --sustain 2
 * ```
 */
export const replayCommand: Command = {
  name: 'replay',
  summary: 'Replay a labelled log through the live scorer event by event; report time to first alert.',
  usage:
    'sessionsentry replay --model <model-folder> <log...> [--threshold t] [--sustain 1] [--min-events 1] [--explain k] [--json]',
  help: [
    LOG_SOURCE_HELP,
    ['--model <path>', 'a model folder (as run/train write it), or a live detector folder (models/live) (required)'],
    ['--features <file>', 'the feature schema, when --model is a file not beside one'],
    [
      '--threshold <t>',
      "alert threshold (default: the folder's live policy, else its first operating point, else 0.5)",
    ],
    [
      '--sustain <n>',
      "consecutive events at or over the threshold needed to alert (default: the live policy's, else 1)",
    ],
    ['--min-events <n>', "no alert before a session's n-th event (default: the live policy's, else 1)"],
    [
      '--explain <k>',
      'list every alert with the top k features behind it (TreeSHAP of the model that fired; in --json as alerts)',
    ],
    ['--json', 'print the report as JSON'],
    ['--log-schema <json|file>', "column mapping of the log (default: the product's)"],
  ],
  options: {
    model: { type: 'string' },
    features: { type: 'string' },
    threshold: { type: 'string' },
    sustain: { type: 'string' },
    'min-events': { type: 'string' },
    json: { type: 'boolean' },
    explain: { type: 'string' },
    'log-schema': { type: 'string' },
  },
  maxPositionals: Infinity,
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError('replay: the log file is required');
    const featuresFile = stringOption(args, 'features');
    const explain = explainOption('replay', args);
    const setup = await loadLiveSetup(
      'replay',
      path.resolve(io.cwd, requiredOption('replay', args, 'model')),
      args,
      featuresFile === undefined ? undefined : path.resolve(io.cwd, featuresFile),
    );
    const { sustain, minEvents } = setup;
    const threshold =
      setup.models.length === 1
        ? setup.models[0]!.threshold
        : Object.fromEntries(setup.models.map((m) => [m.name, m.threshold]));
    const log = await readEventLog(
      args.positionals.map((f) => resolveLocation(io.cwd, f)),
      { schema: logSchemaOption('replay', args, io) },
    );
    const scorer = new LiveScorer({
      schema: setup.schema,
      models: setup.models,
      sustain,
      minEvents,
      ...(explain !== undefined ? { explain: { top: explain } } : {}),
    });
    const alerts: LiveAlert[] = [];
    if (explain !== undefined) scorer.on('alert', (a) => alerts.push(a));
    const report = replay(log, scorer, { maxEventsSeen: 50 });
    scorer.close();
    if (args.values.json === true) {
      const { alertAt: _alertAt, ...rest } = report;
      io.stdout.write(
        `${JSON.stringify({ threshold, sustain, minEvents, policySource: setup.source, ...rest, eventsSeen: Array.from(report.eventsSeen), recall: Array.from(report.recall), fpr: Array.from(report.fpr), ...(explain !== undefined ? { alerts } : {}) }, null, 2)}\n`,
      );
      return EXIT.ok;
    }
    const q = (v: number, unit = ''): string => (Number.isNaN(v) ? '—' : `${Number(v.toFixed(1))}${unit}`);
    const picks = [1, 2, 3, 5, 10, 20, 50].filter((n) => n <= report.eventsSeen.length);
    io.stdout.write(
      [
        `replayed ${report.events} events of ${report.sessions} sessions (${report.attackerSessions} attacker): ` +
          `${Math.round(report.eventsPerSecond)} events/s`,
        `policy: ${setup.models.map((m) => (setup.models.length === 1 ? `threshold ${m.threshold}` : `${m.name} ≥ ${m.threshold}`)).join(', ')}, sustain ${sustain}, from event ${minEvents}: ${setup.source}`,
        `caught ${report.caught} of ${report.attackerSessions} attacker sessions (recall ` +
          `${report.finalRecall.toFixed(3)}); ${report.falseAlerts} false alerts ` +
          `(${report.falseAlertsPer10k.toFixed(1)} per 10 000 innocent sessions, FPR ${report.finalFpr.toFixed(4)})`,
        `events to first alert: median ${q(report.eventsToFirstAlert.median)}, p90 ` +
          `${q(report.eventsToFirstAlert.p90)}; time to first alert: median ` +
          `${q(report.timeToFirstAlertMs.median / 1000, ' s')}, p90 ` +
          `${q(report.timeToFirstAlertMs.p90 / 1000, ' s')}`,
        `after n events:  ${picks.map((n) => `n=${n} recall ${report.recall[n - 1]!.toFixed(2)} FPR ${report.fpr[n - 1]!.toFixed(3)}`).join(' | ')}`,
        report.neverCaught.length > 0
          ? `never caught: ${report.neverCaught.map(escapeId).join(', ')}`
          : 'every attacker session was caught',
        '',
      ].join('\n'),
    );
    if (explain !== undefined) for (const a of alerts) io.stdout.write(alertLine(a, false));
    return EXIT.ok;
  },
};
