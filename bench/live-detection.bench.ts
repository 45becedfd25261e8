/**
 * Live-detection benchmark (issue "Live detection"): how early and how reliably attacks are
 * caught while sessions run, at a budget of false alerts a security team can switch on.
 *
 * Data: the user's training files from the synthetic generator (`generateLogs({ seed: 42 })`: the
 * known-attacker file and the three mixed files, ~25K sessions), which hold no session of the
 * `chapter-harvester` attacker style, and a realistic test week (`generateTestWeek({ seed: 42 })`:
 * 64,600 sessions, 70 attacker sessions, 23 of them chapter harvesters).
 *
 * Detectors, each trained by `trainLiveDetector` (seed 1, 30% of the training sessions held out)
 * with its policy calibrated on the held-out sessions for ≤ 10 innocent sessions ever alerted per
 * 10 000: the whole-session model alone, the prefix model alone (every prefix 1–40 a row, each
 * session weighing 1), and both combined (the budget shared half and half). Each replays the week
 * live (`replay`). Beside them, the same three built with pandas + XGBoost 1.7.4
 * (bench/reference/live_reference.py: per-code count features, the seed's hyperparameters, the
 * same prefix rows and weights, thresholds by the same rule at sustain 1) when Debian's
 * python3-xgboost and python3-pandas are installed.
 *
 *   npx tsx bench/live-detection.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEventLog } from '../src/events/read-event-log.js';
import type { LiveModelKind } from '../src/live/train-live-detector.js';
import { trainLiveDetector } from '../src/live/train-live-detector.js';
import { replay } from '../src/serve/replay.js';
import { generateLogs } from '../src/synth/generate-logs.js';
import { generateTestWeek } from '../src/synth/generate-week.js';
import { SESSION_PROFILE_NAMES, formatLogTsv, syntheticEventLog } from '../src/synth/synthetic-log.js';

const BUDGET = 10;
const GOALS = { recall: 0.95, medianEvents: 5, falseAlertsPer10k: 10 };
const loadBefore = os.loadavg()[0]!;
const started = performance.now();

const { files } = generateLogs({ seed: 42 });
const training = ['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'] as const;
const trainLog = parseEventLog(training.map((name) => ({ text: files[name].text, name })));
const weekSynthetic = generateTestWeek({ seed: 42 });
const week = syntheticEventLog(weekSynthetic, 'week.txt');
const style = (s: number): string => SESSION_PROFILE_NAMES[weekSynthetic.sessionProfile[s]!]!;
const heldOut = new Set<number>();
for (let s = 0; s < week.sessionCount; s++)
  if (week.labels[s] === 1 && style(s) === 'chapter-harvester') heldOut.add(s);

interface Row {
  readonly name: string;
  readonly validation: string;
  readonly recall: number;
  readonly recallSeen: number;
  readonly recallHeldOut: number;
  readonly median: number;
  readonly p90: number;
  readonly falseAlertsPer10k: number;
  readonly seconds: number;
}
const rows: Row[] = [];
const variants: [string, LiveModelKind[]][] = [
  ['whole-session', ['whole']],
  ['prefix', ['prefix']],
  ['prefix + whole (combined)', ['prefix', 'whole']],
];
for (const [name, models] of variants) {
  const t0 = performance.now();
  const detector = await trainLiveDetector(trainLog, { models, seed: 1, maxFalseAlertsPer10k: BUDGET });
  const seconds = (performance.now() - t0) / 1000;
  const report = replay(week, detector.createScorer());
  let seen = 0;
  let seenCaught = 0;
  let held = 0;
  for (let s = 0; s < week.sessionCount; s++) {
    if (week.labels[s] !== 1) continue;
    if (heldOut.has(s)) held += report.alertAt[s]! > 0 ? 1 : 0;
    else {
      seen++;
      seenCaught += report.alertAt[s]! > 0 ? 1 : 0;
    }
  }
  const v = detector.validation;
  rows.push({
    name: `sessionsentry ${name}`,
    validation: `${v.recall.toFixed(3)} / ${v.falseAlertsPer10k.toFixed(1)} (${detector.policy.models.map((m) => m.threshold.toFixed(3)).join(', ')}; sustain ${detector.policy.sustain}, from ${detector.policy.minEvents})`,
    recall: report.finalRecall,
    recallSeen: seenCaught / seen,
    recallHeldOut: held / heldOut.size,
    median: report.eventsToFirstAlert.median,
    p90: report.eventsToFirstAlert.p90,
    falseAlertsPer10k: report.falseAlertsPer10k,
    seconds,
  });
}

// The pandas + XGBoost 1.7.4 reference, on the same files.
let reference: string;
const python = '/usr/bin/python3';
const probe = existsSync(python)
  ? spawnSync(python, ['-c', 'import pandas, xgboost; print(xgboost.__version__)'], { encoding: 'utf8' })
  : null;
if (probe?.status === 0) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-live-bench-'));
  try {
    for (const name of training) writeFileSync(path.join(dir, name), files[name].text);
    writeFileSync(path.join(dir, 'week.txt'), formatLogTsv(weekSynthetic));
    const request = {
      train: training.map((n) => path.join(dir, n)),
      test: path.join(dir, 'week.txt'),
      budget: BUDGET,
      validationFraction: 0.3,
      seed: 1,
    };
    const t0 = performance.now();
    const run = spawnSync(python, [path.join(import.meta.dirname, 'reference', 'live_reference.py')], {
      input: JSON.stringify(request),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    if (run.status !== 0) throw new Error(`live_reference.py failed: ${run.stderr}`);
    const seconds = (performance.now() - t0) / 1000;
    const out = JSON.parse(run.stdout) as Record<
      'prefix' | 'whole' | 'combined',
      { recall: number; falseAlertsPer10k: number; medianEvents: number | null; p90Events: number | null }
    > & { xgboost: string };
    for (const [key, label] of [
      ['whole', 'whole-session'],
      ['prefix', 'prefix'],
      ['combined', 'prefix + whole (combined)'],
    ] as const) {
      const r = out[key];
      rows.push({
        name: `pandas + XGBoost ${out.xgboost} ${label}`,
        validation: '—',
        recall: r.recall,
        recallSeen: Number.NaN,
        recallHeldOut: Number.NaN,
        median: r.medianEvents ?? Number.NaN,
        p90: r.p90Events ?? Number.NaN,
        falseAlertsPer10k: r.falseAlertsPer10k,
        seconds,
      });
    }
    reference = `pandas + XGBoost ${out.xgboost} reference measured in the same run (all three from one script run of ${seconds.toFixed(1)} s).`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  reference = "pandas + XGBoost reference not run: Debian's python3-xgboost and python3-pandas are not installed here.";
}

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || 'unknown';
const f = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
const verdict = (r: Row): string => {
  const met =
    r.recall >= GOALS.recall && r.median <= GOALS.medianEvents && r.falseAlertsPer10k <= GOALS.falseAlertsPer10k;
  return met
    ? 'all goals met'
    : [
        r.recall < GOALS.recall ? 'recall' : '',
        !(r.median <= GOALS.medianEvents) ? 'median' : '',
        !(r.falseAlertsPer10k <= GOALS.falseAlertsPer10k) ? 'false alerts' : '',
      ]
        .filter(Boolean)
        .join(', ') + ' missed';
};
const lines = [
  '## Live detection: alerts while sessions run, on a week with an attacker style training never saw',
  '',
  `Training: the generator's four training files (${trainLog.sessionCount} sessions, ${trainLog.positiveCount} attacker sessions, no chapter harvester). Test: a week of ${week.sessionCount} sessions (${week.eventCount} events), ${week.positiveCount} attacker sessions of which ${heldOut.size} chapter harvesters (held out). Policies calibrated on 30% of the training sessions, held out, for ≤ ${BUDGET} innocent sessions ever alerted per 10 000. Goals: recall ≥ ${GOALS.recall}, median ≤ ${GOALS.medianEvents} events to the first alert, ≤ ${GOALS.falseAlertsPer10k} false alerts per 10 000.`,
  '',
  '| detector | validation recall / false alerts per 10K (thresholds; policy) | week recall | seen styles | held-out style | median events to alert | p90 events | false alerts per 10K | train + calibrate | verdict |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.validation} | ${f(r.recall, 3)} | ${f(r.recallSeen, 3)} | ${f(r.recallHeldOut, 3)} | ${f(r.median, 1)} | ${f(r.p90, 1)} | ${f(r.falseAlertsPer10k, 1)} | ${r.seconds.toFixed(1)} s | ${verdict(r)} |`,
  ),
  '',
  reference,
  `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on commit ${commit}, ${((performance.now() - started) / 1000).toFixed(0)} s in all; load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after, ${os.availableParallelism()} cores.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
