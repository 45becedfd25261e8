/**
 * TrainRunner end to end on the LocalBackend: the user's six experiments (drop0, drop20, first5,
 * first10, last5, last10) from the seeded synthetic log through the session flattener, the
 * splitter and the SageMaker CSV channels — trained, deployed, invoked on a 9K-session test day,
 * and cleaned up, with 1 and 2 training workers. Anchor measured in the same run: XGBoost 1.7.4
 * (Debian's python3-xgboost, 1 thread, the SageMaker 1.7-1 version) training the same six CSV
 * channels with the same hyperparameters and watch list, one after another — training alone, no
 * serving — in a fresh process per round, timed inside Python. Issue 18's protocol: rounds
 * alternating the three (the one going first rotating), medians with the spread (min–max) of CPU
 * time (the whole process, all threads) and wall time, ratios computed per round.
 *
 * At the user's size (310K events, ~23K training sessions per job) 5 rounds take about 3.5 minutes
 * on this machine; RUNNER_EVENTS sets a smaller log when that is too long, and the report states the
 * size measured.
 *
 *   npx tsx bench/train-runner.bench.ts         # RUNNER_ROUNDS=5, RUNNER_EVENTS=310000
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
import { median, measuredCommit } from './measure.js';

const PYTHON = '/usr/bin/python3';
const ROUNDS = Number(process.env.RUNNER_ROUNDS ?? 5);
const USER_EVENTS = 310_000;
const EVENTS = Number(process.env.RUNNER_EVENTS ?? USER_EVENTS);
const work = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-bench-runner-'));

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const loadStart = os.loadavg()[0]!;

// --- input: the user's experiment, generated ---
const prepStarted = performance.now();
const trainLog = syntheticEventLog(generateEvents({ seed: 2019, events: EVENTS }), 'synthetic-train');
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
/** Seconds of one phase: wall, and CPU of the whole process (user + system, all threads). */
interface Phase {
  readonly wall: number;
  readonly cpu: number;
}

interface RoundTrip {
  readonly total: Phase;
  readonly train: Phase;
  readonly deploy: Phase;
  readonly invoke: Phase;
  readonly cleanup: Phase;
  readonly scored: number;
  readonly failed: number;
  readonly threads: number;
  readonly reasons: readonly string[];
}

async function roundTrip(workers: number, round: number): Promise<RoundTrip> {
  const backend = new LocalBackend({ workDir: path.join(work, `run-${workers}-${round}`), workers });
  const runner = new TrainRunner({ backend, prefix: `bench${workers}r${round}` });
  const threadIds = new Set<number>();
  const marks: { wall: number; cpu: number }[] = [];
  const mark = (): void => {
    marks.push({ wall: performance.now() / 1000, cpu: cpuNow() });
  };
  let scored = 0;
  let failed = 0;
  const reasons: string[] = [];
  mark();
  try {
    await runner.startJobs(files);
    const trained = await runner.waitForJobs();
    for (const job of trained.succeeded) threadIds.add(backend.trainingDetails(job.jobName)?.threadId ?? -1);
    mark();
    await runner.createModels();
    await runner.createEndpoints();
    const ready = await runner.waitForEndpoints();
    mark();
    const scores = await Promise.all(ready.succeeded.map((e) => runner.invoke(e.job, testFeatures.get(e.job)!)));
    scored = scores.reduce((n, s) => n + s.length, 0);
    mark();
    failed = trained.failed.length + ready.failed.length;
    reasons.push(...[...trained.failed, ...ready.failed].map((f) => `${f.job}: ${f.reason}`));
  } finally {
    await runner.close();
    await backend.close();
  }
  mark();
  // A phase that a failure cut short has no mark of its own: it ends where the clean-up began.
  while (marks.length < 5) marks.splice(marks.length - 1, 0, marks[marks.length - 2]!);
  const phase = (from: number, to: number): Phase => ({
    wall: marks[to]!.wall - marks[from]!.wall,
    cpu: marks[to]!.cpu - marks[from]!.cpu,
  });
  return {
    total: phase(0, 4),
    train: phase(0, 1),
    deploy: phase(1, 2),
    invoke: phase(2, 3),
    cleanup: phase(3, 4),
    scored,
    failed,
    threads: threadIds.size,
    reasons,
  };
}

