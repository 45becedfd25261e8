import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { float32Hex } from '../../src/model/float32.js';
import type { RegTree } from '../../src/model/model-types.js';
import { train } from '../../src/model/train.js';
import { TrainingData } from '../../src/model/training-data.js';

// Differential test against real XGBoost 1.7.4 (Debian's python3-xgboost at /usr/bin/python3; the
// pyenv python first on PATH has no xgboost). Random datasets and parameter sets are trained here
// and by XGBoost (nthread=1), and every tree field is compared bit for bit; XGBoost also loads the
// JSON written here and its margins must equal ours bit for bit. About half the cases carry random
// instance weights (zeros, 1/length-style fractions, integers, wide ranges), written as SageMaker's
// csv_weights=1 layout (label, weight, features) and given to XGBoost as DMatrix(weight=…).
// SESSIONSENTRY_DIFF_CASES sets the number of cases (default 200). A second batch adds column sampling
// (colsample_bytree, colsample_bylevel, colsample_bynode alone, together and with subsample, for
// exact and hist, on 3 to 20 features); SESSIONSENTRY_DIFF_COLSAMPLE_CASES sets its size (default 72).

const PYTHON = '/usr/bin/python3';
const here = path.dirname(fileURLToPath(import.meta.url));
const CASES = Number(process.env.SESSIONSENTRY_DIFF_CASES ?? 200);
const COLSAMPLE_CASES = Number(process.env.SESSIONSENTRY_DIFF_COLSAMPLE_CASES ?? 72);

function xgboostVersion(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import xgboost, numpy; print(xgboost.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}
const version = xgboostVersion();
if (version === undefined) {
  console.log(`train-differential: SKIPPED — XGBoost is not installed at ${PYTHON} (apt-get install python3-xgboost)`);
}

/** mulberry32: a small seeded generator for the test's own data. */
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
  dir: string;
  params: Record<string, number | string>;
  num_round: number;
  rows: number;
  columns: number;
  values: Float32Array; // row-major
  labels: Float64Array;
  /** Instance weights (float32 values), or undefined for an unweighted case. */
  weights: Float32Array | undefined;
  description: string;
}

/**
 * Random instance weights from the case's own stream (so unweighted cases keep their data): kinds a
 * user meets — 1/length of a session prefix, small integers, uniform fractions, a wide range —
 * with a share of zeros.
 */
function makeWeights(index: number, rows: number): { weights: Float32Array | undefined; kind: string } {
  const u = rng(777_000 + index * 104_729);
  if (u() < 0.5) return { weights: undefined, kind: '' };
  const kinds = ['1/length', 'integers', 'uniform', 'wide'] as const;
  const kind = kinds[Math.floor(u() * kinds.length)]!;
  const zeros = u() < 0.7 ? 0.05 + u() * 0.3 : 0;
  const weights = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let w: number;
    if (kind === '1/length') w = 1 / (1 + Math.floor(u() * 40));
    else if (kind === 'integers') w = 1 + Math.floor(u() * 5);
    else if (kind === 'uniform') w = u() * 2;
    else w = Math.exp((u() - 0.5) * 12);
    weights[i] = u() < zeros ? 0 : w;
  }
  return { weights, kind: ` weights=${kind}${zeros > 0 ? `+${Math.round(zeros * 100)}%zeros` : ''}` };
}

/** Overrides for a case: its number of features and its tree method (default: drawn). */
interface CaseShape {
  readonly columns?: number;
  readonly method?: 'exact' | 'hist';
}

