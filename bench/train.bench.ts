/**
 * Training speed against XGBoost 1.7.4 on the user's workload: ~23K sessions × 45 count features
 * (Poisson-like counts, ~1% attackers, seeded), the user's hyperparameters (max_depth 5, eta 0.2,
 * gamma 4, min_child_weight 6, subsample 0.7, 50 rounds), one thread, `exact` and `hist`. XGBoost
 * (Debian's python3-xgboost at /usr/bin/python3, nthread=1) trains the same CSV in the same run;
 * the table gives both times (best of several runs), the ratio, and whether the trees are
 * bit-identical.
 *
 *   npx tsx bench/train.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { train } from '../src/model/train.js';
import { TrainingData } from '../src/model/training-data.js';
import { float32Hex } from '../src/model/float32.js';
import type { RegTree } from '../src/model/model-types.js';

const ROWS = 23_000;
const COLUMNS = 45;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const PARAMS = { max_depth: 5, eta: 0.2, gamma: 4, min_child_weight: 6, subsample: 0.7, num_round: 50, seed: 0 };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Session-like counts: per feature a Poisson rate; attackers (~1%) inflate a few features. */
function makeData(): { csv: string; data: TrainingData } {
  const u = rng(42);
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
  const rates = Array.from({ length: COLUMNS }, () => (u() < 0.5 ? 0.2 + u() : 1 + u() * 6));
  const labels = new Float64Array(ROWS);
  const values = new Float64Array(ROWS * COLUMNS);
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const bad = u() < 0.01;
    labels[i] = bad ? 1 : 0;
    const fields = [bad ? '1' : '0'];
    for (let j = 0; j < COLUMNS; j++) {
      const lambda = bad && j % 7 === 0 ? rates[j]! * (2 + u() * 3) : rates[j]!;
      const v = poisson(lambda);
      values[i * COLUMNS + j] = v;
      fields.push(String(v));
    }
    lines.push(fields.join(','));
  }
  return { csv: `${lines.join('\n')}\n`, data: TrainingData.fromRowMajor(values, COLUMNS, labels) };
}

const PY = String.raw`
import json, sys, time
import numpy as np, xgboost as xgb
root, repeats = sys.argv[1], int(sys.argv[2])
table = np.loadtxt(root + '/train.csv', delimiter=',', dtype=np.float64)
d = xgb.DMatrix(table[:, 1:], label=table[:, 0], missing=np.nan, nthread=1)
params = json.loads(sys.argv[3]); rounds = params.pop('num_round')
out = {}
for method in ('exact', 'hist'):
    p = dict(params, objective='binary:logistic', tree_method=method, nthread=1)
    wall, cpu = [], []
    for _ in range(repeats):
        t0 = time.perf_counter(); c0 = time.process_time()
        b = xgb.train(p, d, rounds)
        wall.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
    out[method] = dict(wall=min(wall), cpu=min(cpu), trees=json.loads(b.save_raw('json'))['learner']['gradient_booster']['model']['trees'])
print(json.dumps(out))
`;

interface JsonTree {
  left_children: number[];
  split_indices: number[];
  default_left: number[];
  split_conditions: number[];
  base_weights: number[];
  loss_changes: number[];
  sum_hessian: number[];
}

function sameTrees(ours: readonly RegTree[], theirs: JsonTree[]): boolean {
  if (ours.length !== theirs.length) return false;
  return theirs.every((t, k) => {
    const o = ours[k]!;
    const eq = (a: ArrayLike<number>, b: number[], bits: boolean) =>
      a.length === b.length && b.every((v, i) => (bits ? float32Hex(a[i]!) === float32Hex(v) : a[i] === Number(v)));
    return (
      eq(o.leftChildren, t.left_children, false) &&
      eq(o.splitIndices, t.split_indices, false) &&
      eq(o.defaultLeft, t.default_left, false) &&
      eq(o.splitConditions, t.split_conditions, true) &&
      eq(o.baseWeights, t.base_weights, true) &&
      eq(o.lossChanges, t.loss_changes, true) &&
      eq(o.sumHessian, t.sum_hessian, true)
    );
  });
}

const { csv, data } = makeData();
const positives = data.labels.reduce((s, y) => s + y, 0);
const root = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-bench-'));
let xgbResult: Record<string, { wall: number; cpu: number; trees: JsonTree[] }> | undefined;
try {
  writeFileSync(path.join(root, 'train.csv'), csv);
  const run = spawnSync('/usr/bin/python3', ['-c', PY, root, String(REPEATS), JSON.stringify(PARAMS)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (run.status === 0) xgbResult = JSON.parse(run.stdout);
  else process.stderr.write(`XGBoost run failed or not installed: ${run.stderr.slice(-500)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
const lines = [
  '## Training: XGBoost-compatible trainer vs XGBoost 1.7.4',
  '',
  `${ROWS} rows × ${COLUMNS} count features (${positives} positives), max_depth 5, eta 0.2, gamma 4, min_child_weight 6,`,
  `subsample 0.7, 50 rounds, one thread; best of ${REPEATS} runs each, XGBoost measured in the same run`,
  '(`xgb.train` only, DMatrix built beforehand; ours: `train()` on a ready TrainingData). Wall-clock and',
  'CPU time (process user+system) are both given: on a shared, busy machine CPU time is the fairer',
  'comparison; the ratio uses CPU time.',
  '',
  '| tree_method | ours wall | ours CPU | XGBoost wall | XGBoost CPU | ratio (CPU, ours / XGBoost) | goal ≤ 1.5× | trees bit-identical |',
  '|---|---|---|---|---|---|---|---|',
];
for (const method of ['exact', 'hist'] as const) {
  let wall = Infinity;
  let cpu = Infinity;
  let trees: readonly RegTree[] = [];
  for (let k = 0; k < REPEATS; k++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const { booster } = train(data, { ...PARAMS, tree_method: method });
    const used = process.cpuUsage(c0);
    wall = Math.min(wall, (performance.now() - t0) / 1000);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
    trees = booster.model.trees;
  }
  const x = xgbResult?.[method];
  const ratio = x === undefined ? undefined : cpu / x.cpu;
  lines.push(
    `| ${method} | ${ms(wall)} | ${ms(cpu)} | ${x === undefined ? 'not run' : ms(x.wall)} | ${x === undefined ? 'not run' : ms(x.cpu)} | ${
      ratio === undefined ? '—' : `${ratio.toFixed(2)}×`
    } | ${ratio === undefined ? '—' : ratio <= 1.5 ? 'met' : 'not met'} | ${x === undefined ? '—' : sameTrees(trees, x.trees) ? 'yes' : 'no'} |`,
  );
}
const load = os.loadavg()[0]!.toFixed(1);
lines.push('', `Machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; load average ${load} at the end of the run.`);
console.log(lines.join('\n'));
