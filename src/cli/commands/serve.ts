import path from 'node:path';
import { serveModel } from '../../serve/endpoint-server.js';
import { EXIT } from '../cli-io.js';
import { numberOption, requiredOption, stringOption, type Command } from '../command.js';
import { loadModelBundle } from '../model-dir.js';

/**
 * `sessionsentry serve`: hosts a saved model behind the SageMaker XGBoost container's HTTP
 * contract (`GET /ping`, `POST /invocations` with `text/csv` feature rows; 413 over 6 MiB) until
 * interrupted (Ctrl-C / SIGTERM closes the server).
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
  usage: 'sessionsentry serve --model <model-folder|file> [--port 8080] [--host 127.0.0.1]',
  help: [
    ['--model <path>', 'a model folder or model file (required)'],
    ['--port <n>', 'port (default 8080; 0 picks a free one)'],
    ['--host <addr>', 'interface (default 127.0.0.1)'],
  ],
  options: { model: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
  async run(args, io) {
    const modelPath = path.resolve(io.cwd, requiredOption('serve', args, 'model'));
    const { booster, modelFile } = await loadModelBundle(modelPath, undefined, { schema: 'optional' });
    const port = numberOption('serve', args, 'port', 8080, { min: 0, max: 65535, integer: true });
    const host = stringOption(args, 'host', '127.0.0.1')!;
    const server = await serveModel(booster, { port, host, name: path.basename(path.dirname(modelFile)) });
    io.stdout.write(`serving ${path.relative(io.cwd, modelFile)} (${booster.numFeature} features) on ${server.url}\n`);
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
