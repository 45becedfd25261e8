/**
 * Insight benchmark: feature importance and per-row contributions (TreeSHAP and Saabas) on the
 * user's model shape (50 trees of depth 5 over 40 count features, ~24K sessions), against XGBoost
 * 1.7.4's `get_score` and `predict(pred_contribs=True[, approx_contribs=True])` on one thread.
 * XGBoost trains the model and runs in its own process; the two sides alternate (which goes first
 * alternates too) for ROUNDS rounds, each timed by wall clock and by its process's CPU time, and
 * the table gives the medians with their spread, the ratios of the medians and a verdict against
 * the goal (≤ 1× XGBoost's time), with the load average, the commit and the date. Also counts the
 * values that are bit-equal to XGBoost's. Needs Debian's python3-xgboost.
 *
 *   npx tsx bench/insight.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Booster } from '../src/model/booster.js';
import { IMPORTANCE_TYPES } from '../src/model/feature-importance.js';
import { float32Bits } from '../src/model/float32.js';

const ROWS = 24_000;
const FEATURES = 40;
const ROUNDS = 7;
/** Goal from issue 15: at most XGBoost's time. */
const GOAL = 1;
const PYTHON = '/usr/bin/python3';

const TRAIN = String.raw`
import sys, numpy as np, xgboost as xgb
out, rows, features = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(7)
rates = rng.gamma(0.6, 2.0, size=features)
X = rng.poisson(rates, size=(rows, features)).astype(np.float32)
X[rng.random(X.shape) < 0.05] = np.nan
logit = -4.0 + 0.35 * np.nan_to_num(X[:, 0]) - 0.25 * np.nan_to_num(X[:, 1]) + 0.2 * np.nan_to_num(X[:, 2]) * (np.nan_to_num(X[:, 3]) > 1) + 0.15 * np.nan_to_num(X[:, 5])
y = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.float32)
params = dict(objective='binary:logistic', max_depth=5, eta=0.2, gamma=4, min_child_weight=6,
              subsample=0.7, seed=0, nthread=1, tree_method='exact', verbosity=0)
bst = xgb.train(params, xgb.DMatrix(X, label=y, nthread=1), num_boost_round=50)
bst.save_model(out + '/model.json')
X.tofile(out + '/x.f32')
d = xgb.DMatrix(X, nthread=1)
bst.predict(d, pred_contribs=True).astype(np.float32).tofile(out + '/shap.f32')
bst.predict(d, pred_contribs=True, approx_contribs=True).astype(np.float32).tofile(out + '/saabas.f32')
import json
json.dump({t: bst.get_score(importance_type=t) for t in ['weight', 'gain', 'cover', 'total_gain', 'total_cover']}, open(out + '/importance.json', 'w'))
`;