function makeCase(index: number, shape: CaseShape = {}): Case {
  const u = rng(1000 + index * 7919);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(u() * xs.length)]!;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const poisson = (lambda: number) => {
    const l = Math.exp(-lambda);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= u();
    } while (p > l);
    return k - 1;
  };
  const rows = pick([80, 200, 500, 1000, 2000, 3000, 5000]);
  const drawnColumns = 1 + Math.floor(u() * 7);
  const columns = shape.columns ?? drawnColumns;
  const kinds: string[] = [];
  const values = new Float32Array(rows * columns);
  const signal = new Float64Array(rows);
  for (let j = 0; j < columns; j++) {
    const kind = pick(['counts', 'counts', 'continuous', 'wide-int', 'binary', 'exponential']);
    const lambda = 0.3 + u() * 8;
    const nanRate = u() < 0.3 ? 0.03 + u() * 0.25 : 0;
    kinds.push(nanRate > 0 ? `${kind}+nan` : kind);
    const coef = gauss();
    for (let i = 0; i < rows; i++) {
      let v: number;
      if (kind === 'counts') v = poisson(lambda);
      else if (kind === 'continuous') v = gauss() * 3;
      else if (kind === 'wide-int') v = Math.floor(u() * 1000);
      else if (kind === 'binary') v = u() < 0.3 ? 1 : 0;
      else v = -Math.log(1 - u()) * 2;
      v = Math.fround(v);
      signal[i]! += coef * (kind === 'wide-int' ? v / 300 : kind === 'counts' ? v / (1 + lambda) : v);
      values[i * columns + j] = u() < nanRate ? Number.NaN : v;
    }
  }
  const imbalanced = u() < 0.35;
  const noise = 0.5 + u() * 1.5;
  const score = Array.from(signal, (s) => s + noise * gauss());
  const sorted = [...score].sort((a, b) => a - b);
  const cut = sorted[Math.floor(rows * (imbalanced ? 0.97 : 0.4 + u() * 0.3))]!;
  const labels = Float64Array.from(score, (s) => (s > cut ? 1 : 0));
  if (!labels.includes(1)) labels[0] = 1;

  const drawnMethod = u() < 0.5 ? 'exact' : 'hist';
  const method = shape.method ?? drawnMethod;
  const params: Record<string, number | string> = {
    tree_method: method,
    max_depth: 1 + Math.floor(u() * 8),
    eta: pick([0.05, 0.1, 0.2, 0.3, 0.5, 0.8]),
    seed: Math.floor(u() * 100000),
  };
  if (u() < 0.4) params.gamma = pick([0.1, 0.5, 1, 2, 4, 7.5]);
  if (u() < 0.4) params.lambda = pick([0, 0.5, 2, 5]);
  if (u() < 0.3) params.alpha = pick([0.05, 0.3, 1, 2]);
  if (u() < 0.4) params.min_child_weight = pick([0, 0.5, 2, 6, 10]);
  if (u() < 0.2) params.max_delta_step = pick([0.3, 0.7, 1, 3]);
  if (u() < 0.4) params.subsample = pick([0.5, 0.7, 0.8, 0.95]);
  if (u() < 0.15) params.base_score = pick([0.1, 0.3, 0.7]);
  if (u() < 0.1) params.scale_pos_weight = pick([3, 10]);
  if (method === 'hist') params.max_bin = pick([16, 32, 64, 100, 256, 256]);
  const numRound = 3 + Math.floor(u() * 10);
  const { weights, kind: weightKind } = makeWeights(index, rows);
  const description = `#${index} ${rows}×${columns} [${kinds.join(',')}]${imbalanced ? ' imbalanced' : ''}${weightKind} ${JSON.stringify(params)} rounds=${numRound}`;
  return { dir: `case${index}`, params, num_round: numRound, rows, columns, values, labels, weights, description };
}

