/**
 * Prediction benchmark: the user's model shape (50 trees of depth 5 over ~40 count features,
 * trained with the seed's hyperparameters on ~23K random sessions), batch rows/s and one-row µs,
 * side by side with XGBoost 1.7.4's `predict` on one thread measured in the same run. Without
 * Debian's python3-xgboost the model is a synthetic random forest of the same shape and the anchor
 * is DESIGN.md's figure (2.2M rows/s), labelled as such.
 *
 *   npx tsx bench/predict.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Booster } from '../src/model/booster.js';
import type { BoosterModel, RegTree } from '../src/model/model-types.js';
import { float32Bits } from '../src/model/float32.js';

const ROWS = 23_000;
const FEATURES = 40;
const PYTHON = '/usr/bin/python3';

const PY = String.raw`
import sys, json, time, numpy as np, xgboost as xgb
out, rows, features = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(7)
rates = rng.gamma(0.6, 2.0, size=features)
X = rng.poisson(rates, size=(rows, features)).astype(np.float32)
logit = -4.0 + 0.35 * X[:, 0] - 0.25 * X[:, 1] + 0.2 * X[:, 2] * (X[:, 3] > 1) + 0.15 * X[:, 5]
y = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.float32)
params = dict(objective='binary:logistic', max_depth=5, eta=0.2, gamma=4, min_child_weight=6,
              subsample=0.7, seed=0, nthread=1, tree_method='exact', verbosity=0)
d = xgb.DMatrix(X, label=y, nthread=1)
bst = xgb.train(params, d, num_boost_round=50)
bst.save_model(out + '/model.json')
X.tofile(out + '/x.f32')
bst.set_param({'nthread': 1})
# predict() caches results per DMatrix, so every timed call gets a fresh DMatrix (built untimed).
p = bst.predict(xgb.DMatrix(X, nthread=1))
p.astype(np.float32).tofile(out + '/p.f32')
best = cpu = float('inf')
for _ in range(7):
    fresh = xgb.DMatrix(X, nthread=1)
    t, c = time.perf_counter(), time.process_time()
    bst.predict(fresh)
    best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
single = single_cpu = float('inf')
for _ in range(5):
    ones = [xgb.DMatrix(X[i:i + 1], nthread=1) for i in range(200)]
    t, c = time.perf_counter(), time.process_time()
    for one in ones: bst.predict(one)
    single, single_cpu = min(single, (time.perf_counter() - t) / 200), min(single_cpu, (time.process_time() - c) / 200)
json.dump(dict(seconds=best, cpu=cpu, single=single, single_cpu=single_cpu), open(out + '/timing.json', 'w'))
`;

interface Anchor {
  /** Best wall time of a batch, and best CPU time (process time) of a batch. */
  readonly seconds: number | undefined;
  readonly cpu: number | undefined;
  /** Per-row wall and CPU time of one-row predictions. */
  readonly single: number | undefined;
  readonly singleCpu: number | undefined;
  readonly label: string;
}

