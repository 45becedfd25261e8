import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalMetric } from '../../src/model/train-params.js';
import { TrainingData } from '../../src/model/training-data.js';
import { type CrossValidationResult, crossValidate } from '../../src/train/cross-validate.js';

// Differential test against XGBoost 1.7.4's xgb.cv (Debian's python3-xgboost at /usr/bin/python3).
// Random data sets (missing values, half of them weighted), random hyperparameters (exact and hist,
// row and column subsampling, regularisation), metric lists and early stopping; the folds are drawn here and given
// to both sides (xgb.cv(folds=…)), rows in random order inside each part. Every mean and std of every
// round is compared bit for bit (float64), and every out-of-fold score bit for bit (float32) against
// xgb.cv's own fold models (kept by a callback) predicting their test rows up to the best round. SESSIONSENTRY_CV_CASES
// sets the case count.

const PYTHON = '/usr/bin/python3';
const here = path.dirname(fileURLToPath(import.meta.url));
const CASES = Number(process.env.SESSIONSENTRY_CV_CASES ?? 40);

const probe = spawnSync(PYTHON, ['-c', 'import xgboost, numpy; print(xgboost.__version__)'], { encoding: 'utf8' });
const version = probe.status === 0 ? probe.stdout.trim() : undefined;
if (version === undefined) {
  console.log(
    `cross-validate-differential: SKIPPED — XGBoost is not installed at ${PYTHON} (apt-get install python3-xgboost)`,
  );
}

