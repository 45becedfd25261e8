import path from 'node:path';
import { serveModel } from '../../serve/endpoint-server.js';
import { startEventService } from '../../serve/event-service.js';
import { UsageError } from '../cli-io.js';
import { alertLine, explainOption } from '../alert-line.js';
import { EXIT } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { loadLiveSetup } from '../live-setup.js';
import { loadModelBundle } from '../model-dir.js';

/**
 * `sessionsentry serve`: hosts a saved model behind the SageMaker XGBoost container's HTTP
 * contract (`GET /ping`, `POST /invocations` with `text/csv` feature rows; 413 over 6 MiB) until
 * interrupted (Ctrl-C / SIGTERM closes the server). With `--live`, serves the live event service
 * instead: `POST /events` (NDJSON in the log schema) scores sessions as their events arrive and
 * prints alerts.
 *
 * @example
 * ```sh
 * sessionsentry serve --model .demo/out/models/drop0 --port 8080
 * curl -s localhost:8080/ping
 * ```
 */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve a saved model with the SageMaker container contract (/ping, /invocations) until interrupted.',
  usage:
    'sessionsentry serve --model <model-folder|file> [--port 8080] [--host 127.0.0.1] [--live [--threshold t] [--sustain n] [--json] [--explain k]]',
  help: [
    ['--model <path>', 'a model folder or model file (required)'],
    ['--port <n>', 'port (default 8080; 0 picks a free one)'],
    ['--host <addr>', 'interface (default 127.0.0.1)'],
    [
      '--live',
      "serve the live event service (POST /events, alerts on standard output) with the folder's live policy; --model may be a live detector folder",
    ],
    [
      '--threshold <t>',
      "live alert threshold (default: the folder's live policy, else its first operating point, else 0.5)",
    ],
    [
      '--sustain <n>',
      "live: consecutive events over the threshold needed to alert (default: the live policy's, else 1)",
    ],
    ['--json', 'live: print each alert as one JSON line {"alert":{"session","customer","score","eventsSeen"}}'],
    [
      '--explain <k>',
      'live: each alert lists the top k features behind it (TreeSHAP of the model that fired; in --json as explanation)',
    ],
    ['', 'live request body: POST /events, NDJSON (application/x-ndjson) or a JSON array (application/json) of events'],
    ['', '  in the log schema: {"SessionNo":"s1","LogTime":"2019-07-01 12:34:56.789","Act":"401","CustID":"c9"}'],
    [
      '',
      "  (LogTime may be epoch milliseconds; GroupID, ProfID optional; BadActor ignored); answers each session's score",
    ],
  ],
  options: {
    model: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    live: { type: 'boolean' },
    threshold: { type: 'string' },
    sustain: { type: 'string' },
    json: { type: 'boolean' },
    explain: { type: 'string' },
  },
  async run(args, io) {
    const modelPath = path.resolve(io.cwd, requiredOption('serve', args, 'model'));
    const live = args.values.live === true;
    const explain = explainOption('serve', args);
    const port = numberOption('serve', args, 'port', 8080, { min: 0, max: 65535, integer: true });
    const host = stringOption(args, 'host', '127.0.0.1')!;
    if (
      !live &&
      (args.values.threshold !== undefined ||
        args.values.sustain !== undefined ||
        args.values.json !== undefined ||
        explain !== undefined)
    )
      throw new UsageError('serve: --threshold, --sustain, --json and --explain apply to --live only');
    let server: { readonly url: string; close(): Promise<void> };
    if (live) {
      const setup = await loadLiveSetup('serve', modelPath, args);
      const { sustain, minEvents } = setup;
      const service = await startEventService({
        models: setup.models,
        schema: setup.schema,
        sustain,
        minEvents,
        port,
        host,
        ...(explain !== undefined ? { explain: { top: explain } } : {}),
      });
      const json = args.values.json === true;
      service.scorer.on('alert', (a) => io.stdout.write(alertLine(a, json)));
      server = service;
      const thresholds = setup.models
        .map((m) => (setup.models.length === 1 ? `threshold ${m.threshold}` : `${m.name} ≥ ${m.threshold}`))
        .join(', ');
      // With --json, standard output holds only alert lines.
      (json ? io.stderr : io.stdout).write(
        `live scoring with ${path.relative(io.cwd, modelPath) || '.'} (${thresholds}, sustain ${sustain}, from ` +
          `event ${minEvents}: ${setup.source}) on ${service.url} (POST /events)\n`,
      );
    } else {
      const { booster, modelFile } = await loadModelBundle(modelPath, undefined, { schema: 'optional' });
      server = await serveModel(booster, { port, host, name: path.basename(path.dirname(modelFile)) });
      io.stdout.write(
        `serving ${path.relative(io.cwd, modelFile)} (${booster.numFeature} features) on ${server.url}\n`,
      );
    }
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    io.stderr.write('server closed\n');
    return EXIT.ok;
  },
};
