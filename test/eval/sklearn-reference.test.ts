import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from '../../src/eval/confusion-matrix.js';
import { UndefinedMetricError } from '../../src/eval/eval-errors.js';
import { averagePrecision, precisionRecallCurve } from '../../src/eval/pr-curve.js';
import { rocAuc, rocCurve } from '../../src/eval/roc-curve.js';
import {
  bestF1Threshold,
  recallAtFalsePositiveRate,
  thresholdForFalsePositiveRate,
} from '../../src/eval/thresholds.js';
import { createRandom } from '../../src/random/random.js';

// Reference: scikit-learn 1.2.1 (Debian's python3-sklearn at /usr/bin/python3), run once for all cases.
const PYTHON = '/usr/bin/python3';
const hasSklearn = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn, numpy']).status === 0;
if (!hasSklearn)
  console.warn('skipping the scikit-learn reference tests: /usr/bin/python3 with scikit-learn is not available');

interface Case {
  name: string;
  labels: number[];
  scores: number[];
}

function makeCases(): Case[] {
  const random = createRandom(2024);
  const cases: Case[] = [];
  const gen = (name: string, n: number, rate: number, score: (y: number) => number) => {
    const labels = Array.from({ length: n }, () => (random.next() < rate ? 1 : 0));
    if (!labels.includes(1)) labels[0] = 1;
    if (!labels.includes(0)) labels[n - 1] = 0;
    cases.push({ name, labels, scores: labels.map(score) });
  };
  for (let k = 0; k < 6; k++) gen(`continuous ${k}`, 50 + k * 37, 0.3, (y) => random.normal(y, 1));
  for (let k = 0; k < 6; k++)
    gen(`heavy ties ${k}`, 80 + k * 11, 0.25, (y) => Math.round((random.normal(y * 1.2, 1) + 3) * 2) / 10);
  for (let k = 0; k < 3; k++)
    gen(`float32 probabilities ${k}`, 500, 0.02, (y) =>
      Math.fround(1 / (1 + Math.exp(-random.normal(y * 3 - 2, 1.2)))),
    );
  gen('rare positives', 2000, 0.004, (y) => Math.fround(1 / (1 + Math.exp(-random.normal(y * 4 - 3, 1)))));
  gen('all scores equal', 40, 0.3, () => 0.5);
  gen('two levels', 60, 0.5, (y) => (random.next() < 0.7 ? y : 1 - y));
  gen('perfect separation', 30, 0.3, (y) => y + random.next() * 0.5);
  gen('perfectly wrong', 30, 0.3, (y) => 1 - y + random.next() * 0.5);
  cases.push({ name: 'tiny', labels: [0, 1], scores: [0.3, 0.3] });
  return cases;
}

const THRESHOLD_QUANTILES = [0, 0.1, 0.5, 0.9, 0.99, 1];
const FPR_TARGETS = [0, 0.01, 0.05, 0.2, 1];