/** mulberry32: the test's own seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  readonly dir: string;
  readonly data: TrainingData;
  readonly params: Record<string, number | string>;
  readonly numBoostRound: number;
  readonly metrics: EvalMetric[];
  readonly earlyStoppingRounds: number | null;
  readonly folds: { train: number[]; test: number[] }[];
  readonly description: string;
}

function makeCase(index: number): Case {
  const u = rng(31_337 + index * 7919);
  const rows = 120 + Math.floor(u() * 300);
  const columns = 2 + Math.floor(u() * 6);
  const missing = u() < 0.5 ? u() * 0.2 : 0;
  const values = new Float32Array(rows * columns);
  const labels = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let signal = 0;
    for (let c = 0; c < columns; c++) {
      const v = Math.fround(Math.round((u() * 10 - 3) * 100) / 100);
      values[c * rows + r] = u() < missing ? Number.NaN : v;
      if (c < 2) signal += v;
    }
    labels[r] = signal + (u() - 0.5) * 6 > 3 ? 1 : 0;
  }
  const weighted = u() < 0.5;
  const weights = weighted
    ? Float32Array.from({ length: rows }, () => Math.fround(u() < 0.1 ? 0 : 0.2 + u() * 3))
    : undefined;
  const data = TrainingData.fromColumnMajor(values, labels, weights ? { weight: weights } : {});
  const params: Record<string, number | string> = {
    max_depth: 1 + Math.floor(u() * 6),
    eta: [0.05, 0.1, 0.3, 0.5][Math.floor(u() * 4)]!,
    tree_method: u() < 0.5 ? 'exact' : 'hist',
  };
  if (u() < 0.4) params.subsample = [0.5, 0.7, 0.9][Math.floor(u() * 3)]!;
  if (u() < 0.3) params.min_child_weight = [0.5, 2, 5][Math.floor(u() * 3)]!;
  if (u() < 0.3) params.lambda = [0, 0.5, 3][Math.floor(u() * 3)]!;
  if (u() < 0.3) params.gamma = [0.1, 1][Math.floor(u() * 2)]!;
  if (u() < 0.3) params.seed = Math.floor(u() * 1000);
  if (params.tree_method === 'hist' && u() < 0.5) params.max_bin = [8, 32][Math.floor(u() * 2)]!;
  // Column sampling from a stream of its own, so the other draws of a case stay as they were.
  const v = rng(4242 + index);
  if (v() < 0.4) {
    const kind = ['colsample_bytree', 'colsample_bylevel', 'colsample_bynode'][Math.floor(v() * 3)]!;
    params[kind] = [0.5, 0.8][Math.floor(v() * 2)]!;
  }
  const metricSets: EvalMetric[][] = [
    ['logloss'],
    ['auc'],
    ['error'],
    ['logloss', 'auc'],
    ['auc', 'logloss'],
    ['error', 'logloss', 'auc'],
  ];
  const metrics = metricSets[Math.floor(u() * metricSets.length)]!;
  const earlyStoppingRounds = u() < 0.6 ? 1 + Math.floor(u() * 5) : null;
  const numBoostRound = 5 + Math.floor(u() * 40);
  const nfold = 2 + Math.floor(u() * 4);
  const order = Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const parts = Array.from({ length: nfold }, (_, k) => order.filter((_, i) => i % nfold === k));
  const folds = parts.map((test, k) => ({ test, train: parts.filter((_, j) => j !== k).flat() }));
  const description = `${rows}×${columns}${missing > 0 ? ' missing' : ''}${weighted ? ' weighted' : ''} ${JSON.stringify(params)} ${metrics.join(',')} rounds=${numBoostRound} early=${earlyStoppingRounds} nfold=${nfold}`;
  return { dir: `case-${index}`, data, params, numBoostRound, metrics, earlyStoppingRounds, folds, description };
}

function toCsv(data: TrainingData): string {
  const lines: string[] = [];
  for (let r = 0; r < data.rows; r++) {
    const fields = [String(data.labels[r])];
    if (data.weights) fields.push(String(data.weights[r]));
    for (let c = 0; c < data.columns; c++) {
      const v = data.value(r, c);
      fields.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}

const hex64 = (x: number): string => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return [...new Uint8Array(view.buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
};
const hex32 = (x: number): string => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return view.getUint32(0).toString(16).padStart(8, '0');
};

describe.skipIf(version === undefined)(`crossValidate equals xgb.cv of XGBoost ${version} on the same folds`, () => {
  const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));
  const ours = new Map<string, CrossValidationResult>();
  let root = '';

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cv-diff-'));
    const manifest = cases.map((c) => {
      mkdirSync(path.join(root, c.dir));
      writeFileSync(path.join(root, c.dir, 'data.csv'), toCsv(c.data));
      writeFileSync(path.join(root, c.dir, 'folds.json'), JSON.stringify(c.folds.map((f) => [f.train, f.test])));
      ours.set(
        c.dir,
        crossValidate(c.data, c.params, {
          folds: c.folds,
          numBoostRound: c.numBoostRound,
          metrics: c.metrics,
          ...(c.earlyStoppingRounds === null ? {} : { earlyStoppingRounds: c.earlyStoppingRounds }),
        }),
      );
      return {
        dir: c.dir,
        params: c.params,
        num_boost_round: c.numBoostRound,
        metrics: c.metrics,
        early_stopping_rounds: c.earlyStoppingRounds,
        weighted: c.data.weights !== undefined,
      };
    });
    writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest));
    await promisify(execFile)(PYTHON, [path.join(here, 'cross-validate-differential.py'), root], {
      maxBuffer: 1 << 26,
    });
  }, 600_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it(`has ${CASES} cases, some stopped early and some weighted`, () => {
    expect(cases.filter((c) => c.data.weights !== undefined).length).toBeGreaterThan(0);
    expect([...ours.values()].filter((r) => r.stoppedEarly).length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [c.description, c] as const))(
    'every round’s mean and std, bit for bit, and the rows kept: %s',
    (_d, c) => {
      const reference = JSON.parse(readFileSync(path.join(root, c.dir, 'cv.json'), 'utf8')) as {
        columns: string[];
        values: Record<string, string[]>;
      };
      const result = ours.get(c.dir)!;
      expect(Object.keys(result.history)).toEqual(reference.columns);
      for (const column of reference.columns) {
        expect(result.history[column]!.map(hex64), column).toEqual(reference.values[column]);
      }
    },
  );

  it.each(cases.map((c) => [c.description, c] as const))(
    "out-of-fold scores equal xgb.cv's fold models' predictions at the best round, bit for bit: %s",
    (_d, c) => {
      const reference = JSON.parse(readFileSync(path.join(root, c.dir, 'oof.json'), 'utf8')) as string[][];
      const oof = ours.get(c.dir)!.outOfFold!;
      c.folds.forEach((fold, k) => {
        expect(
          fold.test.map((r) => hex32(oof.scores[r]!)),
          `fold ${k}`,
        ).toEqual(reference[k]);
      });
    },
  );
});
