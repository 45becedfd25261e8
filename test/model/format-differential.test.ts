/**
 * Differential test against real XGBoost 1.7.4 (Debian's python3-xgboost at /usr/bin/python3):
 * random small models of every kind (exact/hist/approx, depth 1-8, NaN, imbalance, gamma, alpha,
 * lambda, subsample, max_bin, base_score, scale_pos_weight, early stopping) are saved by XGBoost as
 * JSON, UBJSON and legacy binary; each is read here and must predict XGBoost's margins,
 * probabilities and leaf ids bit for bit, on fresh rows and on values exactly on and one ulp around
 * every split threshold. Then the models written here (JSON, UBJSON, binary) are loaded by XGBoost
 * and must predict the same margins. Skips with a message when XGBoost is not installed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { readModelJSON, writeModelJSON } from '../../src/model/model-json.js';
import { readModelUBJSON, writeModelUBJSON } from '../../src/model/model-ubjson.js';
import { readModelBinary, writeModelBinary } from '../../src/model/model-binary.js';
import { flattenModel } from '../../src/model/predict.js';
import { expectModelsBitwiseEqual, hex32, repoRoot, runPython, xgboostUnavailable } from './model-fixture-helpers.js';

const CASES = 30;
const SEED = 20240611;
const unavailable = xgboostUnavailable();
if (unavailable !== null) console.warn(`format differential test skipped: ${unavailable}`);
const script = readFileSync(path.join(repoRoot, 'test/model/format-differential.py'), 'utf8');

interface Meta {
  rows: number;
  columns: number;
  num_trees: number;
  best_ntree_limit: number;
  params: Record<string, unknown>;
}

function typed<T>(file: string, Ctor: { new (b: ArrayBuffer): T }): T {
  const b = readFileSync(file);
  return new Ctor(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

describe.skipIf(unavailable !== null)(
  'differential: models saved by XGBoost 1.7.4 in every format (skipped without XGBoost 1.7.4 in /usr/bin/python3)',
  () => {
    let root = '';
    beforeAll(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'format-differential-'));
      runPython(script, ['make', root, String(CASES), String(SEED)]);
    }, 120_000);
    afterAll(() => {
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it(`reads each of ${CASES} random models from JSON, UBJSON and legacy binary to identical trees`, () => {
      for (let k = 0; k < CASES; k++) {
        const dir = path.join(root, `case${k}`);
        const fromJson = readModelJSON(readFileSync(path.join(dir, 'model.json'), 'utf8'));
        expectModelsBitwiseEqual(
          readModelUBJSON(new Uint8Array(readFileSync(path.join(dir, 'model.ubj')))),
          fromJson,
          `case ${k} ubj`,
        );
        expectModelsBitwiseEqual(
          readModelBinary(new Uint8Array(readFileSync(path.join(dir, 'xgboost-model')))),
          fromJson,
          `case ${k} binary`,
        );
      }
      console.log(`format differential: compared ${CASES} XGBoost 1.7.4 models in 3 formats`);
    });

    it('writes JSON, UBJSON and legacy binary byte-identical to the files XGBoost 1.7.4 saved', () => {
      for (let k = 0; k < CASES; k++) {
        const dir = path.join(root, `case${k}`);
        const json = readFileSync(path.join(dir, 'model.json'), 'utf8');
        const ubj = readFileSync(path.join(dir, 'model.ubj'));
        const bin = readFileSync(path.join(dir, 'xgboost-model'));
        expect(writeModelJSON(readModelJSON(json)), `case ${k} json`).toBe(json);
        expect(Buffer.from(writeModelUBJSON(readModelUBJSON(new Uint8Array(ubj)))).equals(ubj), `case ${k} ubj`).toBe(
          true,
        );
        expect(
          Buffer.from(writeModelBinary(readModelBinary(new Uint8Array(bin)))).equals(bin),
          `case ${k} binary`,
        ).toBe(true);
      }
    });

    it('predicts XGBoost margins, probabilities and leaf ids bit for bit, on and around every threshold', () => {
      let rowsCompared = 0;
      let deepForests = 0;
      for (let k = 0; k < CASES; k++) {
        const dir = path.join(root, `case${k}`);
        const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
        const booster = Booster.load(new Uint8Array(readFileSync(path.join(dir, 'model.ubj'))));
        if (flattenModel(booster.model).complete === null) deepForests++;
        const data = typed(path.join(dir, 'x.f64'), Float64Array);
        const matrix = { data, rows: meta.rows, columns: meta.columns };
        const all = { ntreeLimit: 0 };
        const label = `case ${k} ${JSON.stringify(meta.params)}`;
        expect(Array.from(booster.predictMargin(matrix, all), hex32), label).toEqual(
          Array.from(typed(path.join(dir, 'margin.f32'), Float32Array), hex32),
        );
        expect(Array.from(booster.predict(matrix, all), hex32), label).toEqual(
          Array.from(typed(path.join(dir, 'prob.f32'), Float32Array), hex32),
        );
        expect(Array.from(booster.predictLeaf(matrix, all)), label).toEqual(
          Array.from(typed(path.join(dir, 'leaves.i32'), Int32Array)),
        );
        for (let r = 0; r < meta.rows; r += 7) {
          const row = data.subarray(r * meta.columns, (r + 1) * meta.columns);
          expect(hex32(booster.predictRowMargin(row, all)), `${label} row ${r}`).toBe(
            hex32(typed(path.join(dir, 'margin.f32'), Float32Array)[r]!),
          );
        }
        rowsCompared += meta.rows;
      }
      console.log(`format differential: ${rowsCompared} rows compared with XGBoost predictions`);
      expect(deepForests, 'cases with trees deeper than the fast kernels take (node-table walk)').toBeGreaterThan(0);
    });

    it('honours best_ntree_limit by default, as the SageMaker container predicts', () => {
      let earlyStopped = 0;
      for (let k = 0; k < CASES; k++) {
        const dir = path.join(root, `case${k}`);
        const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
        const booster = Booster.load(new Uint8Array(readFileSync(path.join(dir, 'xgboost-model'))));
        expect(booster.bestNtreeLimit).toBe(meta.best_ntree_limit);
        if (meta.best_ntree_limit < meta.num_trees) earlyStopped++;
        const matrix = { data: typed(path.join(dir, 'x.f64'), Float64Array), rows: meta.rows, columns: meta.columns };
        expect(Array.from(booster.predict(matrix), hex32), `case ${k}`).toEqual(
          Array.from(typed(path.join(dir, 'prob_best.f32'), Float32Array), hex32),
        );
        expect(Array.from(booster.predict(matrix, { ntreeLimit: meta.best_ntree_limit }), hex32)).toEqual(
          Array.from(typed(path.join(dir, 'prob_best.f32'), Float32Array), hex32),
        );
      }
      expect(earlyStopped).toBeGreaterThan(0);
    });

    it('treats absent trailing columns as missing, as XGBoost does', () => {
      for (let k = 0; k < CASES; k++) {
        const dir = path.join(root, `case${k}`);
        const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
        if (meta.columns < 2) continue;
        const booster = Booster.fromJSON(readFileSync(path.join(dir, 'model.json'), 'utf8'));
        const data = typed(path.join(dir, 'x.f64'), Float64Array);
        const narrow = new Float64Array(meta.rows * (meta.columns - 1));
        for (let r = 0; r < meta.rows; r++)
          narrow.set(data.subarray(r * meta.columns, (r + 1) * meta.columns - 1), r * (meta.columns - 1));
        const expected = Array.from(typed(path.join(dir, 'margin_narrow.f32'), Float32Array), hex32);
        expect(
          Array.from(
            booster.predictMargin({ data: narrow, rows: meta.rows, columns: meta.columns - 1 }, { ntreeLimit: 0 }),
            hex32,
          ),
          `case ${k}`,
        ).toEqual(expected);
        const row = narrow.subarray(0, meta.columns - 1);
        expect(hex32(booster.predictRowMargin(row, { ntreeLimit: 0 }))).toBe(expected[0]);
      }
    });

    it('writes JSON, UBJSON and legacy binary that XGBoost 1.7.4 loads with bit-identical margins', () => {
      for (let k = 0; k < CASES; k++) {
        const dir = path.join(root, `case${k}`);
        const booster = Booster.load(new Uint8Array(readFileSync(path.join(dir, 'xgboost-model'))));
        writeFileSync(path.join(dir, 'ours.json'), booster.toJSON());
        writeFileSync(path.join(dir, 'ours.ubj'), booster.toUBJSON());
        writeFileSync(path.join(dir, 'ours-binary'), booster.toLegacyBinary());
      }
      runPython(script, ['check', root, String(CASES)]);
      for (let k = 0; k < CASES; k++) {
        const dir = path.join(root, `case${k}`);
        const expected = Array.from(typed(path.join(dir, 'margin.f32'), Float32Array), hex32);
        for (const out of ['ours_json.f32', 'ours_ubj.f32', 'ours_binary.f32']) {
          expect(Array.from(typed(path.join(dir, out), Float32Array), hex32), `case ${k} ${out}`).toEqual(expected);
        }
      }
      console.log(`format differential: XGBoost 1.7.4 loaded ${CASES} models written here in 3 formats`);
    }, 120_000);
  },
);
