/**
 * TrainRunner end to end on the LocalBackend: the user's six experiments (drop0, drop20, first5,
 * first10, last5, last10) at the user's size — ~23K training sessions × ~40 features each, from
 * the seeded synthetic log through the session flattener, the splitter and the SageMaker CSV
 * channels — trained, deployed, invoked on a ~9K-session test day, and cleaned up. Wall time with
 * 1 and 2 training workers. Anchor measured in the same run: XGBoost 1.7.4 (Debian's
 * python3-xgboost, 1 thread, the SageMaker 1.7-1 version) training the same six CSV channels with
 * the same hyperparameters and watch list, one after another — training alone, no serving.
 *
 *   npx tsx bench/train-runner.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionVocabulary } from '../src/sessions/action-vocabulary.js';
import { ORIGINAL_JOB_NAMES, standardJobs } from '../src/sessions/job-grid.js';
import { prepareJobs, prepareTestJobs } from '../src/sessions/prepare-jobs.js';
import { SessionFlattener } from '../src/sessions/session-flattener.js';
import { FrameSplitter } from '../src/split/frame-splitter.js';
import { writeCsvs } from '../src/split/write-csvs.js';
import { generateEvents } from '../src/synth/generate-events.js';
import { syntheticEventLog } from '../src/synth/synthetic-log.js';
import { LocalBackend } from '../src/train/local-backend.js';
import { SEED_HYPERPARAMETERS } from '../src/train/default-hyperparameters.js';
import { TrainRunner } from '../src/train/train-runner.js';
import type { Frame } from '../src/frame/frame.js';

const PYTHON = '/usr/bin/python3';
const work = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-bench-runner-'));

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

// --- input: the user's experiment, generated ---
const prepStarted = performance.now();
const trainLog = syntheticEventLog(generateEvents({ seed: 2019, events: 310_000 }), 'synthetic-train');
const testLog = syntheticEventLog(
  generateEvents({ seed: 2020, sessions: 9_000, attackerEventShare: 0.01, firstSessionNo: 50_000_000 }),
  'synthetic-test-day',
);
const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs([trainLog, testLog]) });
const jobs = standardJobs({ names: ORIGINAL_JOB_NAMES });
const trainFrames = prepareJobs(trainLog, jobs, flattener);
const testFrames = prepareTestJobs(testLog, jobs, flattener);
const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
const csvJobs = [...trainFrames].map(([name, frame]) => ({
  name,
  source: 'synthetic-train',
  split: splitter.split(frame, { train: 0.8, validation: 0.2, test: 0, seed: 42 }),
}));
const files = await writeCsvs(csvJobs, path.join(work, 'csv'));
const testFeatures = new Map<string, Frame>([...testFrames].map(([name, frame]) => [name, splitter.features(frame)]));
const first = csvJobs[0]!.split;
const trainRows = first.train.rowCount;
const featureCount = splitter.featureNames(first.train).length;
const testRows = testFeatures.get(jobs[0]!.name)!.rowCount;
const prepMs = performance.now() - prepStarted;

// --- the measured round trip ---
interface RoundTrip {
  readonly workers: number;
  readonly totalMs: number;
  readonly trainMs: number;
  readonly deployMs: number;
  readonly invokeMs: number;
  readonly cleanupMs: number;
  readonly scored: number;
  readonly failed: number;
  readonly threads: number;
  readonly reasons: readonly string[];
}

async function roundTrip(workers: number): Promise<RoundTrip> {
  const backend = new LocalBackend({ workDir: path.join(work, `run-${workers}`), workers });
  const runner = new TrainRunner({ backend, prefix: `bench${workers}` });
  const threadIds = new Set<number>();
  const t0 = performance.now();
  let t1 = t0;
  let t2 = t0;
  let t3 = t0;
  let scored = 0;
  let failed = 0;
  const reasons: string[] = [];
  try {
    await runner.startJobs(files);
    const trained = await runner.waitForJobs();
    for (const job of trained.succeeded) threadIds.add(backend.trainingDetails(job.jobName)?.threadId ?? -1);
    t1 = performance.now();
    await runner.createModels();
    await runner.createEndpoints();
    const ready = await runner.waitForEndpoints();
    t2 = performance.now();
    const scores = await Promise.all(ready.succeeded.map((e) => runner.invoke(e.job, testFeatures.get(e.job)!)));
    scored = scores.reduce((n, s) => n + s.length, 0);
    t3 = performance.now();
    failed = trained.failed.length + ready.failed.length;
    reasons.push(...[...trained.failed, ...ready.failed].map((f) => `${f.job}: ${f.reason}`));
  } finally {
    await runner.close();
    await backend.close();
  }
  const t4 = performance.now();
  return {
    workers,
    totalMs: t4 - t0,
    trainMs: t1 - t0,
    deployMs: t2 - t1,
    invokeMs: t3 - t2,
    cleanupMs: t4 - t3,
    scored,
    failed,
    threads: threadIds.size,
    reasons,
  };
}

const loadBefore = os.loadavg()[0] as number;
const runs: RoundTrip[] = [];
for (const workers of [1, 2]) runs.push(await roundTrip(workers));
const loadAfter = os.loadavg()[0] as number;
const broken = runs.find((r) => r.failed > 0);
if (broken) {
  // Times of a run whose jobs failed measure nothing; say why instead of printing them.
  process.stderr.write(
    `train-runner bench: ${broken.failed} job(s) failed with ${broken.workers} worker(s): ${broken.reasons.join('; ')}\n`,
  );
  rmSync(work, { recursive: true, force: true });
  process.exit(1);
}

// --- anchor: XGBoost 1.7.4 trains the same channels, sequentially, one thread ---
let anchorMs: number | undefined;
let anchorNote = '';
if (
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import xgboost; assert xgboost.__version__ == "1.7.4"']).status === 0
) {
  const params = Object.fromEntries(Object.entries(SEED_HYPERPARAMETERS).filter(([k]) => k !== 'num_round'));
  const script = `
import json, sys, time, numpy as np, xgboost as xgb
params = json.loads(sys.argv[1]); params['nthread'] = 1
rounds = int(sys.argv[2]); jobs = json.loads(sys.argv[3])
def load(p):
    a = np.genfromtxt(p, delimiter=',', dtype=np.float64, missing_values='', filling_values=np.nan)
    return xgb.DMatrix(a[:, 1:], label=a[:, 0])
t = time.perf_counter()
for train, validation in jobs:
    dtrain, dval = load(train), load(validation)
    xgb.train(params, dtrain, num_boost_round=rounds, evals=[(dtrain, 'train'), (dval, 'validation')], verbose_eval=False)
print((time.perf_counter() - t) * 1000)
`;
  const run = spawnSync(
    PYTHON,
    [
      '-c',
      script,
      JSON.stringify(params),
      SEED_HYPERPARAMETERS.num_round as string,
      JSON.stringify(files.map((f) => [f.train, f.validation])),
    ],
    { encoding: 'utf8' },
  );
  if (run.status === 0) anchorMs = Number(run.stdout.trim());
  else anchorNote = `XGBoost anchor failed: ${run.stderr.trim().split('\n').pop()}`;
} else {
  anchorNote = 'XGBoost anchor not measured: /usr/bin/python3 with xgboost 1.7.4 is not installed.';
}

rmSync(work, { recursive: true, force: true });

// --- report ---
const lines: string[] = [];
lines.push('## TrainRunner: six experiments end to end on the LocalBackend');
lines.push('');
lines.push(
  `The user's six jobs (${ORIGINAL_JOB_NAMES.join(', ')}) from a seeded synthetic log: ${trainRows} training + ${first.validation.rowCount} validation sessions × ${featureCount} features per job ` +
    `(CSV channels written by \`writeCsvs\`), seed hyperparameters (${Object.entries(SEED_HYPERPARAMETERS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}). ` +
    `Each run trains all six on worker threads, registers models, starts six endpoints, scores a ${testRows}-session test day on each over HTTP, and deletes everything. ` +
    `Preparing the input (generate, flatten, split, write CSVs) took ${seconds(prepMs)} s and is not counted.`,
);
lines.push('');
lines.push(
  '| training workers | threads used | wall time (s) | train (s) | deploy (s) | invoke 6 × test day (s) | clean-up (s) | rows scored | failures |',
);
lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of runs) {
  lines.push(
    `| ${r.workers} | ${r.threads} | ${seconds(r.totalMs)} | ${seconds(r.trainMs)} | ${seconds(r.deployMs)} | ${seconds(r.invokeMs)} | ${seconds(r.cleanupMs)} | ${r.scored} | ${r.failed} |`,
  );
}
lines.push('');
if (anchorMs !== undefined) {
  lines.push('| anchor | time (s) | local round trip, 1 worker ÷ anchor | 2 workers ÷ anchor |');
  lines.push('|---|---:|---:|---:|');
  lines.push(
    `| XGBoost 1.7.4, 1 thread: train the same six channels in sequence (CSV load + 50 rounds, watching train and validation), no serving | ${seconds(anchorMs)} | ${(runs[0]!.totalMs / anchorMs).toFixed(2)} | ${(runs[1]!.totalMs / anchorMs).toFixed(2)} |`,
  );
} else {
  lines.push(anchorNote);
}
lines.push('');
lines.push(
  `Speed-up from 1 to 2 workers: ${(runs[0]!.totalMs / runs[1]!.totalMs).toFixed(2)}× on the whole round trip, ${(runs[0]!.trainMs / runs[1]!.trainMs).toFixed(2)}× on training.`,
);
lines.push(
  `Machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; shared with other work ` +
    `(1-minute load average ${loadBefore.toFixed(1)} before the runs, ${loadAfter.toFixed(1)} after), so times are noisy and a second worker helps only when a core is free. One run per configuration.`,
);
console.log(lines.join('\n'));