const script = String.raw`
import json, sys, warnings
import numpy as np
from sklearn import metrics
warnings.simplefilter('ignore')
def clean(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=np.float64)]
out = []
req = json.load(sys.stdin)
for case in req['cases']:
    y = np.array(case['labels']); s = np.array(case['scores'], dtype=np.float64)
    r = {}
    for drop in (False, True):
        fpr, tpr, th = metrics.roc_curve(y, s, drop_intermediate=drop)
        r['roc_drop' if drop else 'roc_full'] = [clean(fpr), clean(tpr), clean(th)]
    r['auc'] = float(metrics.roc_auc_score(y, s))
    p, rc, th = metrics.precision_recall_curve(y, s)
    r['pr'] = [clean(p), clean(rc), clean(th)]
    r['ap'] = float(metrics.average_precision_score(y, s))
    uniq = np.unique(s)
    cms = []
    for q in req['quantiles']:
        t = float(np.quantile(s, q, method='lower'))
        pred = (s >= t).astype(int)
        tn, fp, fn, tp = metrics.confusion_matrix(y, pred, labels=[0, 1]).ravel()
        cms.append({'t': t, 'tp': int(tp), 'fp': int(fp), 'tn': int(tn), 'fn': int(fn),
          'accuracy': metrics.accuracy_score(y, pred),
          'precision': metrics.precision_score(y, pred, zero_division=0) if (tp + fp) > 0 else None,
          'recall': metrics.recall_score(y, pred),
          'f1': metrics.f1_score(y, pred),
          'mcc': metrics.matthews_corrcoef(y, pred) if min(tp + fp, tn + fn) > 0 else None,
          'balanced': metrics.balanced_accuracy_score(y, pred)})
    r['cms'] = cms
    # brute force over every threshold (numpy broadcasting: an independent count, not a curve)
    cands = np.r_[uniq[::-1], np.inf]
    flagged = s[None, :] >= cands[:, None]
    tp = (flagged & (y == 1)).sum(axis=1); fp = (flagged & (y == 0)).sum(axis=1)
    pos = (y == 1).sum(); neg = (y == 0).sum()
    fprt = []
    for target in req['fpr_targets']:
        ok = [(tp[i] / pos, -fp[i], cands[i]) for i in range(len(cands)) if fp[i] / neg <= target]
        best = max(ok)
        fprt.append({'threshold': None if not np.isfinite(best[2]) else float(best[2]), 'recall': float(best[0])})
    r['fpr_targets'] = fprt
    f1 = 2 * tp / (tp + fp + pos)
    finite = np.isfinite(cands)
    i = max(range(len(cands) - 1), key=lambda k: (f1[k], cands[k]))
    # check the best against sklearn's own f1_score
    assert abs(metrics.f1_score(y, (s >= cands[i]).astype(int)) - f1[i]) < 1e-12
    r['best_f1'] = float(cands[i])
    out.append(r)
single = {}
for name, labels in (('only negatives', [0, 0, 0]), ('only positives', [1, 1, 1])):
    try:
        metrics.roc_auc_score(labels, [0.1, 0.5, 0.9]); single[name] = 'no error'
    except ValueError as e:
        single[name] = 'ValueError'
print(json.dumps({'cases': out, 'single': single}))
`;

interface Reference {
  cases: {
    roc_drop: (number | null)[][];
    roc_full: (number | null)[][];
    auc: number;
    pr: (number | null)[][];
    ap: number;
    cms: {
      t: number;
      tp: number;
      fp: number;
      tn: number;
      fn: number;
      accuracy: number;
      precision: number | null;
      recall: number;
      f1: number;
      mcc: number | null;
      balanced: number;
    }[];
    fpr_targets: { threshold: number | null; recall: number }[];
    best_f1: number;
  }[];
  single: Record<string, string>;
}

const cases = makeCases();
let reference: Reference | undefined;
function sklearn(): Reference {
  if (reference === undefined) {
    const run = spawnSync(PYTHON, ['-c', script], {
      input: JSON.stringify({ cases, quantiles: THRESHOLD_QUANTILES, fpr_targets: FPR_TARGETS }),
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (run.status !== 0) throw new Error(`scikit-learn reference failed: ${run.stderr}`);
    reference = JSON.parse(run.stdout) as Reference;
  }
  return reference;
}

function expectClose(actual: ArrayLike<number>, expected: readonly (number | null)[], label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i], `${label}[${i}]`).toBeCloseTo(expected[i]!, 12);
}

