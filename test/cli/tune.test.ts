import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { TrainingData } from '../../src/model/training-data.js';
import { crossValidate } from '../../src/train/cross-validate.js';
import { makeFolds } from '../../src/train/cv-folds.js';
import { captureIO } from './capture-io.js';

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(cwd);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const root = mkdtempSync(path.join(tmpdir(), 'ss-tune-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A split folder's train.csv (label first, no header), rare positives with a signal. */
function channel(rows: number): string {
  let s = 5;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const y = u() < 0.15 ? 1 : 0;
    lines.push([y, (y * 0.8 + u()).toFixed(3), u().toFixed(3), (y * u() + u()).toFixed(3)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe('sessionsentry tune', () => {
  beforeAll(() => {
    mkdirSync(path.join(root, 'csv/first10'), { recursive: true });
    writeFileSync(path.join(root, 'csv/first10/train.csv'), channel(400));
  });

  it('runs a grid search on a split folder, prints every trial and the best, writes tune.csv and tune.json whose scores equal crossValidate on the same folds', async () => {
    const { code, out, err } = await cli(
      root,
      'tune',
      'csv/first10',
      '--param',
      'max_depth=1,3',
      '--hp',
      'subsample=1',
      '--rounds',
      '30',
      '--nfold',
      '4',
      '--seed',
      '2',
      '--workers',
      '2',
      '--out',
      'tuning',
    );
    expect(err).toMatch(/^\[1\/2\] trial \d {2}max_depth=\d {2}score /m);
    expect(code).toBe(0);
    expect(out).toMatch(/trial\s+max_depth\s+test-logloss\s+test-logloss-std\s+rounds\s+seconds/);
    expect(out).toMatch(/^best: trial \d \(test-logloss /m);
    expect(out).toMatch(/^best hyperparameters: --hp max_depth=\d --hp eta=0\.2 .*--hp num_round=\d+$/m);
    const csv = readFileSync(path.join(root, 'tuning/tune.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('trial,max_depth,test-logloss,test-logloss-std,rounds,seconds,error');
    expect(csv).toHaveLength(3);
    const data = TrainingData.fromCsv(readFileSync(path.join(root, 'csv/first10/train.csv'), 'utf8'));
    const folds = makeFolds(data.labels, { nfold: 4, stratified: true, seed: 2 });
    for (const line of csv.slice(1)) {
      const [, depth, score, , rounds] = line.split(',');
      const cv = crossValidate(
        data,
        { max_depth: depth!, eta: '0.2', gamma: '4', min_child_weight: '6', subsample: '1' },
        { folds, numBoostRound: 30, earlyStoppingRounds: 10, metrics: 'logloss' },
      );
      expect(Number(score)).toBe(cv.bestScore);
      expect(Number(rounds)).toBe(cv.bestIteration + 1);
    }
    const json = JSON.parse(readFileSync(path.join(root, 'tuning/tune.json'), 'utf8')) as {
      bestHyperparameters: Record<string, string>;
      trials: unknown[];
    };
    expect(json.trials).toHaveLength(2);
    expect(json.bestHyperparameters.subsample).toBe('1');
  });

  it.each([
    [['csv/first10'], 'give the search space'],
    [['csv/first10', '--param', 'max_dept=3,4'], 'space.max_dept'],
    [['csv/first10', '--param', 'max_dept=3,4'], '(did you mean "max_depth"?)'],
    [['csv/first10', '--param', 'max_depth=3', '--objective', 'rmse'], '--objective must be'],
    [['csv/first10', '--param', 'max_depth=3', '--nfold', '1'], '--nfold'],
    [['csv/first10', '--param', 'max_depth=3', '--nfold', '200'], 'nfold must be at most the number of positive rows'],
    [['csv/first10', '--param', 'eta=0.1..0.3', '--strategy', 'grid'], 'space.eta must be a list'],
    [['csv/first10', '--space', '{"max_depth": '], '--space is not valid JSON'],
  ])('refuses bad input with a usage error (exit 2) before any trial: %j', async (argv, message) => {
    const { code, err } = await cli(root, 'tune', ...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).not.toMatch(/^\[1\//m);
  });
});
