/**
 * What explaining alerts costs the live scorer. The live-scoring benchmark's setup (a seeded log of
 * ~256K events, counts + timing features, the seed's 50-tree model trained here), then every event
 * through `LiveScorer.pushParsed` with `explain` off and with `explain: { top: 5 }`, runs
 * alternating: at threshold 1 (no session alerts: what `explain` costs events that do not alert,
 * the goal being none) and at the live-scoring benchmark's 0.5 (a model scored on its own training
 * log, so about one session in seven alerts, far more than in production). Reports the medians of
 * events/s, their ratio and the cost per explained alert (TreeSHAP of one row, top 5).
 *
 *   npx tsx bench/explain-alerts.bench.ts
 */
import { execSync } from 'node:child_process';
import os from 'node:os';
import { train } from '../src/model/train.js';
import { TrainingData } from '../src/model/training-data.js';
import { ActionVocabulary } from '../src/sessions/action-vocabulary.js';
import { SessionFlattener } from '../src/sessions/session-flattener.js';
import { LiveScorer } from '../src/serve/live-scorer.js';
import { generateEvents } from '../src/synth/generate-events.js';
import { syntheticEventLog } from '../src/synth/synthetic-log.js';
import { SEED_HYPERPARAMETERS } from '../src/train/default-hyperparameters.js';

const SEED = 7;
const EVENTS = 256_000;
const ROUNDS = Number(process.env.EXPLAIN_ROUNDS ?? 7);

const load0 = os.loadavg()[0]!;
const log = syntheticEventLog(generateEvents({ seed: SEED, events: EVENTS }));
const flattener = new SessionFlattener({
  vocabulary: ActionVocabulary.fromLogs(log),
  features: { counts: true, timing: true },
}).fit(log);
const schema = flattener.toSchema();
const data = TrainingData.fromFrame(flattener.flatten(log), { label: 'BadActor', features: schema.featureNames });
const params = {
  ...Object.fromEntries(Object.entries(SEED_HYPERPARAMETERS).map(([k, v]) => [k, k === 'objective' ? v : Number(v)])),
  tree_method: 'hist',
  seed: 0,
};
const { booster } = train(data, params);

const n = log.eventCount;
const order = Array.from({ length: n }, (_, i) => i);
const sessionOfPos = new Uint32Array(n);
for (let s = 0; s < log.sessionCount; s++) sessionOfPos.fill(s, log.offsets[s]!, log.offsets[s + 1]!);
const times = log.times!;
order.sort((a, b) => times[log.event(a)]! - times[log.event(b)]! || a - b);
const sessions = order.map((p) => log.sessionIds[sessionOfPos[p]!]!);
const actions = order.map((p) => log.actionAt(p));
const eventTimes = Float64Array.from(order, (p) => times[log.event(p)]!);

function pass(threshold: number, explain: boolean): { ms: number; cpu: number; alerts: number; explained: number } {
  let explained = 0;
  const scorer = new LiveScorer({
    model: booster,
    schema,
    threshold,
    idleTimeoutMs: 30 * 60_000,
    maxSessions: 100_000,
    ...(explain ? { explain: { top: 5 } } : {}),
    onAlert: (a) => {
      if (a.explanation !== undefined) explained++;
    },
  });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) scorer.pushParsed(sessions[i]!, actions[i]!, eventTimes[i]!);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpu: (c.user + c.system) / 1000, alerts: scorer.stats().alerts, explained };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const rows: string[] = [];
for (const threshold of [1, 0.5]) {
  pass(threshold, false); // warm-up of both paths
  pass(threshold, true);
  const off: number[] = [];
  const on: number[] = [];
  const offCpu: number[] = [];
  const onCpu: number[] = [];
  let alerts = 0;
  let explained = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // Alternating, so drifts in the machine's load fall on both.
    const a = pass(threshold, r % 2 !== 0);
    const b = pass(threshold, r % 2 === 0);
    const [offRun, onRun] = r % 2 === 0 ? [a, b] : [b, a];
    off.push(offRun.ms);
    on.push(onRun.ms);
    offCpu.push(offRun.cpu);
    onCpu.push(onRun.cpu);
    alerts = onRun.alerts;
    explained = onRun.explained;
  }
  const rate = (ms: number[]): string => `${(n / (median(ms) / 1000) / 1e6).toFixed(2)}M`;
  const perAlert = (a: number[], b: number[]): string =>
    explained === 0 ? '—' : `${(((median(b) - median(a)) * 1000) / explained).toFixed(0)} µs`;
  rows.push(
    `| ${threshold} | ${alerts.toLocaleString('en')} (${explained.toLocaleString('en')} explained) | ${rate(offCpu)} / ${rate(off)} | ${rate(onCpu)} / ${rate(on)} | ${(median(offCpu) / median(onCpu)).toFixed(3)} / ${(median(off) / median(on)).toFixed(3)} | ${perAlert(offCpu, onCpu)} / ${perAlert(off, on)} |`,
  );
}
const load1 = os.loadavg()[0]!;
let commit = 'unknown';
try {
  commit = execSync('git describe --always --dirty', { encoding: 'utf8' }).trim();
} catch {
  // not a git checkout
}

console.log(`## Explained alerts in live scoring (LiveScorer explain)

Every event of a seeded ~${Math.round(n / 1000)}K-event log (${log.sessionCount.toLocaleString('en')} sessions) through \`LiveScorer.pushParsed\`, one core, the seed's 50-tree model (${schema.featureNames.length} features); \`explain\` off vs \`{ top: 5 }\` (TreeSHAP of the alerting model, for alerts only), ${ROUNDS} alternating runs each, medians. Commit ${commit}; 1-minute load average ${load0.toFixed(1)} → ${load1.toFixed(1)} on ${os.availableParallelism()} cores.

Each cell is by CPU time / by wall time. The trees' TreeSHAP memos are kept per model across runs, as a running scorer keeps them.

| threshold | alerts | events/s, explain off | events/s, explain on | ratio on/off | cost per explained alert |
|---|---|---:|---:|---:|---:|
${rows.join('\n')}`);
