/**
 * Shared helpers of the model tests: the golden XGBoost 1.7.4 fixtures (test/fixtures/xgboost, see
 * its README.md), a bitwise model comparison, and access to Debian's python3-xgboost 1.7.4.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { BoosterModel, RegTree } from '../../src/model/model-types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtureDir = path.join(repoRoot, 'test/fixtures/xgboost');

/** Every golden model directory. */
export const FIXTURES = [
  'exact_gamma1',
  'hist_basic',
  'hist_nan',
  'hist_regularized',
  'hist_subsample0.8_seed7',
] as const;
export type FixtureName = (typeof FIXTURES)[number];

export function fixturePath(name: FixtureName, file: string): string {
  return path.join(fixtureDir, name, file);
}

export function fixtureBytes(name: FixtureName, file: string): Uint8Array {
  const b = readFileSync(fixturePath(name, file));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** The training rows of a fixture (features only, blank = NaN) as a row-major matrix. */
export function fixtureMatrix(name: FixtureName): {
  data: Float64Array;
  rows: number;
  columns: number;
  rowsArray: number[][];
} {
  const params = JSON.parse(readFileSync(fixturePath(name, 'params.json'), 'utf8')) as { data: string };
  const file = params.data.includes('data_with_nan.csv') ? 'data_with_nan.csv' : 'data.csv';
  const lines = readFileSync(path.join(fixtureDir, file), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const label = header.indexOf('label');
  const rowsArray = lines.slice(1).map((line) =>
    line
      .split(',')
      .filter((_, i) => i !== label)
      .map((v) => (v === '' ? Number.NaN : Number(v))),
  );
  const columns = rowsArray[0]!.length;
  return { data: Float64Array.from(rowsArray.flat()), rows: rowsArray.length, columns, rowsArray };
}

/** XGBoost's own predictions for the training rows: float32 hex of margin and probability, leaf ids. */
export function fixturePredictions(name: FixtureName): { marginHex: string[]; probHex: string[]; leaves: number[][] } {
  const lines = readFileSync(fixturePath(name, 'predictions.csv'), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (n: string): number => header.indexOf(n);
  return {
    marginHex: rows.map((r) => r[col('margin_f32_hex')]!),
    probHex: rows.map((r) => r[col('prob_f32_hex')]!),
    leaves: rows.map((r) => r[col('leaf_ids')]!.split(' ').map(Number)),
  };
}

const bits = (a: ArrayLike<number>, kind: 'f32' | 'int'): number[] =>
  kind === 'f32' ? Array.from(new Uint32Array(Float32Array.from(a).buffer)) : Array.from(a);

/** Asserts two trees equal in every field, float fields compared as float32 bit patterns. */
export function expectTreesBitwiseEqual(a: RegTree, b: RegTree, label: string): void {
  expect([a.numNodes, a.numDeleted, a.numFeature], `${label} params`).toEqual([b.numNodes, b.numDeleted, b.numFeature]);
  for (const f of ['leftChildren', 'rightChildren', 'parents', 'splitIndices', 'defaultLeft'] as const) {
    expect(bits(a[f], 'int'), `${label} ${f}`).toEqual(bits(b[f], 'int'));
  }
  for (const f of ['splitConditions', 'baseWeights', 'lossChanges', 'sumHessian'] as const) {
    expect(bits(a[f], 'f32'), `${label} ${f}`).toEqual(bits(b[f], 'f32'));
  }
}

/** Asserts two models equal: parameters, attributes, and every tree bitwise. */
export function expectModelsBitwiseEqual(a: BoosterModel, b: BoosterModel, label: string): void {
  expect(Math.fround(a.baseScore), `${label} baseScore`).toBe(Math.fround(b.baseScore));
  expect(a.numFeature, `${label} numFeature`).toBe(b.numFeature);
  expect(a.boostFromAverage, `${label} boostFromAverage`).toBe(b.boostFromAverage);
  expect(a.scalePosWeight, `${label} scalePosWeight`).toBe(b.scalePosWeight);
  expect(a.attributes, `${label} attributes`).toEqual(b.attributes);
  expect(Array.from(a.treeInfo), `${label} treeInfo`).toEqual(Array.from(b.treeInfo));
  expect(a.trees.length, `${label} trees`).toBe(b.trees.length);
  a.trees.forEach((t, i) => expectTreesBitwiseEqual(t, b.trees[i]!, `${label} tree ${i}`));
}

/** Float32 bit pattern as 8 hex digits. */
export function hex32(x: number): string {
  return new Uint32Array(Float32Array.of(x).buffer)[0]!.toString(16).padStart(8, '0');
}

/** Debian's python3 with xgboost (not the `python3` first on PATH). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

let xgboostChecked: string | null | undefined;
/** `null` when XGBoost 1.7.4 is importable from the system Python, else the reason it is not. */
export function xgboostUnavailable(): string | null {
  if (xgboostChecked !== undefined) return xgboostChecked;
  if (!existsSync(SYSTEM_PYTHON)) return (xgboostChecked = `${SYSTEM_PYTHON} not found`);
  const run = spawnSync(SYSTEM_PYTHON, ['-c', 'import xgboost, numpy; print(xgboost.__version__)'], {
    encoding: 'utf8',
  });
  if (run.status !== 0)
    return (xgboostChecked = `xgboost is not importable from ${SYSTEM_PYTHON} (install Debian's python3-xgboost)`);
  const version = run.stdout.trim();
  if (version !== '1.7.4') return (xgboostChecked = `found xgboost ${version}, the reference is 1.7.4`);
  return (xgboostChecked = null);
}

let numpyChecked: string | null | undefined;
/** `null` when the system Python has numpy (and ctypes, for glibc's expf). */
export function numpyUnavailable(): string | null {
  if (numpyChecked !== undefined) return numpyChecked;
  if (!existsSync(SYSTEM_PYTHON)) return (numpyChecked = `${SYSTEM_PYTHON} not found`);
  const run = spawnSync(SYSTEM_PYTHON, ['-c', 'import numpy, ctypes'], { encoding: 'utf8' });
  return (numpyChecked = run.status === 0 ? null : `numpy is not importable from ${SYSTEM_PYTHON}`);
}

/** Runs a Python script with the system Python; throws with its stderr on failure. */
export function runPython(script: string, args: readonly string[] = [], input?: string | Uint8Array): string {
  // One OpenMP thread: XGBoost's thread pool only slows these small jobs on a shared machine.
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  const run = spawnSync(SYSTEM_PYTHON, ['-c', script, ...args], {
    encoding: 'utf8',
    input,
    env,
    maxBuffer: 256 * 2 ** 20,
  });
  if (run.status !== 0) throw new Error(`python failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** Runs `fn` and returns what it threw (failing the test when nothing was thrown). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}