function fromXGBoost(
  dir: string,
): { booster: Booster; data: Float32Array; expected: Float32Array | undefined; anchor: Anchor } | undefined {
  if (!existsSync(PYTHON)) return undefined;
  const run = spawnSync(PYTHON, ['-c', PY, dir, String(ROWS), String(FEATURES)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (run.status !== 0) {
    process.stderr.write(`xgboost unavailable (${run.stderr.trim().split('\n').pop()}); using a synthetic model\n`);
    return undefined;
  }
  const timing = JSON.parse(readFileSync(path.join(dir, 'timing.json'), 'utf8')) as {
    seconds: number;
    cpu: number;
    single: number;
    single_cpu: number;
  };
  const booster = Booster.fromJSON(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const f32 = (file: string): Float32Array => {
    const b = readFileSync(path.join(dir, file));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  return {
    booster,
    data: f32('x.f32'),
    expected: f32('p.f32'),
    anchor: {
      seconds: timing.seconds,
      cpu: timing.cpu,
      single: timing.single,
      singleCpu: timing.single_cpu,
      label: 'XGBoost 1.7.4 `Booster.predict` on a fresh DMatrix (its prediction cache bypassed), nthread=1, same run',
    },
  };
}

/** A seeded synthetic model of the same shape: 50 complete trees of depth 5. */
function synthetic(): { booster: Booster; data: Float32Array; expected: undefined; anchor: Anchor } {
  let s = 12345;
  const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const trees: RegTree[] = [];
  const depth = 5;
  const n = 2 ** (depth + 1) - 1;
  for (let t = 0; t < 50; t++) {
    const left = new Int32Array(n).fill(-1);
    const right = new Int32Array(n).fill(-1);
    const parents = new Int32Array(n);
    const split = new Uint32Array(n);
    const cond = new Float32Array(n);
    const dl = new Uint8Array(n);
    parents[0] = 0x7fffffff;
    for (let i = 0; i < n; i++) {
      if (2 * i + 2 < n) {
        left[i] = 2 * i + 1;
        right[i] = 2 * i + 2;
        parents[2 * i + 1] = i;
        parents[2 * i + 2] = i;
        split[i] = Math.floor(rand() * FEATURES);
        cond[i] = Math.floor(rand() * 4) + 0.5;
        dl[i] = 1;
      } else cond[i] = Math.fround((rand() - 0.5) * 0.4);
    }
    const zeros = new Float32Array(n);
    trees.push({
      numNodes: n,
      numDeleted: 0,
      numFeature: FEATURES,
      leftChildren: left,
      rightChildren: right,
      parents,
      splitIndices: split,
      splitConditions: cond,
      defaultLeft: dl,
      baseWeights: zeros,
      lossChanges: zeros,
      sumHessian: zeros,
    });
  }
  const model: BoosterModel = {
    version: [1, 7, 4],
    objective: 'binary:logistic',
    scalePosWeight: 1,
    baseScore: 0.5,
    boostFromAverage: false,
    numFeature: FEATURES,
    trees,
    treeInfo: new Int32Array(50),
    attributes: {},
    featureNames: [],
    featureTypes: [],
  };
  const data = new Float32Array(ROWS * FEATURES);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(-Math.log(1 - rand()) * 1.2);
  return {
    booster: new Booster(model),
    data,
    expected: undefined,
    anchor: {
      seconds: ROWS / 2.2e6,
      cpu: undefined,
      single: undefined,
      singleCpu: undefined,
      label: 'DESIGN.md figure (2.2M rows/s; xgboost not installed here)',
    },
  };
}

/** Best wall time and best CPU time (user + system of this process) over `runs`, in seconds. */
function bestOf(runs: number, fn: () => void): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    fn();
    wall = Math.min(wall, Number(process.hrtime.bigint() - t) / 1e9);
    const used = process.cpuUsage(c);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { wall, cpu };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'predict-bench-'));
try {
  const setup = fromXGBoost(dir) ?? synthetic();
  const { booster, data, expected, anchor } = setup;
  const matrix = { data, rows: ROWS, columns: FEATURES };
  const probabilities = booster.predict(matrix);
  let identical = 'n/a (no reference)';
  if (expected !== undefined) {
    let same = 0;
    for (let i = 0; i < ROWS; i++) if (float32Bits(probabilities[i]!) === float32Bits(expected[i]!)) same++;
    identical = `${same} / ${ROWS}`;
  }
  for (let i = 0; i < 3; i++) booster.predict(matrix); // warm-up
  const batch = bestOf(7, () => booster.predict(matrix));
  const row = data.subarray(0, FEATURES);
  const rowsView = Array.from({ length: 1000 }, (_, i) => data.subarray(i * FEATURES, (i + 1) * FEATURES));
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += booster.predictRow(rowsView[i % 1000]!);
  const reps = 200_000;
  const singleTotal = bestOf(5, () => {
    for (let i = 0; i < reps; i++) sink += booster.predictRow(rowsView[i % 1000]!);
  });
  const single = { wall: singleTotal.wall / reps, cpu: singleTotal.cpu / reps };
  const singleSame = booster.predictRow(row);
  if (Number.isNaN(sink) || Number.isNaN(singleSame)) process.stderr.write('unexpected NaN\n');

  const leaves = booster.dump().reduce((n, text) => n + (text.match(/leaf=/g) ?? []).length, 0);
  const rows = (seconds: number | undefined): string =>
    seconds === undefined ? '—' : `${(ROWS / seconds / 1e6).toFixed(2)}M`;
  const ratio = (ours: number, theirs: number | undefined): string =>
    theirs === undefined ? '—' : `${(theirs / ours).toFixed(2)}×`;
  const us = (seconds: number | undefined): string => (seconds === undefined ? '—' : (seconds * 1e6).toFixed(2));
  const lines = [
    '## Prediction (`Booster.predict`, `Booster.predictRow`)',
    '',
    `Model: ${booster.numTrees} trees (max_depth 5, ${leaves} leaves) over ${FEATURES} count features, ${ROWS} rows; ${expected !== undefined ? 'trained by XGBoost 1.7.4 (exact, eta 0.2, gamma 4, min_child_weight 6, subsample 0.7)' : 'synthetic complete trees'}.`,
    `Anchor: ${anchor.label}.`,
    `Machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the end of the run (a shared machine: wall times are inflated; CPU times, this process only, less so). Best of 7 batch runs and of 5 × 200 000 single-row calls.`,
    '',
    '| measure | sessionsentry | anchor | ours vs anchor (higher is better) |',
    '|---|---|---|---|',
    `| batch rows/s, wall (1 thread) | ${rows(batch.wall)} | ${rows(anchor.seconds)} | ${ratio(batch.wall, anchor.seconds)} (goal ≥ 1×) |`,
    `| batch rows/s, CPU time | ${rows(batch.cpu)} | ${rows(anchor.cpu)} | ${ratio(batch.cpu, anchor.cpu)} |`,
    `| one row, µs wall (\`predictRow\`) | ${us(single.wall)} | ${us(anchor.single)} (1-row DMatrix) | goal ≤ 2 µs |`,
    `| one row, µs CPU time | ${us(single.cpu)} | ${us(anchor.singleCpu)} | |`,
    `| probabilities bit-identical to XGBoost | ${identical} | | |`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