describe.skipIf(!hasSklearn)('curves and metrics against scikit-learn 1.2.1', () => {
  it('rocCurve matches roc_curve with and without drop_intermediate, ties and equal scores included', () => {
    const ref = sklearn();
    cases.forEach((c, k) => {
      for (const [drop, key] of [
        [false, 'roc_full'],
        [true, 'roc_drop'],
      ] as const) {
        const roc = rocCurve(c.labels, c.scores, { dropIntermediate: drop });
        const [fpr, tpr, th] = ref.cases[k]![key];
        expectClose(roc.fpr, fpr!, `${c.name} ${key} fpr`);
        expectClose(roc.tpr, tpr!, `${c.name} ${key} tpr`);
        expectClose(roc.thresholds, th!, `${c.name} ${key} thresholds`);
      }
    });
  });

  it('rocAuc matches roc_auc_score and averagePrecision matches average_precision_score', () => {
    const ref = sklearn();
    cases.forEach((c, k) => {
      expect(rocAuc(c.labels, c.scores), c.name).toBeCloseTo(ref.cases[k]!.auc, 12);
      expect(averagePrecision(c.labels, c.scores), c.name).toBeCloseTo(ref.cases[k]!.ap, 12);
    });
  });

  it('precisionRecallCurve matches precision_recall_curve', () => {
    const ref = sklearn();
    cases.forEach((c, k) => {
      const pr = precisionRecallCurve(c.labels, c.scores);
      const [p, r, th] = ref.cases[k]!.pr;
      expectClose(pr.precision, p!, `${c.name} precision`);
      expectClose(pr.recall, r!, `${c.name} recall`);
      expectClose(pr.thresholds, th!, `${c.name} thresholds`);
    });
  });

  it('ConfusionMatrix.fromScores matches confusion_matrix and the metric functions (score >= threshold is positive)', () => {
    const ref = sklearn();
    cases.forEach((c, k) => {
      for (const m of ref.cases[k]!.cms) {
        const cm = ConfusionMatrix.fromScores(c.labels, c.scores, { threshold: m.t });
        const label = `${c.name} at ${m.t}`;
        expect([cm.tp, cm.fp, cm.tn, cm.fn], label).toEqual([m.tp, m.fp, m.tn, m.fn]);
        expect(cm.accuracy, label).toBeCloseTo(m.accuracy, 12);
        expect(cm.recall, label).toBeCloseTo(m.recall, 12);
        expect(cm.f1, label).toBeCloseTo(m.f1, 12);
        expect(cm.balancedAccuracy, label).toBeCloseTo(m.balanced, 12);
        if (m.precision === null) expect(cm.precision, `${label}: nothing flagged`).toBeUndefined();
        else expect(cm.precision, label).toBeCloseTo(m.precision, 12);
        if (m.mcc === null) expect(cm.mcc, `${label}: empty column`).toBeUndefined();
        else expect(cm.mcc, label).toBeCloseTo(m.mcc, 12);
      }
    });
  });

  it('the threshold tools agree with a brute-force search over every threshold (best F1 checked with sklearn f1_score)', () => {
    const ref = sklearn();
    cases.forEach((c, k) => {
      FPR_TARGETS.forEach((target, j) => {
        const expected = ref.cases[k]!.fpr_targets[j]!;
        expect(thresholdForFalsePositiveRate(c.labels, c.scores, target), `${c.name} fpr ≤ ${target}`).toBe(
          expected.threshold ?? Infinity,
        );
        expect(recallAtFalsePositiveRate(c.labels, c.scores, target), `${c.name} fpr ≤ ${target}`).toBeCloseTo(
          expected.recall,
          12,
        );
      });
      expect(bestF1Threshold(c.labels, c.scores), c.name).toBe(ref.cases[k]!.best_f1);
    });
  });

  it('single-class labels: scikit-learn raises for roc_auc_score; here AUC is undefined and the curves throw', () => {
    const ref = sklearn();
    expect(ref.single).toEqual({ 'only negatives': 'ValueError', 'only positives': 'ValueError' });
    expect(rocAuc([0, 0, 0], [0.1, 0.5, 0.9])).toBeUndefined();
    expect(rocAuc([1, 1, 1], [0.1, 0.5, 0.9])).toBeUndefined();
    expect(() => rocCurve([0, 0, 0], [0.1, 0.5, 0.9])).toThrow(UndefinedMetricError);
    expect(() => rocCurve([1, 1], [0.1, 0.5])).toThrow(/rocCurve: undefined because the labels hold no negatives/);
    expect(() => precisionRecallCurve([0, 0], [0.1, 0.5])).toThrow(/no positives/);
    expect(averagePrecision([0, 0], [0.1, 0.5])).toBeUndefined();
    expect(averagePrecision([1, 1], [0.1, 0.5])).toBe(1);
    expect(() => thresholdForFalsePositiveRate([1, 1], [0.1, 0.5], 0.05)).toThrow(UndefinedMetricError);
    expect(() => bestF1Threshold([0, 0], [0.1, 0.5])).toThrow(UndefinedMetricError);
  });
});
