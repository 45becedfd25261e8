/**
 * `--explain <k>` on `score`, `replay` and `serve --live`: each alerted session carries the top k
 * features behind its score, by TreeSHAP contribution (Booster.contributions, bit-equal to XGBoost
 * 1.7.4's pred_contribs: test/model/insight-differential.test.ts), and sessions that do not alert
 * carry nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { readEventLog } from '../../src/events/read-event-log.js';
import { readModelDirectory } from '../../src/experiment/model-directory.js';
import { readCsv } from '../../src/frame/csv-read.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { captureIO } from './capture-io.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'ss-cli-explain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  expect((await cli('generate', '--out', 'data', '--seed', '9', '--scale', '0.1')).code).toBe(0);
  const training = ['data/known-attacker.txt', 'data/mixed-1.txt', 'data/mixed-2.txt', 'data/mixed-3.txt'];
  expect((await cli('flatten', ...training, '--out', 'feat/drop0.csv')).code).toBe(0);
  expect((await cli('split', 'feat/drop0.csv', '--out', 'csv', '--train', '0.7', '--validation', '0.3')).code).toBe(0);
  const train = await cli('train', 'csv/drop0', '--out', 'models', '--hp', 'num_round=10', '--workers', '1');
  expect(train.code, train.err).toBe(0);
}, 120_000);

describe('score --explain', () => {
  it("writes each alerted session's top k features by TreeSHAP contribution, and nothing for the others", async () => {
    const run = await cli(
      'score',
      '--model',
      'models/drop0',
      'data/single.txt',
      '--threshold',
      '0.3',
      '--explain',
      '3',
      '--out',
      'scores.csv',
    );
    expect(run.code, run.err).toBe(0);
    const scored = await readCsv(path.join(dir, 'scores.csv'), {
      columnTypes: { SessionNo: 'string', top_features: 'string' },
    });
    expect(scored.columnNames).toEqual(['SessionNo', 'label', 'score', 'alert', 'top_features']);

    // The same explanation recomputed from the model directory and the log.
    const model = await readModelDirectory(path.join(dir, 'models/drop0'));
    const flattener = SessionFlattener.fromSchema(model.schema);
    const frame = flattener.flatten(await readEventLog(path.join(dir, 'data/single.txt')));
    const matrix = frame.toMatrix(flattener.featureNames);
    const contributions = model.booster.contributions(matrix);
    const alerts = scored.numbers('alert');
    const explanations = scored.strings('top_features');
    let alerted = 0;
    for (let i = 0; i < scored.rowCount; i++) {
      if (alerts[i] === 0) {
        expect(explanations[i] ?? '').toBe(''); // an empty field reads as missing
        continue;
      }
      alerted++;
      const base = i * contributions.columns;
      const top = flattener.featureNames
        .map((name, j) => ({ name, j, c: contributions.data[base + j]! }))
        .sort((a, b) => b.c - a.c || a.j - b.j)
        .slice(0, 3)
        .map(({ name, c }) => `${name}: ${Number(c.toPrecision(2)) >= 0 ? '+' : ''}${Number(c.toPrecision(2))}`);
      expect(explanations[i]).toBe(top.join(', '));
    }
    expect(alerted).toBeGreaterThan(0);
  });

  it('puts the explanation in the JSON lines of alerted sessions only', async () => {
    const run = await cli(
      'score',
      '--model',
      'models/drop0',
      'data/single.txt',
      '--threshold',
      '0.3',
      '--explain',
      '2',
      '--json',
    );
    expect(run.code, run.err).toBe(0);
    const rows = run.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { alert: number; explanation?: { feature: string; contribution: number }[] });
    for (const row of rows) {
      if (row.alert === 1) expect(row.explanation).toHaveLength(2);
      else expect(row.explanation).toBeUndefined();
    }
    expect(rows.some((r) => r.alert === 1)).toBe(true);
  });

  it('refuses --explain 0 as a usage error', async () => {
    const run = await cli('score', '--model', 'models/drop0', 'data/single.txt', '--explain', '0');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/--explain/);
  });
});

describe('replay --explain', () => {
  it('lists every alert with the top k features of the model that fired', async () => {
    const run = await cli(
      'replay',
      '--model',
      'models/drop0',
      'data/single.txt',
      '--threshold',
      '0.3',
      '--explain',
      '2',
    );
    expect(run.code, run.err).toBe(0);
    const lines = run.out.split('\n').filter((l) => l.startsWith('alert session '));
    const caught = Number(/caught (\d+) of/.exec(run.out)![1]);
    const falseAlerts = Number(/; (\d+) false alerts/.exec(run.out)![1]);
    expect(lines).toHaveLength(caught + falseAlerts);
    for (const line of lines)
      expect(line).toMatch(/ after \d+ events because [\w.]+: [+-][\d.e-]+, [\w.]+: [+-][\d.e-]+$/);
  });
});

describe('serve --live --explain', () => {
  it('prints the explanation in each JSON alert line', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
        path.join(repoRoot, 'src/cli/main.ts'),
        'serve',
        '--live',
        '--json',
        '--explain',
        '2',
        '--threshold',
        '0',
        '--model',
        path.join(dir, 'models/drop0'),
        '--port',
        '0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /on (http:\/\/[\d.:]+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (c) => reject(new Error(`serve exited ${c}: ${err}`)));
    });
    const res = await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: '{"SessionNo":"s1","LogTime":"2019-07-01 12:34:56.789","Act":"111","CustID":"c9"}\n',
    });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    for (let i = 0; i < 100 && out === ''; i++) await new Promise((r) => setTimeout(r, 20));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    const [line] = out.trim().split('\n');
    const alert = (JSON.parse(line!) as { alert: { session: string; explanation: { feature: string }[] } }).alert;
    expect(alert.session).toBe('s1');
    expect(alert.explanation).toHaveLength(2);
    expect(typeof alert.explanation[0]!.feature).toBe('string');
  }, 30_000);
});