// --- anchor: XGBoost 1.7.4 trains the same channels, sequentially, one thread, a fresh process per round ---
const ANCHOR = String.raw`
import json, sys, time, numpy as np, xgboost as xgb
params = json.loads(sys.argv[1]); params['nthread'] = 1
rounds = int(sys.argv[2]); jobs = json.loads(sys.argv[3])
def load(p):
    a = np.genfromtxt(p, delimiter=',', dtype=np.float64, missing_values='', filling_values=np.nan)
    return xgb.DMatrix(a[:, 1:], label=a[:, 0], nthread=1)
w, c = time.perf_counter(), time.process_time()
load_wall = load_cpu = 0.0
for train, validation in jobs:
    lw, lc = time.perf_counter(), time.process_time()
    dtrain, dval = load(train), load(validation)
    load_wall += time.perf_counter() - lw; load_cpu += time.process_time() - lc
    xgb.train(params, dtrain, num_boost_round=rounds, evals=[(dtrain, 'train'), (dval, 'validation')], verbose_eval=False)
print(json.dumps(dict(wall=time.perf_counter() - w, cpu=time.process_time() - c, loadWall=load_wall, loadCpu=load_cpu)))
`;
let anchorNote = '';
const anchorReady =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import xgboost; assert xgboost.__version__ == "1.7.4"']).status === 0;
if (!anchorReady) anchorNote = 'XGBoost anchor not measured: /usr/bin/python3 with xgboost 1.7.4 is not installed.';
const anchorParams = Object.fromEntries(Object.entries(SEED_HYPERPARAMETERS).filter(([k]) => k !== 'num_round'));
/** One anchor run: the whole loop, and the part of it spent loading the CSV channels (`genfromtxt` + DMatrix). */
interface AnchorRun extends Phase {
  readonly loadWall: number;
  readonly loadCpu: number;
}
function anchorRound(): AnchorRun | undefined {
  if (!anchorReady || anchorNote !== '') return undefined;
  const run = spawnSync(
    PYTHON,
    [
      '-c',
      ANCHOR,
      JSON.stringify(anchorParams),
      String(SEED_HYPERPARAMETERS.num_round),
      JSON.stringify(files.map((f) => [f.train, f.validation])),
    ],
    { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
  );
  if (run.status === 0) return JSON.parse(run.stdout) as AnchorRun;
  anchorNote = `XGBoost anchor failed: ${run.stderr.trim().split('\n').pop()}`;
  return undefined;
}

// --- rounds: 1 worker, 2 workers and the anchor, the one going first rotating ---
type Side = 'one' | 'two' | 'anchor';
const ORDER: readonly Side[] = ['one', 'two', 'anchor'];
const runs: { one: RoundTrip[]; two: RoundTrip[]; anchor: AnchorRun[] } = { one: [], two: [], anchor: [] };
const expectedScored = jobs.length * testRows;
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < ORDER.length; k++) {
    const side = ORDER[(round + k) % ORDER.length]!;
    if (side === 'anchor') {
      const a = anchorRound();
      if (a !== undefined) runs.anchor.push(a);
      continue;
    }
    const workers = side === 'one' ? 1 : 2;
    const r = await roundTrip(workers, round);
    if (r.failed > 0 || r.scored !== expectedScored) {
      // Times of a run whose jobs failed measure nothing; say why instead of printing them.
      process.stderr.write(
        `train-runner bench: round ${round + 1} with ${workers} worker(s): ${r.failed} job(s) failed, ${r.scored} of ${expectedScored} rows scored${r.reasons.length > 0 ? `: ${r.reasons.join('; ')}` : ''}\n`,
      );
      rmSync(work, { recursive: true, force: true });
      process.exit(1);
    }
    runs[side].push(r);
  }
}
const loadEnd = os.loadavg()[0]!;
rmSync(work, { recursive: true, force: true });

// --- report ---
const s2 = (v: number): string => v.toFixed(2);
const range = (values: readonly number[], text: (v: number) => string = s2): string =>
  `${text(median(values))} (${text(Math.min(...values))}–${text(Math.max(...values))})`;
const x = (v: number): string => `${v.toFixed(2)}×`;
type PhaseName = 'total' | 'train' | 'deploy' | 'invoke' | 'cleanup';
const cell = (list: readonly RoundTrip[], phase: PhaseName, field: keyof Phase): string =>
  range(list.map((r) => r[phase][field]));
