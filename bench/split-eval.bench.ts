/**
 * Split-and-evaluate benchmark on the user's shapes: a ~23K-session × 40-feature frame (the seed's
 * experiment) split 70/15/15 and written as SageMaker CSV channels, and ROC/PR metrics over the
 * ~9K-session test day and over 1M scores. The issue names no anchor; for reference the same run
 * measures papaparse's `unparse` writing the same rows (JS), and scikit-learn 1.2.1's
 * `roc_auc_score` + `average_precision_score` on the same scores (Debian's python3-sklearn at
 * /usr/bin/python3; skipped, and said so, when absent).
 *
 *   npx tsx bench/split-eval.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { averagePrecision } from '../src/eval/pr-curve.js';
import { rocAuc, rocCurve } from '../src/eval/roc-curve.js';
import { Frame } from '../src/frame/frame.js';
import { createRandom } from '../src/random/random.js';
import { FrameSplitter } from '../src/split/frame-splitter.js';
import { writeCsvs } from '../src/split/write-csvs.js';

const ROWS = 23_000;
const FEATURES = 40;
const PYTHON = '/usr/bin/python3';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'split-eval-bench-'));

function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min / 1000;
}

async function bestAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min / 1000;
}

// A feature frame like the flattener's: session id, label, 36 action counts and 4 timing features.
const random = createRandom(3);
const columns: Record<string, Float64Array | Uint8Array | string[]> = {
  SessionNo: Array.from({ length: ROWS }, (_, i) => `s${i}`),
  BadActor: Uint8Array.from({ length: ROWS }, () => (random.next() < 0.005 ? 1 : 0)),
};
for (let j = 0; j < FEATURES; j++) {
  columns[`f${j}`] =
    j < 36
      ? Float64Array.from({ length: ROWS }, () => random.poisson(0.8 + (j % 5)))
      : Float64Array.from({ length: ROWS }, () => random.lognormal(Math.log(20), 1));
}
const frame = Frame.fromColumns(columns);
const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
const fractions = { train: 0.7, validation: 0.15, test: 0.15 } as const;

const splitSeconds = best(5, () => splitter.split(frame, { ...fractions, seed: 42 }));
const split = splitter.split(frame, { ...fractions, seed: 42 });
const jobs = [{ name: 'bench', split }];
const csv32 = await bestAsync(3, () => writeCsvs(jobs, path.join(tmp, 'f32'), { precision: 'float32' }));
const csv64 = await bestAsync(3, () => writeCsvs(jobs, path.join(tmp, 'f64'), { precision: 'float64' }));
const papa = best(3, () => {
  const matrix = frame.toMatrix(['BadActor', ...split.featureNames]);
  const rows: number[][] = [];
  for (let r = 0; r < matrix.rows; r++)
    rows.push(Array.from(matrix.data.subarray(r * matrix.columns, (r + 1) * matrix.columns)));
  writeFileSync(path.join(tmp, 'papa.csv'), Papa.unparse(rows, { header: false, newline: '\n' }));
});

// Scores: a test day of ~9K sessions and 1M scores, float32 probabilities with ties.
function scores(n: number, seed: number): { labels: Uint8Array; scores: Float32Array } {
  const r = createRandom(seed);
  const labels = Uint8Array.from({ length: n }, () => (r.next() < 0.01 ? 1 : 0));
  const s = Float32Array.from(labels, (y) => 1 / (1 + Math.exp(-r.normal(y * 3 - 3, 1.2))));
  return { labels, scores: s };
}
const sizes = [9_000, 1_000_000];
const ours = sizes.map((n) => {
  const { labels, scores: s } = scores(n, n);
  const auc = rocAuc(labels, s)!;
  const ap = averagePrecision(labels, s)!;
  const seconds = best(n > 100_000 ? 3 : 10, () => {
    rocAuc(labels, s);
    averagePrecision(labels, s);
  });
  const curve = best(n > 100_000 ? 3 : 10, () => rocCurve(labels, s));
  writeFileSync(path.join(tmp, `y${n}.u8`), labels);
  writeFileSync(path.join(tmp, `s${n}.f32`), Buffer.from(s.buffer));
  return { n, auc, ap, seconds, curve };
});

let sklearn: { n: number; seconds: number; auc: number; ap: number }[] | undefined;
let sklearnNote = '';
if (existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn']).status === 0) {
  const script = String.raw`
import sys, json, time, numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score
out = []
for n in map(int, sys.argv[2:]):
    y = np.fromfile(sys.argv[1] + '/y%d.u8' % n, dtype=np.uint8); s = np.fromfile(sys.argv[1] + '/s%d.f32' % n, dtype=np.float32)
    best = float('inf')
    for _ in range(3 if n > 100000 else 10):
        t = time.perf_counter(); a = roc_auc_score(y, s); p = average_precision_score(y, s); best = min(best, time.perf_counter() - t)
    out.append(dict(n=n, seconds=best, auc=float(a), ap=float(p)))
print(json.dumps(out))
`;
  const run = spawnSync(PYTHON, ['-c', script, tmp, ...sizes.map(String)], { encoding: 'utf8' });
  if (run.status === 0) sklearn = JSON.parse(run.stdout);
  else sklearnNote = `scikit-learn run failed: ${run.stderr.split('\n').slice(-2).join(' ')}`;
} else {
  sklearnNote = 'scikit-learn not available at /usr/bin/python3: no anchor measured';
}
rmSync(tmp, { recursive: true, force: true });

const values = ROWS * (FEATURES + 1);
const lines: string[] = [];
lines.push('## split and evaluation');
lines.push('');
lines.push(
  `${os.availableParallelism()} cores, Node ${process.version}; best of several runs. No anchor is named for this area: papaparse and scikit-learn are measured in the same run for reference.`,
);
lines.push('');
lines.push(
  `Frame: ${ROWS} sessions × ${FEATURES} features (36 Poisson counts, 4 lognormal timings), split 70/15/15 (stratified, seed 42).`,
);
lines.push('');
lines.push('| work | time | throughput | reference in the same run |');
lines.push('|---|---:|---:|---|');
lines.push(
  `| FrameSplitter.split (stratified) | ${(splitSeconds * 1000).toFixed(2)} ms | ${(ROWS / splitSeconds / 1e6).toFixed(1)} M rows/s | — |`,
);
lines.push(
  `| writeCsvs, float32 text (XGBoost-exact, default) | ${(csv32 * 1000).toFixed(0)} ms | ${(values / csv32 / 1e6).toFixed(2)} M values/s | papaparse unparse (float64 text, one string): ${(papa * 1000).toFixed(0)} ms → ${(papa / csv32).toFixed(2)}× faster here |`,
);
lines.push(
  `| writeCsvs, float64 text | ${(csv64 * 1000).toFixed(0)} ms | ${(values / csv64 / 1e6).toFixed(2)} M values/s | papaparse: ${(papa / csv64).toFixed(2)}× faster here |`,
);
for (const o of ours) {
  const ref = sklearn?.find((s) => s.n === o.n);
  const refText = ref
    ? `scikit-learn 1.2.1 roc_auc_score + average_precision_score: ${(ref.seconds * 1000).toFixed(2)} ms → ${(ref.seconds / o.seconds).toFixed(2)}× faster here (AUC ${Math.abs(ref.auc - o.auc) < 1e-12 ? 'equal within 1e-12' : `differs by ${Math.abs(ref.auc - o.auc)}`}, AP ${Math.abs(ref.ap - o.ap) < 1e-12 ? 'equal within 1e-12' : `differs by ${Math.abs(ref.ap - o.ap)}`})`
    : sklearnNote;
  lines.push(
    `| rocAuc + averagePrecision, ${o.n.toLocaleString('en')} scores | ${(o.seconds * 1000).toFixed(2)} ms | ${(o.n / o.seconds / 1e6).toFixed(2)} M scores/s | ${refText} |`,
  );
  lines.push(
    `| rocCurve, ${o.n.toLocaleString('en')} scores | ${(o.curve * 1000).toFixed(2)} ms | ${(o.n / o.curve / 1e6).toFixed(2)} M scores/s | — |`,
  );
}
console.log(lines.join('\n'));
