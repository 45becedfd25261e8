import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { ProgressDisplay } from '../../src/cli/progress-display.js';
import { readCsv } from '../../src/frame/csv-read.js';
import { readModelDirectory, writeModelDirectory } from '../../src/experiment/model-directory.js';
import { readEventLog } from '../../src/events/read-event-log.js';
import { SessionFlattener } from '../../src/sessions/session-flattener.js';
import { truncateLog } from '../../src/sessions/truncation.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { captureIO } from './capture-io.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ALL = [
  'generate',
  'flatten',
  'split',
  'train',
  'tune',
  'evaluate',
  'importance',
  'report',
  'serve',
  'score',
  'replay',
  'run',
  'demo',
];

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
    expect(unknown.err).toMatch(/^sessionsentry: unknown command "frobnicate"\n/);
    expect((await cli(repoRoot)).code).toBe(2);
    const typo = await cli(repoRoot, 'tarin');
    expect([typo.code, typo.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry: unknown command "tarin" (did you mean "train"?)',
    ]);
  });

  it('exits 1 naming a log file that does not exist, as it names a bad line: "error: <file>: no such file"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-missing-'));
    try {
      const missing = await cli(dir, 'flatten', 'nothere.txt', '--out', 'features.csv');
      expect([missing.code, missing.err]).toEqual([
        1,
        `sessionsentry flatten: error: ${path.join(dir, 'nothere.txt')}: no such file\n`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints package.json's version with --version, which the help lists", async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await cli(repoRoot, '--version')).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
    expect((await cli(repoRoot, '--help')).out).toMatch(/^ {2}-v, --version {2}print the version$/m);
  });

  it('exits 2 in its own words when split fractions do not add up, and takes a missing one as the remainder', async () => {
    const bad = await cli(repoRoot, 'split', 'f.csv', '--out', 'x', '--train', '0.8', '--validation', '0.3');
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry split: --train and --validation add up to more than 1',
    ]);
    const sum = await cli(
      repoRoot,
      'split',
      'f.csv',
      '--out',
      'x',
      '--train',
      '0.5',
      '--validation',
      '0.2',
      '--test',
      '0.2',
    );
    expect(sum.code).toBe(2);
    expect(sum.err).toMatch(/must add up to 1/);
  });

  it('exits 2 naming the option for an unknown option, a bad number or a missing required option', async () => {
    const unknown = await cli(repoRoot, 'generate', '--sead', '3');
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n')[0]).toBe('sessionsentry generate: unknown option --sead (did you mean --seed?)');
    expect(unknown.err).toContain('Usage: sessionsentry generate');
    const bad = await cli(repoRoot, 'generate', '--scale', 'big');
    expect([bad.code, bad.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry generate: --scale must be a number ≥ 0.001 and ≤ 100, got "big"',
    ]);
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
    for (const f of generated.summary)
      expect(readFileSync(path.join(dir, 'data', f.name), 'utf8')).toBe(generated.files[f.name].text);
    const { out } = await cli(dir, 'generate', '--out', 'data2', '--seed', '11', '--scale', '0.1');
    expect(out.split('\n')[2]).toBe(
      `data2/mixed-1.txt\t${generated.files['mixed-1.txt'].summary.events}\t${generated.files['mixed-1.txt'].summary.sessions}\t${generated.files['mixed-1.txt'].summary.attackerSessions}\t${generated.files['mixed-1.txt'].summary.firstTime}\t${generated.files['mixed-1.txt'].summary.lastTime}`,
    );
  });

  it('fails with exit 1 and the file, line and column on stderr for a malformed log line', async () => {
    writeFileSync(
      path.join(dir, 'bad.txt'),
      'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n1\t2019-07-01 00:00:00\t1\t1\t1\t111\t0\n1\tyesterday\t1\t1\t1\t111\t0\n',
    );
    const { code, err } = await cli(dir, 'flatten', 'bad.txt', '--out', 'bad.csv');
    expect(code).toBe(1);
    expect(err).toMatch(
      new RegExp(
        `^sessionsentry flatten: error: ${path.join(dir, 'bad.txt').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:2: column LogTime`,
      ),
    );
  });

  it('generate → flatten → split → train → evaluate → report → score → replay run with no hand-made files, each step reading what the last wrote', async () => {
    const training = ['data/known-attacker.txt', 'data/mixed-1.txt', 'data/mixed-2.txt', 'data/mixed-3.txt'];
    // flatten creates its output folder and writes the schema and its record beside the CSV.
    const flat = await cli(dir, 'flatten', ...training, '--truncation', 'first10', '--out', 'feat/first10.csv');
    expect(flat.err).toContain('feature schema: feat/first10.features.json');
    expect(flat.code).toBe(0);
    const sessions = generated.summary.filter((f) => f.name !== 'single.txt').reduce((a, f) => a + f.sessions, 0);
    const attackers = generated.summary
      .filter((f) => f.name !== 'single.txt')
      .reduce((a, f) => a + f.attackerSessions, 0);
    const features = await readCsv(path.join(dir, 'feat/first10.csv'));
    expect(features.rowCount).toBe(sessions);
    expect(features.columnNames.slice(0, 2)).toEqual(['SessionNo', 'BadActor']);
    expect(JSON.parse(readFileSync(path.join(dir, 'feat/first10.flatten.json'), 'utf8')).truncation).toEqual({
      kind: 'firstN',
      n: 10,
    });

    // A missing --test is the remainder.
    const split = await cli(
      dir,
      'split',
      'feat/first10.csv',
      '--out',
      'csv',
      '--train',
      '0.6',
      '--validation',
      '0.2',
      '--seed',
      '3',
    );
    expect(split.code).toBe(0);
    const parts = split.out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(parts.map((p) => p[0])).toEqual([
      'csv/first10/train.csv',
      'csv/first10/validation.csv',
      'csv/first10/test.csv',
    ]);
    expect(parts.reduce((a, p) => a + Number.parseInt(p[1]!, 10), 0)).toBe(sessions);
    expect(parts.reduce((a, p) => a + Number.parseInt(p[2]!, 10), 0)).toBe(attackers);
    const firstRow = readFileSync(path.join(dir, 'csv/first10/train.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(firstRow.length).toBe(features.columnNames.length - 1);
    expect(['0', '1']).toContain(firstRow[0]);

    // train: the model directory (truncation and schema carried from flatten), scores of validation and test.
    const train = await cli(
      dir,
      'train',
      'csv/first10',
      '--out',
      'models',
      '--hp',
      'num_round=8',
      '--hp',
      'tree_method=hist',
      '--workers',
      '1',
    );
    expect(train.err).not.toMatch(/failed/);
    expect(train.code).toBe(0);
    expect(train.out).toMatch(/^models\/first10\ttrained in [\d.]+ s\tthresholds /m);
    const model = await readModelDirectory(path.join(dir, 'models/first10'));
    expect(model.booster.numTrees).toBe(8);
    expect(model.truncation).toEqual({ kind: 'firstN', n: 10 });
    expect(model.hyperparameters).toMatchObject({ max_depth: '5', eta: '0.2', num_round: '8', tree_method: 'hist' });
    expect(model.operatingPoints.map((p) => p.rule)).toEqual([
      { maxFalsePositiveRate: 0.05 },
      { maxFalsePositiveRate: 0.005 },
    ]);
    const validationScores = await readCsv(path.join(dir, 'models/scores/first10.validation.csv'), {
      columnTypes: { SessionNo: 'string' },
    });
    expect(validationScores.columnNames).toEqual(['SessionNo', 'label', 'score']);
    expect(validationScores.rowCount).toBe(Number.parseInt(parts[1]![1]!, 10));
    expect(existsSync(path.join(dir, 'models/.work'))).toBe(false);

    // evaluate chooses the threshold on validation scores: the model's saved FPR ≤ 5% threshold.
    const evaluate = await cli(
      dir,
      'evaluate',
      '--validation',
      'models/scores/first10.validation.csv',
      '--test',
      'models/scores/first10.test.csv',
      '--json',
    );
    expect(evaluate.code).toBe(0);
    const result = JSON.parse(evaluate.out) as {
      threshold: number;
      chosenOn: string;
      test: { tp: number; fn: number; total: number };
    };
    expect(result.chosenOn).toBe('validation');
    expect(result.threshold).toBe(model.operatingPoints[0]!.threshold);
    expect(result.test.total).toBe(Number.parseInt(parts[2]![1]!, 10));

    // report on the models folder: both default operating points, what the job is, its features, provenance.
    const report = await cli(dir, 'report', 'models');
    expect(report.code).toBe(0);
    expect(report.out).toMatch(
      /^## Test scores at the operating point FPR ≤ 5% \(chosen on validation data\)\n\nexperiment .*\nfirst10 /m,
    );
    expect(report.out).toContain('## Test scores at the operating point FPR ≤ 0.5% (chosen on validation data)');
    const html = readFileSync(path.join(dir, 'models/report.html'), 'utf8');
    expect(html).toContain('<dt>first10</dt><dd>trained on the first 10 events of each session</dd>');
    expect(html).toContain('Comparison at the operating point FPR ≤ 0.5% (chosen on validation data) (test data)');
    expect(html).toContain('id="feature-importance"');
    expect(html).toMatch(/<tr><th>hyperparameters<\/th><td>[^<]*num_round=8/);

    // score applies the model's truncation (first10) and threshold without flags.
    const score = await cli(dir, 'score', '--model', 'models/first10', 'data/single.txt', '--out', 'scores/single.csv');
    expect(score.code).toBe(0);
    expect(score.err).toContain('sessions cut as firstN(10)');
    const scored = await readCsv(path.join(dir, 'scores/single.csv'), { columnTypes: { SessionNo: 'string' } });
    expect(scored.columnNames).toEqual(['SessionNo', 'label', 'score', 'alert']);
    expect(scored.rowCount).toBe(generated.files['single.txt'].summary.sessions);
    const alerts = scored.numbers('alert');
    const probabilities = scored.numbers('score');
    for (let i = 0; i < alerts.length; i++)
      expect(alerts[i]).toBe(probabilities[i]! >= model.operatingPoints[0]!.threshold ? 1 : 0);
    // The same scores as flattening the first 10 events of each test session by hand.
    const flattener = SessionFlattener.fromSchema(model.schema);
    const log = await readEventLog(path.join(dir, 'data/single.txt'));
    const expected = model.booster.predict(
      flattener.flatten(truncateLog(log, { kind: 'firstN', n: 10 })).select(flattener.featureNames),
    );
    expect(Array.from(probabilities)).toEqual(Array.from(expected, (v) => Number(String(v))));
    // An action code the model never saw is counted, and the warning counts in words that agree with the number.
    writeFileSync(
      path.join(dir, 'data/unseen.txt'),
      'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n' +
        '7\t2019-08-14 00:00:01.000\t1\t1\t1\t999999\t0\n' +
        '7\t2019-08-14 00:00:02.000\t1\t1\t1\t999999\t0\n' +
        '8\t2019-08-14 00:00:03.000\t2\t2\t2\t999998\t0\n',
    );
    const unseen = await cli(
      dir,
      'score',
      '--model',
      'models/first10',
      'data/unseen.txt',
      '--out',
      'scores/unseen.csv',
    );
    expect(unseen.code).toBe(0);
    expect(unseen.err).toContain(
      "warning: 3 events have action codes the model's vocabulary lacks (counted in other_actions)\n",
    );
    writeFileSync(
      path.join(dir, 'data/unseen-one.txt'),
      'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n7\t2019-08-14 00:00:01.000\t1\t1\t1\t999999\t0\n',
    );
    const one = await cli(dir, 'score', '--model', 'models/first10', 'data/unseen-one.txt', '--out', 'scores/one.csv');
    expect(one.err).toMatch(/^1 session scored \(sessions cut as firstN\(10\)\), [01] alerts? at threshold /);
    expect(one.err).toContain(
      "warning: 1 event has an action code the model's vocabulary lacks (counted in other_actions)\n",
    );
    // A conflicting --truncation is an error, not a silent choice.
    const conflict = await cli(dir, 'score', '--model', 'models/first10', '--truncation', 'last5', 'data/single.txt');
    expect([conflict.code, conflict.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry score: --truncation last5 conflicts with the model, which was trained on firstN(10) (leave --truncation out: a model directory brings its own)',
    ]);

    const replay = await cli(dir, 'replay', '--model', 'models/first10', 'data/single.txt', '--json');
    expect(replay.code).toBe(0);
    const replayed = JSON.parse(replay.out) as { threshold: number; sessions: number };
    expect(replayed.threshold).toBe(model.operatingPoints[0]!.threshold);
    expect(replayed.sessions).toBe(generated.files['single.txt'].summary.sessions);
  });

  it('refuses an output that is an input, and an existing output without --force', async () => {
    const same = await cli(dir, 'flatten', 'data/single.txt', '--out', 'data/single.txt');
    expect(same.code).toBe(2);
    const self = await cli(dir, 'flatten', 'data/mixed-3.txt', '--out', 'self.csv', '--schema-out', 'data/mixed-3.txt');
    expect([self.code, self.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry flatten: refusing to write data/mixed-3.txt: it is one of the inputs',
    ]);
    expect(readFileSync(path.join(dir, 'data/mixed-3.txt'), 'utf8')).toBe(generated.files['mixed-3.txt'].text);
    expect((await cli(dir, 'flatten', 'data/mixed-3.txt', '--out', 'again.csv')).code).toBe(0);
    const again = await cli(dir, 'flatten', 'data/mixed-3.txt', '--out', 'again.csv');
    expect([again.code, again.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry flatten: again.csv exists (pass --force to overwrite it)',
    ]);
    expect((await cli(dir, 'flatten', 'data/mixed-3.txt', '--out', 'again.csv', '--force')).code).toBe(0);
  });

  it('checks hyperparameters before reading anything, suggesting the closest name once', async () => {
    const { code, err } = await cli(dir, 'train', 'no-such-folder', '--out', 'm', '--hp', 'max_dept=3');
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe(
      'sessionsentry train: --hp max_dept: must be a parameter XGBoost 1.7 knows (no such parameter), got "3" (did you mean "max_depth"?)',
    );
  });

  it('takes colsample_bytree in (0, 1] through --hp and names it when out of range, suggesting it for a typo', async () => {
    const zero = await cli(dir, 'train', 'no-such-folder', '--out', 'm', '--hp', 'colsample_bytree=0');
    expect([zero.code, zero.err.split('\n')[0]]).toEqual([
      2,
      'sessionsentry train: --hp colsample_bytree: must be a number in (0, 1], got "0"',
    ]);
    const typo = await cli(dir, 'train', 'no-such-folder', '--out', 'm', '--hp', 'colsample_bynod=0.5');
    expect(typo.err.split('\n')[0]).toContain('(did you mean "colsample_bynode"?)');
    // A valid ratio passes the check; the command then fails on the missing folder, not on --hp.
    const half = await cli(dir, 'train', 'no-such-folder', '--out', 'm', '--hp', 'colsample_bytree=0.5');
    expect(half.err.split('\n')[0]).toBe(
      'sessionsentry train: "no-such-folder" has no train.csv with rows (write one with sessionsentry split)',
    );
  });

  it('flatten reads a log with other column names and no times through --log-schema, leaving timing features out', async () => {
    writeFileSync(
      path.join(dir, 'blocks.csv'),
      'BlockId,seq,EventId,Label\nb1,2,E5,0\nb1,1,E22,0\nb2,1,E5,1\nb2,2,E5,1\nb2,3,E9,1\n',
    );
    const { code } = await cli(
      dir,
      'flatten',
      'blocks.csv',
      '--log-schema',
      '{"session":"BlockId","action":"EventId","label":"Label","order":"seq","time":null}',
      '--out',
      'blocks-features.csv',
    );
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
  it("shows each running job's rounds, validation metric and time left on a terminal, and the final rounds and metric in logs", () => {
    const tty = captureIO('/', { tty: true });
    const display = new ProgressDisplay(tty, 2, { tty: true });
    display.stage('train', '2 jobs');
    display.progress({
      job: 'first10',
      resource: 'TrainingJob',
      name: 'x-first10',
      state: 'InProgress',
      elapsedMs: 1000,
      training: { round: 10, rounds: 50, metrics: { 'train-logloss': 0.1, 'validation-logloss': 0.07126 } },
    });
    display.progress({
      job: 'first10',
      resource: 'TrainingJob',
      name: 'x-first10',
      state: 'InProgress',
      elapsedMs: 1200,
      training: { round: 12, rounds: 50, metrics: { 'train-logloss': 0.1, 'validation-logloss': 0.07126 } },
    });
    display.progress({
      job: 'last5',
      resource: 'TrainingJob',
      name: 'x-last5',
      state: 'InProgress',
      elapsedMs: 0,
      detail: 'Downloading',
    });
    display.done();
    // The line is cut to the terminal's width (120 columns here).
    expect(tty.err()).toMatch(/0\/2 jobs {2}first10 10\/50 validation-logloss 0\.0713\r/);
    expect(tty.err()).toMatch(/0\/2 jobs {2}first10 12\/50 validation-logloss 0\.0713 ~[\d.]+ s left · last5 Down/);
    const log = captureIO('/');
    const plain = new ProgressDisplay(log, 1);
    plain.stage('train', '1 job');
    plain.progress({
      job: 'first10',
      resource: 'TrainingJob',
      name: 'x-first10',
      state: 'InProgress',
      elapsedMs: 500,
      training: { round: 50, rounds: 50, metrics: { 'validation-logloss': 0.05 } },
    });
    plain.progress({ job: 'first10', resource: 'TrainingJob', name: 'x-first10', state: 'Completed', elapsedMs: 600 });
    expect(log.err()).toMatch(/trained first10 in 0\.6 s, 50 rounds validation-logloss 0\.0500 \(1\/1\)\n$/);
    expect(log.err()).not.toContain('\r');
  });

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
      const model = B.fromJSON(
        readFileSync(path.join(repoRoot, 'test/fixtures/xgboost/hist_basic/model.json'), 'utf8'),
      );
      writeFileSync(path.join(dir, 'model.json'), model.toJSON());
      const child = spawn(
        process.execPath,
        [
          path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
          path.join(repoRoot, 'src/cli/main.ts'),
          'serve',
          '--model',
          path.join(dir, 'model.json'),
          '--port',
          '0',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
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
      const res = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: `${row.join(',')}\n`,
      });
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

describe('sessionsentry serve --live --json', () => {
  it('takes the documented POST /events body and prints each alert as one JSON line on standard output', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-serve-live-'));
    try {
      const { liveFixture } = await import('../serve/live-fixture.js');
      const fixture = liveFixture({ seed: 3, sessions: 200, features: { timing: true }, rounds: 3 });
      await writeModelDirectory(path.join(dir, 'm'), {
        name: 'm',
        model: fixture.booster.toTarGz(),
        schema: fixture.schema,
      });
      const child = spawn(
        process.execPath,
        [
          path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
          path.join(repoRoot, 'src/cli/main.ts'),
          'serve',
          '--live',
          '--json',
          '--threshold',
          '0',
          '--model',
          path.join(dir, 'm'),
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
      // The body exactly as the --help text shows it.
      const action = fixture.schema.vocabulary[0]!;
      const body = `{"SessionNo":"s1","LogTime":"2019-07-01 12:34:56.789","Act":"${action}","CustID":"c9"}\n`;
      const res = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { sessions: { session: string; alert: boolean }[] };
      expect(answer.sessions).toMatchObject([{ session: 's1', alert: true }]);
      // The alert line is written when the event is scored; wait for it, however long a busy machine takes.
      await new Promise<void>((resolve) => {
        const whenLine = (): void => {
          if (!out.includes('\n')) return;
          child.stdout.off('data', whenLine);
          resolve();
        };
        child.stdout.on('data', whenLine);
        whenLine();
      });
      const exit = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { alert: { session: string; customer: string; eventsSeen: number } });
      expect(lines).toMatchObject([{ alert: { session: 's1', customer: 'c9', eventsSeen: 1 } }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sessionsentry demo interrupted', () => {
  it('stops on Ctrl-C (SIGINT) while training, removes what the run created and exits 130', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-interrupt-'));
    try {
      // The run's own temporary folder, so folders other runs leave in the system one do not count.
      const temp = path.join(dir, 'tmp');
      mkdirSync(temp);
      // `node --import tsx`, as `npm run demo` runs it: the tsx command would relay the signal from a
      // parent process and kill the run outright when its thread is busy for more than a few ms.
      const child = spawn(
        process.execPath,
        [
          '--import',
          pathToFileURL(path.join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href,
          path.join(repoRoot, 'src/cli/main.ts'),
          'demo',
          '--out',
          'd',
          '--scale',
          '0.3',
          '--workers',
          '1',
        ],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: temp } },
      );
      let err = '';
      // 'close', not 'exit': the last lines of standard error may arrive after the process has exited.
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // Signalled on an event that proves the run is mid-training: the first job has
      // trained on the single worker, so the others are still queued or running (and the handler is set).
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString();
          if (/trained \S+ in [\d.]+ s.*\(1\/\d+\)/.test(err)) resolve();
        });
        void exited.then(() => resolve());
      });
      expect(child.exitCode, 'the demo ended before the first job trained').toBeNull();
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(err).toContain('SIGINT: stopping jobs and deleting what this run created');
      expect(err).toMatch(/sessionsentry demo: interrupted by SIGINT; removed what this run created: d\n/);
      expect(existsSync(path.join(dir, 'd'))).toBe(false);
      expect(readdirSync(temp).filter((f) => f.startsWith('sessionsentry-'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
