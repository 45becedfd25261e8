/**
 * The top contributing features of a row ("downloads: +2.1, gap_cv: +0.9"), from TreeSHAP
 * contributions. Checked against XGBoost 1.7.4 (Debian's python3-xgboost at /usr/bin/python3): its
 * `predict(pred_contribs=True)` on the same model and rows, ranked largest first, gives the same
 * features, contributions (float32, bit for bit) and order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { explainRows, formatContributions } from '../../src/model/explain-rows.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';
import { hex32, runPython, xgboostUnavailable } from './model-fixture-helpers.js';

const unavailable = xgboostUnavailable();
if (unavailable !== null) console.log(`explain-rows: SKIPPED the XGBoost comparison — ${unavailable}`);

const NAMES = ['downloads', 'searches', 'views', 'gap_cv', 'session_s', 'logins'];
const ROWS = 120;

function dataset(seed: number): { values: Float64Array; labels: Float64Array } {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const values = new Float64Array(ROWS * NAMES.length);
  const labels = new Float64Array(ROWS);
  for (let r = 0; r < ROWS; r++) {
    for (let j = 0; j < NAMES.length; j++)
      values[r * NAMES.length + j] = next() < 0.08 ? Number.NaN : Math.floor(next() * (4 + 6 * j));
    const d = values[r * NAMES.length]!;
    labels[r] = (Number.isNaN(d) ? 0 : d) + next() * 3 > 4 ? 1 : 0;
  }
  return { values, labels };
}

const { values, labels } = dataset(7);
const data = TrainingData.fromRowMajor(values, NAMES.length, labels, { featureNames: NAMES });
const { booster } = train(data, { max_depth: 4, eta: 0.3, num_round: 12, seed: 1 });
const matrix = { data: values, rows: ROWS, columns: NAMES.length };

const root = mkdtempSync(path.join(os.tmpdir(), 'explain-rows-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('explainRows', () => {
  it('gives, per selected row, the k largest contributions with their feature names and values', () => {
    const picked = [3, 50, 119];
    const explained = explainRows(booster, matrix, { rows: picked, top: 3, names: NAMES });
    expect(explained).toHaveLength(3);
    const full = booster.contributions(matrix);
    picked.forEach((r, i) => {
      const ranked = NAMES.map((feature, j) => ({ feature, j, c: full.data[r * full.columns + j]! }))
        .sort((a, b) => b.c - a.c || a.j - b.j)
        .slice(0, 3);
      expect(explained[i]!.map((e) => e.feature)).toEqual(ranked.map((x) => x.feature));
      expect(explained[i]!.map((e) => e.contribution)).toEqual(ranked.map((x) => x.c));
      expect(explained[i]!.map((e) => e.value)).toEqual(ranked.map((x) => values[r * NAMES.length + x.j]!));
    });
  });

  it('explains every row when no rows are picked, and never lists the bias', () => {
    const all = explainRows(booster, matrix, { top: NAMES.length });
    expect(all).toHaveLength(ROWS);
    for (const row of all) expect(row.map((e) => e.feature).sort()).toEqual([...NAMES].sort());
  });

  it.skipIf(unavailable !== null)(
    'ranks the same features with the same contributions as XGBoost 1.7.4 pred_contribs',
    () => {
      const modelFile = path.join(root, 'model.json');
      writeFileSync(modelFile, booster.toJSON());
      const dataFile = path.join(root, 'rows.f64');
      writeFileSync(dataFile, new Uint8Array(values.buffer));
      const out = runPython(
        String.raw`
import sys, json, numpy as np, xgboost as xgb
b = xgb.Booster(model_file=sys.argv[1])
x = np.fromfile(sys.argv[2], dtype=np.float64).reshape(-1, int(sys.argv[3]))
c = b.predict(xgb.DMatrix(x, missing=np.nan, feature_names=b.feature_names), pred_contribs=True)[:, :-1].astype(np.float32)
top = []
for row in c:
    order = sorted(range(len(row)), key=lambda j: (-float(row[j]), j))[:4]
    top.append([[j, format(int(np.float32(row[j]).view(np.uint32)), '08x')] for j in order])
print(json.dumps(top))
`,
        [modelFile, dataFile, String(NAMES.length)],
      );
      const theirs = JSON.parse(out.trim().split('\n').pop()!) as [number, string][][];
      const ours = explainRows(booster, matrix, { top: 4, names: NAMES });
      expect(ours.map((row) => row.map((e) => [NAMES.indexOf(e.feature), hex32(e.contribution)]))).toEqual(theirs);
    },
  );

  it('refuses a bad top, a row out of range and names of the wrong length, before any work', () => {
    expect(() => explainRows(booster, matrix, { top: 0 })).toThrow(InvalidArgumentError);
    expect(() => explainRows(booster, matrix, { top: 1.5 })).toThrow(/top must be an integer ≥ 1/);
    expect(() => explainRows(booster, matrix, { rows: [ROWS] })).toThrow(/rows\[0\] must be a row index in \[0, 119\]/);
    expect(() => explainRows(booster, matrix, { names: ['a'] })).toThrow(/names must be 6 feature names/);
  });
});

describe('formatContributions', () => {
  it('writes "name: +value" pairs with signs, as an alert line shows them', () => {
    expect(
      formatContributions([
        { feature: 'downloads', contribution: 2.104, value: 14 },
        { feature: 'gap_cv', contribution: 0.9, value: 0.2 },
        { feature: 'logins', contribution: -0.0312, value: 1 },
      ]),
    ).toBe('downloads: +2.1, gap_cv: +0.9, logins: -0.031');
  });
});

describe('explainRows input', () => {
  it('takes a Float32Array matrix as Booster.contributions does', () => {
    const f32 = { data: Float32Array.from(values), rows: ROWS, columns: NAMES.length };
    expect(explainRows(booster, f32, { rows: [5], top: 2 })).toEqual(
      explainRows(booster, matrix, { rows: [5], top: 2 }),
    );
  });
});