const TIME = String.raw`
import sys, json, time, numpy as np, xgboost as xgb
out, rows, features = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bst = xgb.Booster(model_file=out + '/model.json')
bst.set_param({'nthread': 1})
X = np.fromfile(out + '/x.f32', dtype=np.float32).reshape(rows, features)
res = {}
def timed(name, fn):
    w, c = time.perf_counter(), time.process_time()
    fn()
    res[name] = [time.perf_counter() - w, time.process_time() - c]
timed('importance', lambda: [bst.get_score(importance_type=ty) for ty in ['weight', 'gain', 'cover', 'total_gain', 'total_cover']])
for name, approx in (('shap', False), ('saabas', True)):
    d = xgb.DMatrix(X, nthread=1)
    timed(name, lambda: bst.predict(d, pred_contribs=True, approx_contribs=approx))
print(json.dumps(res))
`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Wall and CPU seconds of `fn` (CPU: this process, all threads). */
const timed = (fn: () => void): [number, number] => {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  fn();
  const used = process.cpuUsage(cpu);
  return [Number(process.hrtime.bigint() - wall) / 1e9, (used.user + used.system) / 1e6];
};
const commit = ((): string => {
  const git = (...args: string[]): string => spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const head = git('rev-parse', '--short', 'HEAD');
  if (head === '') return 'unknown';
  return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}+changes`;
})();
const loadBefore = os.loadavg()[0]!;
const started = new Date();

const dir = mkdtempSync(path.join(os.tmpdir(), 'insight-bench-'));
try {
  const env = { ...process.env, OMP_NUM_THREADS: '1' };
  const trained = spawnSync(PYTHON, ['-c', TRAIN, dir, String(ROWS), String(FEATURES)], { encoding: 'utf8', env });
  if (trained.status !== 0) throw new Error(`XGBoost 1.7.4 is needed at ${PYTHON}: ${trained.stderr}`);
  const booster = Booster.fromJSON(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const f32 = (file: string): Float32Array => {
    const b = readFileSync(path.join(dir, file));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const matrix = { data: f32('x.f32'), rows: ROWS, columns: FEATURES };
  const same = (ours: Float32Array, theirs: Float32Array): string => {
    let n = 0;
    for (let i = 0; i < theirs.length; i++) if (float32Bits(ours[i]!) === float32Bits(theirs[i]!)) n++;
    return `${n} / ${theirs.length}`;
  };
  const xgbScores = JSON.parse(readFileSync(path.join(dir, 'importance.json'), 'utf8')) as Record<
    string,
    Record<string, number>
  >;
  let scoresSame = 0;
  let scoresTotal = 0;
  for (const type of IMPORTANCE_TYPES) {
    const mine = booster.importance({ type });
    for (const [feature, value] of Object.entries(xgbScores[type]!)) {
      scoresTotal++;
      if (mine[feature] === value) scoresSame++;
    }
    scoresTotal += Object.keys(mine).filter((f) => !(f in xgbScores[type]!)).length;
  }
  const identical = {
    shap: same(booster.contributions(matrix).data, f32('shap.f32')),
    saabas: same(booster.contributions(matrix, { approximate: true }).data, f32('saabas.f32')),
  };
  type Work = 'importance' | 'shap' | 'saabas';
  type Runs = Record<Work, { wall: number[]; cpu: number[] }>;
  const runs = (): Runs => ({
    importance: { wall: [], cpu: [] },
    shap: { wall: [], cpu: [] },
    saabas: { wall: [], cpu: [] },
  });
  const ours = runs();
  const theirs = runs();
  const record = (into: Runs, k: Work, [wall, cpu]: [number, number]): void => {
    into[k].wall.push(wall);
    into[k].cpu.push(cpu);
  };
  const runXgboost = (): void => {
    const run = spawnSync(PYTHON, ['-c', TIME, dir, String(ROWS), String(FEATURES)], { encoding: 'utf8', env });
    if (run.status !== 0) throw new Error(run.stderr);
    const t = JSON.parse(run.stdout) as Record<Work, [number, number]>;
    for (const k of ['importance', 'shap', 'saabas'] as const) record(theirs, k, t[k]);
  };
  const runOurs = (): void => {
    record(
      ours,
      'importance',
      timed(() => IMPORTANCE_TYPES.forEach((type) => booster.importance({ type }))),
    );
    record(
      ours,
      'shap',
      timed(() => booster.contributions(matrix)),
    );
    record(
      ours,
      'saabas',
      timed(() => booster.contributions(matrix, { approximate: true })),
    );
  };
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      runXgboost();
      runOurs();
    } else {
      runOurs();
      runXgboost();
    }
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  const ms = (xs: number[]): string =>
    `${(median(xs) * 1000).toFixed(1)} ms (${(Math.min(...xs) * 1000).toFixed(1)}–${(Math.max(...xs) * 1000).toFixed(1)})`;
  const row = (label: string, k: Work, same: string, goal: boolean): string => {
    const cpu = median(ours[k].cpu) / median(theirs[k].cpu);
    const wall = median(ours[k].wall) / median(theirs[k].wall);
    const verdict = !goal ? '—' : cpu <= GOAL && wall <= GOAL ? 'met' : cpu <= GOAL ? 'met by CPU time' : 'not met';
    return `| ${label} | ${ms(ours[k].cpu)} | ${ms(theirs[k].cpu)} | ${cpu.toFixed(2)}× | ${ms(ours[k].wall)} | ${ms(theirs[k].wall)} | ${wall.toFixed(2)}× | ${same} | ${verdict} |`;
  };
  console.log(`## Insight: importance and contributions, ${ROWS} rows × ${FEATURES} features, 50 trees of depth 5

XGBoost 1.7.4 (nthread=1) in its own process, the two sides alternating (and which goes first alternating) for ${ROUNDS} rounds; medians with the spread (min–max), by CPU time of each process and by wall time; ratios are of the medians (lower is faster). XGBoost's times are of the Python calls (\`get_score\` includes its ctypes and dict work). Goal (issue 15): contributions ≤ ${GOAL}× XGBoost's time; the verdict says "met" when both median ratios meet it. Measured at commit ${commit} on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${loadBefore.toFixed(1)} at the start, ${load} at the end (2 cores, shared: wall time includes waiting for a core).

| work | sessionsentry CPU | XGBoost 1.7.4 CPU | ratio (CPU) | sessionsentry wall | XGBoost 1.7.4 wall | ratio (wall) | bit-equal values | verdict |
|---|---|---|---|---|---|---|---|---|
${row('importance, all five types (`get_score`)', 'importance', `${scoresSame} / ${scoresTotal}`, false)}
${row('contributions, TreeSHAP (`pred_contribs`)', 'shap', identical.shap, true)}
${row('contributions, Saabas (`approx_contribs`)', 'saabas', identical.saabas, true)}
`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
