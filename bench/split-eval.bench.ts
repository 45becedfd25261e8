/**
 * Split-and-evaluate benchmark on the user's shapes: a ~23K-session × 40-feature frame (the seed's
 * experiment) split 70/15/15 and written as SageMaker CSV channels, and ROC/PR metrics over the
 * ~9K-session test day and over 1M scores. The issue names no goal for this area; for reference the
 * same run measures papaparse's `unparse` writing the same rows (JS, in this process), and
 * scikit-learn 1.2.1's `roc_auc_score` + `average_precision_score` on the same scores (Debian's
 * python3-sklearn at /usr/bin/python3, a fresh process per round timing itself after a warm-up call;
 * skipped, and said so, when absent). Issue 18's protocol: rounds alternating ours and the reference,
 * medians with the spread (min–max) of CPU and wall time, ratios computed per round.
 *
 *   npx tsx bench/split-eval.bench.ts            # SPLIT_EVAL_ROUNDS=7 by default
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
import { median, measuredCommit } from './measure.js';

const ROWS = 23_000;
const FEATURES = 40;
const ROUNDS = Number(process.env.SPLIT_EVAL_ROUNDS ?? 7);
const PYTHON = '/usr/bin/python3';
/** Calls per timed sample: short calls are repeated so that one sample is not a timer's resolution. */
const SPLIT_CALLS = 20;
const SIZES = [9_000, 1_000_000] as const;
const metricCalls = (n: number): number => (n > 100_000 ? 1 : 20);

/** Wall and CPU seconds of one sample (CPU: user + system of this process, all threads). */
interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** One sample of `calls` calls of `fn`, per call. */
function timed(calls: number, fn: () => void): Sample {
  const c = cpuNow();
  const t = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return { wall: (performance.now() - t) / 1000 / calls, cpu: (cpuNow() - c) / calls };
}

async function timedAsync(fn: () => Promise<unknown>): Promise<Sample> {
  const c = cpuNow();
  const t = performance.now();
  await fn();
  return { wall: (performance.now() - t) / 1000, cpu: cpuNow() - c };
}

const loadStart = os.loadavg()[0]!;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'split-eval-bench-'));

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
const split = splitter.split(frame, { ...fractions, seed: 42 });
const jobs = [{ name: 'bench', split }];
const papaparse = (): void => {
  const matrix = frame.toMatrix(['BadActor', ...split.featureNames]);
  const rows: number[][] = [];
  for (let r = 0; r < matrix.rows; r++)
    rows.push(Array.from(matrix.data.subarray(r * matrix.columns, (r + 1) * matrix.columns)));
  writeFileSync(path.join(tmp, 'papa.csv'), Papa.unparse(rows, { header: false, newline: '\n' }));
};
const csv = (precision: 'float32' | 'float64') => () => writeCsvs(jobs, path.join(tmp, precision), { precision });

// Scores: a test day of ~9K sessions and 1M scores, float32 probabilities with ties.
function scores(n: number, seed: number): { labels: Uint8Array; scores: Float32Array } {
  const r = createRandom(seed);
  const labels = Uint8Array.from({ length: n }, () => (r.next() < 0.01 ? 1 : 0));
  const s = Float32Array.from(labels, (y) => 1 / (1 + Math.exp(-r.normal(y * 3 - 3, 1.2))));
  return { labels, scores: s };
}
const data = SIZES.map((n) => {
  const { labels, scores: s } = scores(n, n);
  writeFileSync(path.join(tmp, `y${n}.u8`), labels);
  writeFileSync(path.join(tmp, `s${n}.f32`), Buffer.from(s.buffer));
  return { n, labels, scores: s, auc: rocAuc(labels, s)!, ap: averagePrecision(labels, s)! };
});