const userSize = EVENTS === USER_EVENTS;
const lines: string[] = [];
lines.push('## TrainRunner: six experiments end to end on the LocalBackend');
lines.push('');
lines.push(
  `The user's six jobs (${ORIGINAL_JOB_NAMES.join(', ')}) from a seeded synthetic log of ${EVENTS.toLocaleString('en')} events` +
    (userSize
      ? " (the user's size)"
      : ` (about ${(EVENTS / USER_EVENTS).toFixed(2)} of the user's 310,000, so that ${ROUNDS} rounds fit in about 5 minutes on this shared machine)`) +
    `: ${trainRows} training + ${first.validation.rowCount} validation sessions × ${featureCount} features per job ` +
    `(CSV channels written by \`writeCsvs\`), seed hyperparameters (${Object.entries(SEED_HYPERPARAMETERS)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}). ` +
    `Each run trains all six on worker threads, registers models, starts six endpoints, scores a ${testRows}-session test day on each over HTTP, and deletes everything. ` +
    `Preparing the input (generate, flatten, split, write CSVs) took ${s2(prepMs / 1000)} s and is not counted.`,
);
lines.push('');
lines.push(
  `${ROUNDS} rounds, each running a 1-worker round trip, a 2-worker round trip and the anchor (the one going first rotating between rounds); medians with the spread (min–max), in seconds. ` +
    'CPU: user + system time of the whole process, all threads (the training workers included); for the anchor, `time.process_time()` of its Python process around the loop. Wall time includes waiting for a core. ' +
    `Measured at commit ${measuredCommit()} on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; ` +
    `1-minute load average ${loadStart.toFixed(1)} at the start and ${loadEnd.toFixed(1)} at the end (a shared machine: a second worker helps only when a core is free).`,
);
lines.push('');
lines.push(
  '| training workers | threads used | round trip wall | round trip CPU | train wall | train CPU | deploy wall | invoke 6 × test day wall | clean-up wall | rows scored | failures |',
);
lines.push('|---:|---:|---|---|---|---|---|---|---|---:|---:|');
for (const [workers, list] of [
  [1, runs.one],
  [2, runs.two],
] as const) {
  lines.push(
    `| ${workers} | ${[...new Set(list.map((r) => r.threads))].join(', ')} | ${cell(list, 'total', 'wall')} | ${cell(list, 'total', 'cpu')} | ${cell(list, 'train', 'wall')} | ${cell(list, 'train', 'cpu')} | ${cell(list, 'deploy', 'wall')} | ${cell(list, 'invoke', 'wall')} | ${cell(list, 'cleanup', 'wall')} | ${list[0]!.scored} each round | 0 |`,
  );
}
lines.push('');
if (runs.anchor.length === ROUNDS) {
  const a = runs.anchor;
  /** Ours ÷ the anchor's, per round (lower: ours faster), median (spread). */
  const per = (list: readonly RoundTrip[], phase: PhaseName, field: keyof Phase): string =>
    range(
      list.map((r, i) => r[phase][field] / a[i]![field]),
      x,
    );
  lines.push(
    `Anchor: XGBoost 1.7.4, 1 thread, training the same six channels in sequence (CSV load + ${SEED_HYPERPARAMETERS.num_round} rounds, watching train and validation), no serving: wall ${range(a.map((r) => r.wall))} s, CPU ${range(a.map((r) => r.cpu))} s, of which loading the twelve CSV files with numpy's \`genfromtxt\` into DMatrix: wall ${range(a.map((r) => r.loadWall))} s, CPU ${range(a.map((r) => r.loadCpu))} s (our training phase includes reading the same CSV files).`,
  );
  lines.push('');
  lines.push('| ours ÷ anchor, per round (lower is faster) | 1 worker | 2 workers |');
  lines.push('|---|---|---|');
  lines.push(`| training, CPU | ${per(runs.one, 'train', 'cpu')} | ${per(runs.two, 'train', 'cpu')} |`);
  lines.push(`| training, wall | ${per(runs.one, 'train', 'wall')} | ${per(runs.two, 'train', 'wall')} |`);
  lines.push(
    `| whole round trip (train, deploy, invoke, clean up), CPU | ${per(runs.one, 'total', 'cpu')} | ${per(runs.two, 'total', 'cpu')} |`,
  );
  lines.push(`| whole round trip, wall | ${per(runs.one, 'total', 'wall')} | ${per(runs.two, 'total', 'wall')} |`);
  lines.push('');
  lines.push('No goal is named for this benchmark: no verdict; the anchor is for reference.');
} else {
  lines.push(anchorNote);
}
lines.push('');
lines.push(
  `Speed-up from 1 to 2 workers, per round: ${range(
    runs.one.map((r, i) => r.total.wall / runs.two[i]!.total.wall),
    x,
  )} on the whole round trip's wall time, ${range(
    runs.one.map((r, i) => r.train.wall / runs.two[i]!.train.wall),
    x,
  )} on training's.`,
);
console.log(lines.join('\n'));
