import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { ProgressDisplay } from '../../src/cli/progress-display.js';
import { readCsv } from '../../src/frame/csv-read.js';
import { Booster } from '../../src/model/booster.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { captureIO } from './capture-io.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ALL = ['generate', 'flatten', 'split', 'train', 'evaluate', 'report', 'serve', 'score', 'replay', 'run', 'demo'];

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(cwd);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('sessionsentry --help and exit codes', () => {
  it('lists every command of the issue in the program help and exits 0', async () => {
    const { code, out } = await cli(repoRoot, '--help');
    expect(code).toBe(0);
    for (const name of ALL) expect(out).toMatch(new RegExp(`^  ${name}\\s+\\S`, 'm'));
    expect(COMMANDS.map((c) => c.name).sort()).toEqual([...ALL].sort());
  });

  it.each(ALL)('prints the usage and options of %s with --help and exits 0', async (name) => {
    const { code, out } = await cli(repoRoot, name, '--help');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: sessionsentry ${name}`));
    expect(out).toContain('-h, --help');
  });

  it('exits 2 with the program help on stderr for an unknown command, and 2 without a command', async () => {
    const unknown = await cli(repoRoot, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^sessionsentry: unknown command "frobnicate"/);
    expect((await cli(repoRoot)).code).toBe(2);
  });

  it('exits 2 naming the option for an unknown option, a bad number or a missing required option', async () => {
    const unknown = await cli(repoRoot, 'generate', '--sead', '3');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/sessionsentry generate: Unknown option '--sead'/);
    expect(unknown.err).toContain('Usage: sessionsentry generate');
    const bad = await cli(repoRoot, 'generate', '--scale', 'big');
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([2, 'sessionsentry generate: --scale must be a number ≥ 0.001 and ≤ 100, got "big"']);
    const missing = await cli(repoRoot, 'split', 'features.csv');
    expect([missing.code, missing.err.split('\n')[0]]).toEqual([2, 'sessionsentry split: --out is required']);
  });
});

describe('sessionsentry step by step on a small synthetic set', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-cli-'));
  const generated = generateLogs({ seed: 11, scale: 0.1 });
  beforeAll(async () => {
    const { code } = await cli(dir, 'generate', '--out', 'data', '--seed', '11', '--scale', '0.1');
    expect(code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generate writes the five files byte-identical to generateLogs and prints their counts', async () => {
    for (const f of generated.summary) expect(readFileSync(path.join(dir, 'data', f.name), 'utf8')).toBe(generated.files[f.name].text);
    const { out } = await cli(dir, 'generate', '--out', 'data2', '--seed', '11', '--scale', '0.1');
    expect(out.split('\n')[2]).toBe(`data2/mixed-1.txt\t${generated.files['mixed-1.txt'].summary.events}\t${generated.files['mixed-1.txt'].summary.sessions}\t${generated.files['mixed-1.txt'].summary.attackerSessions}\t${generated.files['mixed-1.txt'].summary.firstTime}\t${generated.files['mixed-1.txt'].summary.lastTime}`);
  });

  it('fails with exit 1 and the file, line and column on stderr for a malformed log line', async () => {
    writeFileSync(path.join(dir, 'bad.txt'), 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n1\t2019-07-01 00:00:00\t1\t1\t1\t111\t0\n1\tyesterday\t1\t1\t1\t111\t0\n');
    const { code, err } = await cli(dir, 'flatten', 'bad.txt', '--out', 'bad.csv');
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`^sessionsentry flatten: error: ${path.join(dir, 'bad.txt').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:2: column LogTime`));
  });

  it('flatten → split → train → score → evaluate produce consistent files', async () => {
    const training = ['data/known-attacker.txt', 'data/mixed-1.txt', 'data/mixed-2.txt', 'data/mixed-3.txt'];
    const flat = await cli(dir, 'flatten', ...training, '--truncation', 'first10', '--out', 'first10.csv', '--schema-out', 'features.json');
    expect(flat.code).toBe(0);
    const sessions = generated.summary.filter((f) => f.name !== 'single.txt').reduce((a, f) => a + f.sessions, 0);
    const attackers = generated.summary.filter((f) => f.name !== 'single.txt').reduce((a, f) => a + f.attackerSessions, 0);
    const features = await readCsv(path.join(dir, 'first10.csv'));
    expect(features.rowCount).toBe(sessions);
    expect(features.columnNames.slice(0, 2)).toEqual(['SessionNo', 'BadActor']);

    const split = await cli(dir, 'split', 'first10.csv', '--out', 'csv', '--train', '0.7', '--validation', '0.15', '--test', '0.15', '--seed', '3');
    expect(split.code).toBe(0);
    const parts = split.out.trim().split('\n').map((l) => l.split('\t'));
    expect(parts.map((p) => p[0])).toEqual(['csv/first10/train.csv', 'csv/first10/validation.csv', 'csv/first10/test.csv']);
    expect(parts.reduce((a, p) => a + Number.parseInt(p[1]!, 10), 0)).toBe(sessions);
    expect(parts.reduce((a, p) => a + Number.parseInt(p[2]!, 10), 0)).toBe(attackers);
    // SageMaker's CSV contract: label first, no header, one column per feature.
    const firstRow = readFileSync(path.join(dir, 'csv/first10/train.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(firstRow.length).toBe(features.columnNames.length - 1);
    expect(['0', '1']).toContain(firstRow[0]);

    const train = await cli(dir, 'train', 'csv/first10', '--out', 'models', '--hp', 'num_round=8', '--hp', 'tree_method=hist', '--features', 'features.json', '--workers', '1');
    expect(train.err).not.toMatch(/failed/);
    expect(train.code).toBe(0);
    expect(train.out).toMatch(/^models\/first10\/model\.tar\.gz\ttrained in [\d.]+ s$/m);
    const booster = await Booster.loadFile(path.join(dir, 'models/first10/model.tar.gz'));
    expect(booster.numTrees).toBe(8);

    const score = await cli(dir, 'score', '--model', 'models/first10', '--truncation', 'first10', '--threshold', '0.5', 'data/single.txt', '--out', 'scores.csv');
    expect(score.code).toBe(0);
    const scored = await readCsv(path.join(dir, 'scores.csv'));
    expect(scored.columnNames).toEqual(['SessionNo', 'label', 'score', 'alert']);
    expect(scored.rowCount).toBe(generated.files['single.txt'].summary.sessions);
    const alerts = scored.numbers('alert');
    const probabilities = scored.numbers('score');
    for (let i = 0; i < alerts.length; i++) expect(alerts[i]).toBe(probabilities[i]! >= 0.5 ? 1 : 0);
    expect(score.err).toContain(`${generated.files['single.txt'].summary.sessions} sessions scored`);

    const evaluate = await cli(dir, 'evaluate', '--test', 'scores.csv', '--threshold', '0.5', '--json');
    expect(evaluate.code).toBe(0);
    const result = JSON.parse(evaluate.out) as { threshold: number; test: { tp: number; fp: number; tn: number; fn: number } };
    let flagged = 0;
    for (let i = 0; i < alerts.length; i++) flagged += alerts[i]!;
    expect(result.threshold).toBe(0.5);
    expect(result.test.tp + result.test.fp).toBe(flagged);
    expect(result.test.tp + result.test.fn).toBe(generated.files['single.txt'].summary.attackerSessions);
  });

  it('flatten reads a log with other column names and no times through --log-schema, leaving timing features out', async () => {
    writeFileSync(path.join(dir, 'blocks.csv'), 'BlockId,seq,EventId,Label\nb1,2,E5,0\nb1,1,E22,0\nb2,1,E5,1\nb2,2,E5,1\nb2,3,E9,1\n');
    const { code } = await cli(dir, 'flatten', 'blocks.csv', '--log-schema', '{"session":"BlockId","action":"EventId","label":"Label","order":"seq","time":null}', '--out', 'blocks-features.csv');
    expect(code).toBe(0);
    const frame = await readCsv(path.join(dir, 'blocks-features.csv'), { columnTypes: { SessionNo: 'string' } });
    expect(frame.columnNames).toEqual(['SessionNo', 'BadActor', 'E22', 'E5', 'E9', 'other_actions']);
    expect(frame.toRows()).toEqual([
      { SessionNo: 'b1', BadActor: 0, E22: 1, E5: 1, E9: 0, other_actions: 0 },
      { SessionNo: 'b2', BadActor: 1, E22: 0, E5: 2, E9: 1, other_actions: 0 },
    ]);
  });

  it('evaluate without validation scores refuses to choose an FPR operating point on test data (exit 2)', async () => {
    writeFileSync(path.join(dir, 's.csv'), 'label,score\n0,0.1\n1,0.9\n');
    const { code, err } = await cli(dir, 'evaluate', '--test', 's.csv', '--max-fpr', '0.05');
    expect(code).toBe(2);
    expect(err).toMatch(/--validation is required/);
  });
});

describe('progress display', () => {
  it('draws one bar rewritten in place on a terminal and ends the line when done', () => {
    const io = captureIO('/', { tty: true });
    const display = new ProgressDisplay(io, 2, { tty: true });
    display.stage('train', '2 jobs');
    display.progress({ job: 'a', resource: 'TrainingJob', name: 'x-a', state: 'InProgress', elapsedMs: 0 });
    display.progress({ job: 'a', resource: 'TrainingJob', name: 'x-a', state: 'Completed', elapsedMs: 900 });
    display.done();
    const err = io.err();
    expect(err).toContain('\r\x1b[2K');
    expect(err).toMatch(/\[#{12}\.{12}\] 1\/2 jobs/);
    expect(err.endsWith('\n')).toBe(true);
  });
});

describe('sessionsentry serve', () => {
  it('serves a saved model on the SageMaker contract until SIGTERM, then exits 0', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-serve-'));
    try {
      const { Booster: B } = await import('../../src/model/booster.js');
      const model = B.fromJSON(readFileSync(path.join(repoRoot, 'test/fixtures/xgboost/hist_basic/model.json'), 'utf8'));
      writeFileSync(path.join(dir, 'model.json'), model.toJSON());
      const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), path.join(repoRoot, 'src/cli/main.ts'), 'serve', '--model', path.join(dir, 'model.json'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /on (http:\/\/[\d.:]+)/.exec(text);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
      });
      expect((await fetch(`${url}/ping`)).status).toBe(200);
      const row = new Array(model.numFeature).fill(0.5);
      const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `${row.join(',')}\n` });
      expect(res.status).toBe(200);
      expect(Number.parseFloat(await res.text())).toBeCloseTo(model.predictRow(row), 6);
      const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sessionsentry demo interrupted', () => {
  it('stops on Ctrl-C (SIGINT) while training, cleans up and exits 1 naming the abort', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-interrupt-'));
    try {
      const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), path.join(repoRoot, 'src/cli/main.ts'), 'demo', '--dir', 'd', '--scale', '0.3', '--workers', '1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (/s {2}train {3}/.test(err)) resolve();
        });
        void exited.then(() => resolve());
      });
      child.kill('SIGINT');
      expect(await exited).toBe(1);
      expect(err).toContain('SIGINT: stopping jobs and deleting what this run created');
      expect(err).toMatch(/sessionsentry demo: RunAbortedError/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
