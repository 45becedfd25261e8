/**
 * Do action-group features help catch an attacker style training never saw? (live detection issue,
 * part 6). For several seeds: the four training files of `generateLogs({ seed })` (the chapter
 * harvester held out, the default) and the test week `generateTestWeek({ seed })` (64,600 sessions,
 * 70 attacker sessions, 23 of them chapter harvesters). Whole sessions flattened with the default
 * features, with and without `actionGroups: { by: 'firstDigit' }`, and with groups instead of
 * the per-code counts, and, as a control, trained on files that do hold the held-out style; the library's `train` with
 * the seed's hyperparameters (`SEED_HYPERPARAMETERS`) on a stratified 80% of the training sessions.
 * On the week: recall at FPR ≤ 0.1% with the threshold chosen on the other 20% (validation), and the
 * ROC recall at FPR ≤ 0.1% (threshold from the week's own innocent sessions: a property of the
 * ranking, not an operating decision), overall and for the held-out style and the seen styles.
 *
 * Where Debian's python3-xgboost (1.7.4) and pandas are installed, the same figures for pandas +
 * XGBoost trained on the same feature rows (read with pandas, `xgb.train` with the same
 * hyperparameters, one thread), and whether its probabilities equal ours bit for bit.
 *
 *   npx tsx bench/action-groups.bench.ts            # seeds 1, 2, 3
 *   npx tsx bench/action-groups.bench.ts 42 7        # other seeds
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventLog } from '../src/events/event-log.js';
import type { Frame } from '../src/frame/frame.js';
import { parseEventLog } from '../src/events/read-event-log.js';
import { chooseThresholdForFalsePositiveRate } from '../src/eval/thresholds.js';
import { train } from '../src/model/train.js';
import { TrainingData } from '../src/model/training-data.js';
import { ActionVocabulary } from '../src/sessions/action-vocabulary.js';
import type { FeatureGroups } from '../src/sessions/feature-schema.js';
import { SessionFlattener } from '../src/sessions/session-flattener.js';
import { FrameSplitter } from '../src/split/frame-splitter.js';
import type { AttackerStyle } from '../src/synth/attacker-profiles.js';
import { DEFAULT_ATTACKER_STYLES, DEFAULT_HELD_OUT_STYLES } from '../src/synth/generate-events.js';
import { generateLogs } from '../src/synth/generate-logs.js';
import { generateTestWeek } from '../src/synth/generate-week.js';
import { SESSION_PROFILE_NAMES, syntheticEventLog } from '../src/synth/synthetic-log.js';
import { SEED_HYPERPARAMETERS } from '../src/train/default-hyperparameters.js';

const FPR = 0.001;
const seeds = process.argv.slice(2).map(Number);
if (seeds.length === 0) seeds.push(1, 2, 3);
const variants: { name: string; features: Partial<FeatureGroups>; control?: true }[] = [
  { name: 'counts + timing', features: { actionGroups: false } },
  { name: 'counts + timing + action groups', features: { actionGroups: { by: 'firstDigit' } } },
  {
    name: 'timing + action groups (no per-code counts)',
    features: { counts: false, actionGroups: { by: 'firstDigit' } },
  },
  // Control: is the held-out style learnable at all? The same, trained on files that hold it (30% of attacker
  // sessions).
  {
    name: 'control: counts + timing, the held-out style in the training files',
    features: { actionGroups: false },
    control: true,
  },
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
function recallAt(
  labels: Uint8Array,
  scores: ArrayLike<number>,
  threshold: number,
  mask: (s: number) => boolean,
): number {
  let caught = 0;
  let total = 0;
  for (let s = 0; s < labels.length; s++) {
    if (labels[s] !== 1 || !mask(s)) continue;
    total++;
    if (scores[s]! >= threshold) caught++;
  }
  return total === 0 ? Number.NaN : caught / total;
}

const PYTHON = '/usr/bin/python3';
const hasReference = spawnSync(PYTHON, ['-c', 'import xgboost, pandas'], { encoding: 'utf8' }).status === 0;
const REFERENCE = `
import sys, numpy as np, pandas as pd, xgboost as xgb
d, seed = sys.argv[1], int(sys.argv[2])
read = lambda name: pd.read_csv(f'{d}/{name}.csv', float_precision='round_trip')
train = read('train')
params = dict(max_depth=5, eta=0.2, gamma=4, min_child_weight=6, subsample=0.7, objective='binary:logistic', seed=seed, nthread=1)
bst = xgb.train(params, xgb.DMatrix(train.drop(columns='label'), label=train['label']), 50)
for name in ('validation', 'week'):
    p = bst.predict(xgb.DMatrix(read(name).drop(columns='label'))).astype(np.float32)
    open(f'{d}/{name}.pred', 'w').write('\\n'.join(format(int(v), '08x') for v in p.view(np.uint32)))
`;

function writeCsv(file: string, frame: Frame, features: readonly string[], label: string): void {
  const columns = [frame.numbers(label), ...features.map((f) => frame.numbers(f))];
  const lines = [['label', ...features.map((_, j) => `f${j}`)].join(',')];
  for (let r = 0; r < frame.rowCount; r++) lines.push(columns.map((c) => String(c[r])).join(','));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * XGBoost 1.7.4's probabilities for the validation and week rows, trained by pandas + xgboost on the same training
 * rows.
 */
