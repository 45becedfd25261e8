import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { compileForest } from '../../src/serve/compiled-forest.js';
import { createRandom } from '../../src/random/random.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/xgboost');
const MODELS = ['hist_basic', 'hist_regularized', 'hist_subsample0.8_seed7', 'hist_nan', 'exact_gamma1'];

function readData(file: string): Float64Array[] {
  const lines = readFileSync(path.join(fixtures, file), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) =>
    Float64Array.from(line.split(',').slice(0, 4), (v) => (v === '' ? Number.NaN : Number(v))),
  );
}

function float32Hex(v: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v);
  return view.getUint32(0).toString(16).padStart(8, '0');
}

describe('compileForest', () => {
  it.each(MODELS)(
    'reproduces XGBoost 1.7.4 probabilities bit for bit on the golden fixture %s (missing values included)',
    (name) => {
      const booster = Booster.fromJSON(readFileSync(path.join(fixtures, name, 'model.json'), 'utf8'));
      const score = compileForest(booster);
      expect(score).not.toBeNull();
      const rows = readData(name === 'hist_nan' ? 'data_with_nan.csv' : 'data.csv');
      const expected = readFileSync(path.join(fixtures, name, 'predictions.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[3]);
      expect(expected.length).toBe(rows.length);
      rows.forEach((row, i) => expect(float32Hex(score!(row))).toBe(expected[i]));
    },
  );

  it('equals Booster.predictRow on random rows with missing values and on short rows', () => {
    const booster = Booster.fromJSON(readFileSync(path.join(fixtures, 'hist_nan', 'model.json'), 'utf8'));
    const score = compileForest(booster)!;
    const random = createRandom(9);
    for (let i = 0; i < 2000; i++) {
      const row = Float64Array.from({ length: 4 }, () =>
        random.next() < 0.2 ? Number.NaN : random.int(0, 12) + (random.next() < 0.3 ? 0.5 : 0),
      );
      expect(score(row)).toBe(booster.predictRow(row));
    }
    expect(score([3])).toBe(booster.predictRow([3]));
  });

  it('compiles a Booster once: scorers over the same model share the function, another Booster gets its own', () => {
    const json = readFileSync(path.join(fixtures, 'hist_basic', 'model.json'), 'utf8');
    const booster = Booster.fromJSON(json);
    const again = Booster.fromJSON(json);
    expect(compileForest(booster)).toBe(compileForest(booster));
    expect(compileForest(again)).not.toBe(compileForest(booster));
    const row = [2, 1, 0, 1];
    expect(compileForest(again)!(row)).toBe(booster.predictRow(row));
  });

  it('uses best_ntree_limit as predictRow does', () => {
    const json = JSON.parse(readFileSync(path.join(fixtures, 'hist_basic', 'model.json'), 'utf8'));
    json.learner.attributes = { ...(json.learner.attributes ?? {}), best_ntree_limit: '3' };
    const booster = Booster.fromJSON(json);
    const full = compileForest(
      Booster.fromJSON(readFileSync(path.join(fixtures, 'hist_basic', 'model.json'), 'utf8')),
    )!;
    const limited = compileForest(booster)!;
    const row = [2, 1, 0, 1];
    expect(limited(row)).toBe(booster.predictRow(row));
    expect(limited(row)).not.toBe(full(row));
  });
});