// scikit-learn: one process per round, a warm-up call per size, then the timed calls (wall and CPU).
const SKLEARN = String.raw`
import sys, json, time, numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score
out = []
for n, calls in (map(int, a.split(':')) for a in sys.argv[2:]):
    y = np.fromfile(sys.argv[1] + '/y%d.u8' % n, dtype=np.uint8); s = np.fromfile(sys.argv[1] + '/s%d.f32' % n, dtype=np.float32)
    roc_auc_score(y, s); average_precision_score(y, s)
    w, c = time.perf_counter(), time.process_time()
    for _ in range(calls):
        a = roc_auc_score(y, s); p = average_precision_score(y, s)
    out.append(dict(n=n, wall=(time.perf_counter() - w) / calls, cpu=(time.process_time() - c) / calls, auc=float(a), ap=float(p)))
print(json.dumps(out))
`;
interface SklearnRun {
  n: number;
  wall: number;
  cpu: number;
  auc: number;
  ap: number;
}
let sklearnNote = '';
const sklearnReady = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn']).status === 0;
if (!sklearnReady) sklearnNote = 'scikit-learn not available at /usr/bin/python3: no reference measured';
function sklearnRound(): SklearnRun[] | undefined {
  if (!sklearnReady || sklearnNote !== '') return undefined;
  const run = spawnSync(PYTHON, ['-c', SKLEARN, tmp, ...SIZES.map((n) => `${n}:${metricCalls(n)}`)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (run.status === 0) return JSON.parse(run.stdout) as SklearnRun[];
  sklearnNote = `scikit-learn run failed: ${run.stderr.split('\n').slice(-2).join(' ')}`;
  return undefined;
}

// Warm-up of every timed piece of ours, then rounds alternating ours and the reference.
splitter.split(frame, { ...fractions, seed: 42 });
await csv('float32')();
await csv('float64')();
papaparse();
for (const d of data) {
  rocAuc(d.labels, d.scores);
  averagePrecision(d.labels, d.scores);
  rocCurve(d.labels, d.scores);
}

type Work = 'split' | 'csv32' | 'csv64' | 'papa' | `metrics${number}` | `curve${number}` | `sklearn${number}`;
const samples = new Map<Work, Sample[]>();
const record = (work: Work, sample: Sample): void => {
  const list = samples.get(work) ?? [];
  list.push(sample);
  samples.set(work, list);
};
const mismatches: string[] = [];
for (let round = 0; round < ROUNDS; round++) {
  record(
    'split',
    timed(SPLIT_CALLS, () => splitter.split(frame, { ...fractions, seed: 42 })),
  );
  // Which side goes first alternates between rounds.
  if (round % 2 === 0) {
    record('csv32', await timedAsync(csv('float32')));
    record('papa', timed(1, papaparse));
  } else {
    record('papa', timed(1, papaparse));
    record('csv32', await timedAsync(csv('float32')));
  }
  record('csv64', await timedAsync(csv('float64')));
  const ours = (): void => {
    for (const d of data) {
      record(
        `metrics${d.n}`,
        timed(metricCalls(d.n), () => {
          rocAuc(d.labels, d.scores);
          averagePrecision(d.labels, d.scores);
        }),
      );
      record(
        `curve${d.n}`,
        timed(metricCalls(d.n), () => rocCurve(d.labels, d.scores)),
      );
    }
  };
  if (round % 2 === 0) ours();
  const reference = sklearnRound();
  if (round % 2 === 1) ours();
  for (const r of reference ?? []) {
    record(`sklearn${r.n}`, { wall: r.wall, cpu: r.cpu });
    const d = data.find((x) => x.n === r.n)!;
    if (Math.abs(r.auc - d.auc) >= 1e-12) mismatches.push(`AUC at ${r.n} differs by ${Math.abs(r.auc - d.auc)}`);
    if (Math.abs(r.ap - d.ap) >= 1e-12) mismatches.push(`AP at ${r.n} differs by ${Math.abs(r.ap - d.ap)}`);
  }
}
const loadEnd = os.loadavg()[0]!;
rmSync(tmp, { recursive: true, force: true });
if (mismatches.length > 0) {
  // A reference that disagrees makes the times meaningless: say so and fail.
  process.stderr.write(`split-eval bench: scikit-learn disagrees: ${[...new Set(mismatches)].join('; ')}\n`);
  process.exit(1);
}

const of = (work: Work): Sample[] => samples.get(work) ?? [];
const range = (values: readonly number[], text: (v: number) => string): string =>
  `${text(median(values))} (${text(Math.min(...values))}–${text(Math.max(...values))})`;
const ms = (seconds: number): string => (seconds * 1000).toFixed(seconds < 0.01 ? 3 : seconds < 1 ? 2 : 0);
/** "wall median (spread) / CPU median (spread)" in ms. */
const times = (work: Work): string => {
  const list = of(work);
  return list.length === 0
    ? '—'
    : `${range(
        list.map((s) => s.wall),
        ms,
      )} / ${range(
        list.map((s) => s.cpu),
        ms,
      )}`;
};
const throughput = (work: Work, units: number, unit: string): string => {
  const cpu = median(of(work).map((s) => s.cpu));
  return `${(units / cpu / 1e6).toFixed(2)} M ${unit}/s`;
};
/** Reference time ÷ ours, per round (higher: ours faster), median (spread), by CPU and by wall. */
const ratio = (reference: Work, ours: Work): string => {
  const theirs = of(reference);
  const mine = of(ours);
  if (theirs.length === 0) return '—';
  const per = (field: keyof Sample): string =>
    range(
      theirs.map((t, i) => t[field] / mine[i]![field]),
      (v) => `${v.toFixed(2)}×`,
    );
  return `CPU ${per('cpu')}, wall ${per('wall')}`;
};

const values = ROWS * (FEATURES + 1);
const lines: string[] = [];
lines.push('## split and evaluation');
lines.push('');
lines.push(
  `No goal is named for this area: no verdict; papaparse and scikit-learn 1.2.1 are measured in the same run for reference only. ` +
    `${ROUNDS} rounds, each timing every piece of ours once and the references once (papaparse in this process, the side going first alternating; scikit-learn in a fresh process per round, timed inside Python after an untimed warm-up call, alternating before and after ours), after a warm-up of ours; ` +
    `medians with the spread (min–max) over the rounds. CPU: user + system time of the process (all threads); wall includes waiting for a core. ` +
    `Calls of ${ROWS.toLocaleString('en')}-row splits and 9,000-score metrics are repeated (${SPLIT_CALLS} and ${metricCalls(9_000)} per sample) and given per call. ` +
    `Ratios are the reference's time ÷ ours within each round (higher: ours faster), their median and spread. ` +
    `Measured at commit ${measuredCommit()} on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; 1-minute load average ${loadStart.toFixed(1)} at the start and ${loadEnd.toFixed(1)} at the end (a shared machine).`,
);
lines.push('');
lines.push(
  `Frame: ${ROWS} sessions × ${FEATURES} features (36 Poisson counts, 4 lognormal timings), split 70/15/15 (stratified, seed 42). Scores: float32 probabilities with ties, 1% positives.`,
);
lines.push('');
lines.push(
  '| work | ours: wall / CPU, ms | throughput (by CPU) | reference: wall / CPU, ms | reference ÷ ours, per round |',
);
lines.push('|---|---|---:|---|---|');
lines.push(`| FrameSplitter.split (stratified) | ${times('split')} | ${throughput('split', ROWS, 'rows')} | — | — |`);
lines.push(
  `| writeCsvs, float32 text (XGBoost-exact, default) | ${times('csv32')} | ${throughput('csv32', values, 'values')} | papaparse unparse (float64 text, one string): ${times('papa')} | ${ratio('papa', 'csv32')} |`,
);
lines.push(
  `| writeCsvs, float64 text | ${times('csv64')} | ${throughput('csv64', values, 'values')} | papaparse, as above | ${ratio('papa', 'csv64')} |`,
);
for (const d of data) {
  const size = d.n.toLocaleString('en');
  const reference = of(`sklearn${d.n}`).length
    ? `scikit-learn roc_auc_score + average_precision_score: ${times(`sklearn${d.n}`)}`
    : sklearnNote;
  lines.push(
    `| rocAuc + averagePrecision, ${size} scores | ${times(`metrics${d.n}`)} | ${throughput(`metrics${d.n}`, d.n, 'scores')} | ${reference} | ${ratio(`sklearn${d.n}`, `metrics${d.n}`)} |`,
  );
  lines.push(
    `| rocCurve, ${size} scores | ${times(`curve${d.n}`)} | ${throughput(`curve${d.n}`, d.n, 'scores')} | — | — |`,
  );
}
lines.push('');
lines.push(
  of(`sklearn${SIZES[0]}`).length
    ? `AUC and AP equal to scikit-learn's within 1e-12 at both sizes in every round (checked; the bench fails otherwise).`
    : sklearnNote,
);
console.log(lines.join('\n'));