function xgboostReference(
  seed: number,
  trainPart: Frame,
  validation: Frame,
  weekFrame: Frame,
  features: readonly string[],
): { validation: Float32Array; week: Float32Array } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'action-groups-'));
  try {
    writeCsv(path.join(dir, 'train.csv'), trainPart, features, 'BadActor');
    writeCsv(path.join(dir, 'validation.csv'), validation, features, 'BadActor');
    writeCsv(path.join(dir, 'week.csv'), weekFrame, features, 'BadActor');
    const run = spawnSync(PYTHON, ['-c', REFERENCE, dir, String(seed)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`pandas + XGBoost failed: ${run.stderr}`);
    const read = (name: string): Float32Array => {
      const hex = readFileSync(path.join(dir, `${name}.pred`), 'utf8').split('\n');
      return new Float32Array(Uint32Array.from(hex, (h) => Number.parseInt(h, 16)).buffer);
    };
    return { validation: read('validation'), week: read('week') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures of one model's validation and week scores. */
function figures(
  seed: number,
  variant: string,
  validationLabels: Uint8Array,
  validationScores: ArrayLike<number>,
  weekLabels: Uint8Array,
  weekScores: ArrayLike<number>,
  isHeldOut: (s: number) => boolean,
): Row {
  const chosen = chooseThresholdForFalsePositiveRate(validationLabels, validationScores, FPR);
  const roc = chooseThresholdForFalsePositiveRate(weekLabels, weekScores, FPR);
  let falseAlerts = 0;
  let innocents = 0;
  let heldOutSessions = 0;
  let positives = 0;
  for (let s = 0; s < weekLabels.length; s++) {
    if (weekLabels[s] === 0) {
      innocents++;
      if (weekScores[s]! >= chosen.threshold) falseAlerts++;
    } else {
      positives++;
      if (isHeldOut(s)) heldOutSessions++;
    }
  }
  return {
    seed,
    variant,
    validationRecall: chosen.recall,
    weekRecall: recallAt(weekLabels, weekScores, chosen.threshold, () => true),
    weekFpr: falseAlerts / innocents,
    rocRecall: roc.recall,
    rocHeldOut: recallAt(weekLabels, weekScores, roc.threshold, isHeldOut),
    rocSeen: recallAt(weekLabels, weekScores, roc.threshold, (s) => !isHeldOut(s)),
    heldOutAt1: recallAt(
      weekLabels,
      weekScores,
      chooseThresholdForFalsePositiveRate(weekLabels, weekScores, 0.01).threshold,
      isHeldOut,
    ),
    heldOutAt5: recallAt(
      weekLabels,
      weekScores,
      chooseThresholdForFalsePositiveRate(weekLabels, weekScores, 0.05).threshold,
      isHeldOut,
    ),
    heldOutSessions,
    seenSessions: positives - heldOutSessions,
  };
}

const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

const rows: Row[] = [];
const references: Row[] = [];
const identical: string[] = [];
const started = performance.now();
const loadBefore = os.loadavg()[0]!;
for (const seed of seeds) {
  const { files } = generateLogs({ seed, heldOutStyles });
  const training = (['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'] as const).map((name) => ({
    text: files[name].text,
    name,
  }));
  const trainLog = parseEventLog(training);
  const weekSynthetic = generateTestWeek({ seed, heldOutStyles });
  const week = syntheticEventLog(weekSynthetic, 'week');
  const isHeldOut = (s: number): boolean => heldOut.has(SESSION_PROFILE_NAMES[weekSynthetic.sessionProfile[s]!]!);
  const vocabulary = ActionVocabulary.fromLogs(trainLog);
  const controlLog = (): EventLog => {
    const styles: Partial<Record<AttackerStyle, number>> = {};
    for (const [style, share] of Object.entries(DEFAULT_ATTACKER_STYLES)) styles[style as AttackerStyle] = 0.7 * share;
    for (const style of heldOutStyles) styles[style] = (styles[style] ?? 0) + 0.3 / heldOutStyles.length;
    const control = generateLogs({ seed, attackerStyles: styles, heldOutStyles: [] }).files;
    return parseEventLog(
      (['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'] as const).map((name) => ({
        text: control[name].text,
        name,
      })),
    );
  };
  for (const variant of variants) {
    const log = variant.control ? controlLog() : trainLog;
    const flattener = new SessionFlattener({
      vocabulary: variant.control ? ActionVocabulary.fromLogs(log) : vocabulary,
      features: variant.features,
    });
    const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
    const split = splitter.split(flattener.flatten(log), { train: 0.8, validation: 0.2, test: 0, seed });
    const features = splitter.featureNames(split.train);
    const data = TrainingData.fromFrame(split.train, { label: 'BadActor', features });
    const { booster } = train(data, { ...SEED_HYPERPARAMETERS, seed: String(seed) });
    const weekFrame = flattener.flatten(week);
    const validationLabels = splitter.labels(split.validation);
    const validationScores = booster.predict(split.validation, { columns: features });
    const weekScores = booster.predict(weekFrame, { columns: features });
    rows.push(figures(seed, variant.name, validationLabels, validationScores, week.labels, weekScores, isHeldOut));
    process.stderr.write(`seed ${seed} ${variant.name}: ${JSON.stringify(rows.at(-1))}\n`);
    if (hasReference) {
      const reference = xgboostReference(seed, split.train, split.validation, weekFrame, features);
      references.push(
        figures(seed, variant.name, validationLabels, reference.validation, week.labels, reference.week, isHeldOut),
      );
      if (sameBits(reference.validation, validationScores) && sameBits(reference.week, weekScores))
        identical.push(`${seed}/${variant.name}`);
    }
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
lines.push(
  '| seed | features | validation recall | week recall (validation threshold) | week FPR | week ROC recall | held-out style | seen styles | held-out style at FPR ≤ 1% / 5% |',
);
lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  lines.push(
    `| ${r.seed} | ${r.variant} | ${pct(r.validationRecall)} | ${pct(r.weekRecall)} | ${(100 * r.weekFpr).toFixed(2)}% | ${pct(r.rocRecall)} | ${pct(r.rocHeldOut)} of ${r.heldOutSessions} | ${pct(r.rocSeen)} of ${r.seenSessions} | ${pct(r.heldOutAt1)} / ${pct(r.heldOutAt5)} |`,
  );
}
for (const variant of variants) {
  const own = rows.filter((r) => r.variant === variant.name);
  lines.push(
    `| **mean** | ${variant.name} | ${pct(mean(own.map((r) => r.validationRecall)))} | ${pct(mean(own.map((r) => r.weekRecall)))} | ${(100 * mean(own.map((r) => r.weekFpr))).toFixed(2)}% | ${pct(mean(own.map((r) => r.rocRecall)))} | ${pct(mean(own.map((r) => r.rocHeldOut)))} | ${pct(mean(own.map((r) => r.rocSeen)))} | ${pct(mean(own.map((r) => r.heldOutAt1)))} / ${pct(mean(own.map((r) => r.heldOutAt5)))} |`,
  );
}
if (hasReference) {
  lines.push('');
  lines.push(
    `pandas + XGBoost 1.7.4 (\`xgb.train\`, the same hyperparameters and seed, one thread) on the same feature rows: probabilities bit-identical to ours in ${identical.length} of ${references.length} runs. Its figures:`,
  );
  lines.push('');
  lines.push('| seed | features | week recall (validation threshold) | week ROC recall | held-out style |');
  lines.push('|---|---|---:|---:|---:|');
  for (const r of references)
    lines.push(`| ${r.seed} | ${r.variant} | ${pct(r.weekRecall)} | ${pct(r.rocRecall)} | ${pct(r.rocHeldOut)} |`);
} else {
  lines.push('', 'pandas + XGBoost reference: not run (python3-xgboost or pandas is not installed).');
}
process.stdout.write(`${lines.join('\n')}\n`);
