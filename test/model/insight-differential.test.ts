/**
 * Differential test of feature importance and contributions against real XGBoost 1.7.4 (Debian's
 * python3-xgboost at /usr/bin/python3): random small models of every kind (exact/hist/approx,
 * depthwise and lossguide, depth 1-10, NaN cells, gamma, lambda, alpha, subsample, base_score,
 * feature names on some) are trained and saved by XGBoost with their `get_score` for the five
 * importance types and their `predict(pred_contribs=True)` and `approx_contribs=True` on rows with
 * missing values and values exactly on split thresholds. Each model is read here and must give
 * the same values bit for bit (XGBoost computes all of them in float32). Skips with a message when
 * XGBoost is not installed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Booster } from '../../src/model/booster.js';
import { IMPORTANCE_TYPES } from '../../src/model/feature-importance.js';
import { type Contributions, predictContributionsWith } from '../../src/model/tree-shap.js';
import { hex32, repoRoot, runPython, xgboostUnavailable } from './model-fixture-helpers.js';

const CASES = 40;
const SEED = 20261206;
const unavailable = xgboostUnavailable();
if (unavailable !== null) console.log(`insight-differential: SKIPPED — ${unavailable}`);
const script = readFileSync(path.join(repoRoot, 'test/model/insight-differential.py'), 'utf8');

interface Meta {
  rows: number;
  columns: number;
  params: Record<string, unknown>;
  names: string[] | null;
}

function floats(file: string, Ctor: Float32ArrayConstructor | Float64ArrayConstructor): Float32Array | Float64Array {
  const b = readFileSync(file);
  return new Ctor(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

describe.skipIf(unavailable !== null)(
  'differential: importance and contributions of random XGBoost 1.7.4 models',
  () => {
    let root = '';
    beforeAll(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'insight-differential-'));
      runPython(script, [root, String(CASES), String(SEED)]);
    }, 120_000);
    afterAll(() => {
      if (root) rmSync(root, { recursive: true, force: true });
    });

    const load = (k: number) => {
      const dir = path.join(root, `case${k}`);
      const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
      const booster = Booster.fromJSON(readFileSync(path.join(dir, 'model.json'), 'utf8'));
      return { dir, meta, booster };
    };

    it(`get_score of ${CASES} random models: same features in the same order, every score bit-equal (float32) for weight, gain, cover, total_gain, total_cover`, () => {
      const mismatches: string[] = [];
      for (let k = 0; k < CASES; k++) {
        const { dir, meta, booster } = load(k);
        const expected = JSON.parse(readFileSync(path.join(dir, 'importance.json'), 'utf8')) as Record<
          string,
          Record<string, number>
        >;
        for (const type of IMPORTANCE_TYPES) {
          const ours = booster.importance({ type });
          const theirs = expected[type]!;
          const same =
            JSON.stringify(Object.keys(ours)) === JSON.stringify(Object.keys(theirs)) &&
            Object.keys(theirs).every(
              (key) => hex32(ours[key]!) === hex32(theirs[key]!) && Math.fround(theirs[key]!) === theirs[key],
            );
          if (!same)
            mismatches.push(
              `case ${k} ${type} ${JSON.stringify(meta.params)}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`,
            );
        }
      }
      expect(mismatches).toEqual([]);
    });

    for (const approximate of [false, true]) {
      const what = approximate ? 'approx_contribs=True (Saabas)' : 'pred_contribs=True (TreeSHAP)';
      it(`${what} of ${CASES} random models on rows with missing values and values on split thresholds: every value bit-equal (float32)`, () => {
        const mismatches: string[] = [];
        let values = 0;
        for (let k = 0; k < CASES; k++) {
          const { dir, meta, booster } = load(k);
          const x = floats(path.join(dir, 'x.f64'), Float64Array);
          const theirs = floats(path.join(dir, approximate ? 'approx.f32' : 'contribs.f32'), Float32Array);
          const matrix = { data: x, rows: meta.rows, columns: meta.columns };
          const ours = booster.contributions(matrix, { approximate });
          expect(ours.names.slice(0, -1)).toEqual(
            meta.names ?? Array.from({ length: meta.columns }, (_, j) => `f${j}`),
          );
          expect(ours.data.length, `case ${k}`).toBe(theirs.length);
          values += theirs.length;
          // TreeSHAP also with each kernel forced (the leaf memo, the recursion) on every tree it takes.
          const variants: Record<string, Contributions> = approximate
            ? { auto: ours }
            : {
                auto: ours,
                memo: predictContributionsWith(booster.model, matrix, {}, 'test', 'memo'),
                recursive: predictContributionsWith(booster.model, matrix, {}, 'test', 'recursive'),
              };
          for (const [kernel, c] of Object.entries(variants)) {
            const at = c.data.findIndex((v, i) => hex32(v) !== hex32(theirs[i]!));
            if (at >= 0) {
              const r = Math.floor(at / c.columns);
              mismatches.push(
                `case ${k} (${kernel}) row ${r} column ${at % c.columns}: ${c.data[at]} vs ${theirs[at]} ${JSON.stringify(meta.params)}`,
              );
            }
          }
        }
        console.log(
          `insight differential: ${what}: ${CASES} models, ${values} values compared with XGBoost 1.7.4${approximate ? '' : ' by each kernel (automatic, leaf memo, recursion)'}; ${mismatches.length} mismatches`,
        );
        expect(mismatches).toEqual([]);
      });
    }
  },
);
