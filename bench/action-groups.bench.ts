/**
 * Do action-group features help catch an attacker style training never saw? (live detection issue,
 * part 6). For several seeds: the four training files of `generateLogs({ seed })` (the chapter
 * harvester held out, the default) and the test week `generateTestWeek({ seed })` (64,600 sessions,
 * 70 attacker sessions, 23 of them chapter harvesters). Whole sessions flattened with the default
 * features, with and without `actionGroups: { by: 'firstDigit' }`, and with groups instead of
 * the per-code counts; the library's `train` with the
 * seed's hyperparameters (`SEED_HYPERPARAMETERS`) on a stratified 80% of the training sessions.
 * On the week: recall at FPR ≤ 0.1% with the threshold chosen on the other 20% (validation), and the
 * ROC recall at FPR ≤ 0.1% (threshold from the week's own innocent sessions: a property of the
 * ranking, not an operating decision), overall and for the held-out style and the seen styles.
 *
 *   npx tsx bench/action-groups.bench.ts            # seeds 1, 2, 3
 *   npx tsx bench/action-groups.bench.ts 42 7        # other seeds
 */
import os from 'node:os';
import { parseEventLog } from '../src/events/read-event-log.js';
import { chooseThresholdForFalsePositiveRate } from '../src/eval/thresholds.js';
import { train } from '../src/model/train.js';
import { TrainingData } from '../src/model/training-data.js';
import { ActionVocabulary } from '../src/sessions/action-vocabulary.js';
import type { FeatureGroups } from '../src/sessions/feature-schema.js';
import { SessionFlattener } from '../src/sessions/session-flattener.js';
import { FrameSplitter } from '../src/split/frame-splitter.js';
import type { AttackerStyle } from '../src/synth/attacker-profiles.js';
import { DEFAULT_HELD_OUT_STYLES } from '../src/synth/generate-events.js';
import { generateLogs } from '../src/synth/generate-logs.js';
import { generateTestWeek } from '../src/synth/generate-week.js';
import { SESSION_PROFILE_NAMES, syntheticEventLog } from '../src/synth/synthetic-log.js';
import { SEED_HYPERPARAMETERS } from '../src/train/default-hyperparameters.js';

const FPR = 0.001;
const seeds = process.argv.slice(2).map(Number);
if (seeds.length === 0) seeds.push(1, 2, 3);
const variants: { name: string; features: Partial<FeatureGroups> }[] = [
  { name: 'counts + timing', features: { actionGroups: false } },
  { name: 'counts + timing + action groups', features: { actionGroups: { by: 'firstDigit' } } },
  { name: 'timing + action groups (no per-code counts)', features: { counts: false, actionGroups: { by: 'firstDigit' } } },
];
// HELD_OUT=bulk-harvester (comma-separated) measures another held-out style than the default.
const heldOutStyles = (process.env.HELD_OUT?.split(',') ?? DEFAULT_HELD_OUT_STYLES) as AttackerStyle[];
const heldOut = new Set<string>(heldOutStyles);

interface Row {
  seed: number;
  variant: string;
  validationRecall: number;
  weekRecall: number;
  weekFpr: number;
  rocRecall: number;
  rocHeldOut: number;
  rocSeen: number;
  /** Held-out style recall at FPR ≤ 1% and ≤ 5% (week ROC thresholds). */
  heldOutAt1: number;
  heldOutAt5: number;
  heldOutSessions: number;
  seenSessions: number;
}

/** Recall of the positives in `mask` at a threshold (score ≥ threshold). */
function recallAt(labels: Uint8Array, scores: ArrayLike<number>, threshold: number, mask: (s: number) => boolean): number {
  let caught = 0;
  let total = 0;
  for (let s = 0; s < labels.length; s++) {
    if (labels[s] !== 1 || !mask(s)) continue;
    total++;
    if (scores[s]! >= threshold) caught++;
  }
  return total === 0 ? Number.NaN : caught / total;
}