function toCsv(c: Case): string {
  const lines: string[] = [];
  for (let i = 0; i < c.rows; i++) {
    const fields = [String(c.labels[i])];
    if (c.weights !== undefined) fields.push(String(c.weights[i]));
    for (let j = 0; j < c.columns; j++) {
      const v = c.values[i * c.columns + j]!;
      fields.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}

interface JsonTree {
  left_children: number[];
  right_children: number[];
  parents: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  base_weights: number[];
  loss_changes: number[];
  sum_hessian: number[];
  tree_param: { num_nodes: string; num_deleted: string };
}

/** The first field where our tree differs from XGBoost's, or undefined when identical. */
function firstDifference(ours: RegTree, theirs: JsonTree): string | undefined {
  const ints: [string, ArrayLike<number>, number[]][] = [
    ['left_children', ours.leftChildren, theirs.left_children],
    ['right_children', ours.rightChildren, theirs.right_children],
    ['parents', ours.parents, theirs.parents],
    ['split_indices', ours.splitIndices, theirs.split_indices],
    ['default_left', ours.defaultLeft, theirs.default_left.map(Number)],
  ];
  if (ours.numNodes !== Number(theirs.tree_param.num_nodes))
    return `num_nodes ${ours.numNodes} vs ${theirs.tree_param.num_nodes}`;
  if (ours.numDeleted !== Number(theirs.tree_param.num_deleted))
    return `num_deleted ${ours.numDeleted} vs ${theirs.tree_param.num_deleted}`;
  for (const [name, a, b] of ints) {
    for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return `${name}[${i}] ${a[i]} vs ${b[i]}`;
  }
  const floats: [string, Float32Array, number[]][] = [
    ['split_conditions', ours.splitConditions, theirs.split_conditions],
    ['base_weights', ours.baseWeights, theirs.base_weights],
    ['loss_changes', ours.lossChanges, theirs.loss_changes],
    ['sum_hessian', ours.sumHessian, theirs.sum_hessian],
  ];
  for (const [name, a, b] of floats) {
    for (let i = 0; i < b.length; i++) {
      if (float32Hex(a[i]!) !== float32Hex(b[i]!)) return `${name}[${i}] ${a[i]} vs ${b[i]}`;
    }
  }
  return undefined;
}

/** The column-sampling variants, cycled through: each sampler alone, all three, and with subsample. */
const COLSAMPLE_VARIANTS: readonly (readonly string[])[] = [
  ['colsample_bytree'],
  ['colsample_bylevel'],
  ['colsample_bynode'],
  ['colsample_bytree', 'colsample_bylevel', 'colsample_bynode'],
  ['colsample_bytree', 'colsample_bylevel', 'colsample_bynode', 'subsample'],
  ['colsample_bynode', 'subsample'],
];

/**
 * A case of the column-sampling batch: random data (NaN included, half weighted) on 3 to 20
 * features, the variant `j mod 6`, exact for even `⌊j / 6⌋` and hist for odd, ratios and seed drawn.
 */
function makeColsampleCase(j: number): Case {
  const u = rng(424_242 + j * 15_485_863);
  const variant = COLSAMPLE_VARIANTS[j % COLSAMPLE_VARIANTS.length]!;
  const method = Math.floor(j / COLSAMPLE_VARIANTS.length) % 2 === 0 ? 'exact' : 'hist';
  const base = makeCase(100_000 + j, { columns: 3 + Math.floor(u() * 18), method });
  const params: Record<string, number | string> = { ...base.params };
  delete params.subsample;
  for (const name of variant) {
    const ratios = name === 'subsample' ? [0.5, 0.7, 0.9] : [0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9];
    params[name] = ratios[Math.floor(u() * ratios.length)]!;
  }
  return {
    ...base,
    dir: `colsample${j}`,
    params,
    description: `${base.description.replace(/\{.*\}/, JSON.stringify(params))} [${variant.join('+')}]`,
  };
}

/** Trains every case here and with XGBoost; returns the mismatches and the number of trees compared. */
async function compareWithXGBoost(cases: readonly Case[]): Promise<{ mismatches: string[]; trees: number }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-diff-'));
  try {
    const ours = new Map<string, ReturnType<typeof train>>();
    for (const c of cases) {
      const dir = path.join(root, c.dir);
      mkdirSync(dir);
      const csv = toCsv(c);
      writeFileSync(path.join(dir, 'data.csv'), csv);
      // Hyperparameters as strings, the way SageMaker passes them.
      const asText = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, String(v)]));
      const data = TrainingData.fromCsv(csv, { csvWeights: c.weights !== undefined });
      const result = train(data, { ...asText, num_round: String(c.num_round) });
      ours.set(c.dir, result);
      writeFileSync(path.join(dir, 'ours.json'), result.booster.toJSON());
      // Let the test runner's worker answer its RPCs during a minute of training.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const manifest = cases.map(({ dir, params, num_round, weights }) => ({
      dir,
      params,
      num_round,
      csv_weights: weights === undefined ? 0 : 1,
    }));
    writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(manifest));
    await promisify(execFile)(PYTHON, [path.join(here, 'train-differential.py'), root], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });

    const mismatches: string[] = [];
    let trees = 0;
    for (const c of cases) {
      const dir = path.join(root, c.dir);
      const xgbModel = JSON.parse(readFileSync(path.join(dir, 'xgb.json'), 'utf8'));
      const theirs = xgbModel.learner.gradient_booster.model.trees as JsonTree[];
      const { booster } = ours.get(c.dir)!;
      if (theirs.length !== booster.model.trees.length) {
        mismatches.push(`${c.description}: ${booster.model.trees.length} trees vs ${theirs.length}`);
        continue;
      }
      for (let t = 0; t < theirs.length; t++) {
        trees++;
        const diff = firstDifference(booster.model.trees[t]!, theirs[t]!);
        if (diff !== undefined) {
          mismatches.push(`${c.description}: tree ${t} ${diff}`);
          break;
        }
      }
      const matrix = { data: Float64Array.from(c.values), rows: c.rows, columns: c.columns };
      const ourMargins = Array.from(booster.predictMargin(matrix), (v) => float32Hex(v));
      const xgbMargins = readFileSync(path.join(dir, 'ours_margin.txt'), 'utf8').split('\n');
      const at = ourMargins.findIndex((h, i) => h !== xgbMargins[i]);
      if (at >= 0) mismatches.push(`${c.description}: XGBoost's margin of our JSON differs at row ${at}`);
    }
    return { mismatches, trees };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe.skipIf(version === undefined)(
  `training agrees with XGBoost ${version ?? '(not installed)'} on random data`,
  () => {
    it(`${CASES} random datasets and parameter sets, about half with random instance weights (zeros included), give bit-identical trees, and XGBoost predicts our JSON bit for bit`, async () => {
      const cases = Array.from({ length: CASES }, (_, i) => makeCase(i));
      const { mismatches, trees } = await compareWithXGBoost(cases);
      const weighted = cases.filter((c) => c.weights !== undefined).length;
      console.log(
        `train-differential: compared ${cases.length} cases (${weighted} weighted, ${trees} trees) with XGBoost ${version}; ${mismatches.length} mismatches`,
      );
      expect(mismatches).toEqual([]);
    }, 300_000);

    it(`${COLSAMPLE_CASES} random datasets with column sampling (each of colsample_bytree, colsample_bylevel, colsample_bynode alone, all three, all three with subsample, bynode with subsample; exact and hist; NaN and weights) give bit-identical trees`, async () => {
      const cases = Array.from({ length: COLSAMPLE_CASES }, (_, j) => makeColsampleCase(j));
      const { mismatches, trees } = await compareWithXGBoost(cases);
      const hist = cases.filter((c) => c.params.tree_method === 'hist').length;
      const withNaN = cases.filter((c) => c.values.some(Number.isNaN)).length;
      console.log(
        `train-differential: compared ${cases.length} column-sampling cases (${hist} hist, ${cases.length - hist} exact, ${withNaN} with NaN, ${trees} trees) with XGBoost ${version}; ${mismatches.length} mismatches`,
      );
      expect(mismatches).toEqual([]);
    }, 300_000);
  },
);