const rows: Row[] = [];
const started = performance.now();
const loadBefore = os.loadavg()[0]!;
for (const seed of seeds) {
  const { files } = generateLogs({ seed, heldOutStyles });
  const training = (['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'] as const).map((name) => ({ text: files[name].text, name }));
  const trainLog = parseEventLog(training);
  const weekSynthetic = generateTestWeek({ seed, heldOutStyles });
  const week = syntheticEventLog(weekSynthetic, 'week');
  const isHeldOut = (s: number): boolean => heldOut.has(SESSION_PROFILE_NAMES[weekSynthetic.sessionProfile[s]!]!);
  const vocabulary = ActionVocabulary.fromLogs(trainLog);
  for (const variant of variants) {
    const flattener = new SessionFlattener({ vocabulary, features: variant.features });
    const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
    const split = splitter.split(flattener.flatten(trainLog), { train: 0.8, validation: 0.2, test: 0, seed });
    const features = splitter.featureNames(split.train);
    const data = TrainingData.fromFrame(split.train, { label: 'BadActor', features });
    const { booster } = train(data, { ...SEED_HYPERPARAMETERS, seed: String(seed) });
    const validationScores = booster.predict(split.validation, { columns: features });
    const validationLabels = splitter.labels(split.validation);
    const chosen = chooseThresholdForFalsePositiveRate(validationLabels, validationScores, FPR);
    const weekScores = booster.predict(flattener.flatten(week), { columns: features });
    const weekLabels = week.labels;
    const roc = chooseThresholdForFalsePositiveRate(weekLabels, weekScores, FPR);
    let falseAlerts = 0;
    let innocents = 0;
    for (let s = 0; s < weekLabels.length; s++) {
      if (weekLabels[s] === 0) {
        innocents++;
        if (weekScores[s]! >= chosen.threshold) falseAlerts++;
      }
    }
    let heldOutSessions = 0;
    for (let s = 0; s < weekLabels.length; s++) if (weekLabels[s] === 1 && isHeldOut(s)) heldOutSessions++;
    rows.push({
      seed,
      variant: variant.name,
      validationRecall: chosen.recall,
      weekRecall: recallAt(weekLabels, weekScores, chosen.threshold, () => true),
      weekFpr: falseAlerts / innocents,
      rocRecall: roc.recall,
      rocHeldOut: recallAt(weekLabels, weekScores, roc.threshold, isHeldOut),
      rocSeen: recallAt(weekLabels, weekScores, roc.threshold, (s) => !isHeldOut(s)),
      heldOutAt1: recallAt(weekLabels, weekScores, chooseThresholdForFalsePositiveRate(weekLabels, weekScores, 0.01).threshold, isHeldOut),
      heldOutAt5: recallAt(weekLabels, weekScores, chooseThresholdForFalsePositiveRate(weekLabels, weekScores, 0.05).threshold, isHeldOut),
      heldOutSessions,
      seenSessions: week.positiveCount - heldOutSessions,
    });
    process.stderr.write(`seed ${seed} ${variant.name}: ${JSON.stringify(rows.at(-1))}\n`);
  }
}

const pct = (x: number): string => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const lines: string[] = [];
lines.push('## Action-group features on a held-out attacker style (live detection issue)');
lines.push('');
lines.push(
  `Training: the four training files of \`generateLogs({ seed })\` (held out: ${heldOutStyles.join(', ')}); test: \`generateTestWeek({ seed })\` (64,600 sessions, 70 attacker sessions, 23 of the held-out style). ` +
    `Whole sessions, the library's \`train\` with the seed's hyperparameters on a stratified 80% of the training sessions; the validation threshold at FPR ≤ ${FPR * 100}% on the other 20%. ` +
    `ROC recall: the recall at FPR ≤ ${FPR * 100}% with the threshold from the week's own innocent sessions (ranking quality). Seeds ${seeds.join(', ')}; ${((performance.now() - started) / 1000).toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(1)} on ${os.availableParallelism()} cores.`,
);
lines.push('');
lines.push('| seed | features | validation recall | week recall (validation threshold) | week FPR | week ROC recall | held-out style | seen styles | held-out style at FPR ≤ 1% / 5% |');
lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  lines.push(`| ${r.seed} | ${r.variant} | ${pct(r.validationRecall)} | ${pct(r.weekRecall)} | ${(100 * r.weekFpr).toFixed(2)}% | ${pct(r.rocRecall)} | ${pct(r.rocHeldOut)} of ${r.heldOutSessions} | ${pct(r.rocSeen)} of ${r.seenSessions} | ${pct(r.heldOutAt1)} / ${pct(r.heldOutAt5)} |`);
}
for (const variant of variants) {
  const own = rows.filter((r) => r.variant === variant.name);
  lines.push(
    `| **mean** | ${variant.name} | ${pct(mean(own.map((r) => r.validationRecall)))} | ${pct(mean(own.map((r) => r.weekRecall)))} | ${(100 * mean(own.map((r) => r.weekFpr))).toFixed(2)}% | ${pct(mean(own.map((r) => r.rocRecall)))} | ${pct(mean(own.map((r) => r.rocHeldOut)))} | ${pct(mean(own.map((r) => r.rocSeen)))} | ${pct(mean(own.map((r) => r.heldOutAt1)))} / ${pct(mean(own.map((r) => r.heldOutAt5)))} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
