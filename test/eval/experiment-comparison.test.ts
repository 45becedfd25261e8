import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { compareExperiments } from '../../src/eval/experiment-comparison.js';
import { chooseOperatingPoint } from '../../src/eval/operating-point.js';

// scikit-learn's documentation example (AUC 0.75, average precision 0.8333) and two variants.
const labels = [0, 0, 1, 1];
const experiments = [
  {
    name: 'docs',
    labels,
    scores: [0.1, 0.4, 0.35, 0.8],
    operatingPoint: chooseOperatingPoint(labels, [0.1, 0.4, 0.35, 0.8], { bestF1: true }),
  },
  { name: 'perfect', labels, scores: [0.1, 0.2, 0.7, 0.8], operatingPoint: 0.5 },
  { name: 'inverted', labels, scores: [0.9, 0.8, 0.2, 0.1], operatingPoint: 0.5 },
];

describe('compareExperiments', () => {
  const table = compareExperiments(experiments);

  it('has one row per experiment and the baseline row, with AUC, PR-AUC and the matrix at the operating point', () => {
    expect(table.rows.map((r) => r.name)).toEqual(['docs', 'perfect', 'inverted', 'baseline (no attacks)']);
    const docs = table.rows[0]!;
    expect([docs.sessions, docs.positives, docs.auc, docs.threshold, docs.tp, docs.fp, docs.tn, docs.fn]).toEqual([
      4, 2, 0.75, 0.35, 2, 1, 1, 0,
    ]);
    expect(docs.prAuc).toBeCloseTo(0.8333333333, 9);
    expect(table.rows[1]!.auc).toBe(1);
    expect(table.rows[2]!.auc).toBe(0);
    const baseline = table.rows[3]!;
    expect(baseline.kind).toBe('baseline');
    // constant scores: scikit-learn gives roc_auc_score 0.5 and average precision = prevalence
    expect([baseline.auc, baseline.prAuc, baseline.threshold, baseline.tp, baseline.fn, baseline.precision]).toEqual([
      0.5,
      0.5,
      undefined,
      0,
      2,
      undefined,
    ]);
  });

  it('sorts by any column, largest first by default, undefined last, without changing the original', () => {
    expect(table.sortBy('auc').rows.map((r) => r.name)).toEqual([
      'perfect',
      'docs',
      'baseline (no attacks)',
      'inverted',
    ]);
    expect(table.sortBy('auc', { descending: false }).rows.map((r) => r.name)).toEqual([
      'inverted',
      'baseline (no attacks)',
      'docs',
      'perfect',
    ]);
    expect(table.sortBy('precision').rows.map((r) => r.name)).toEqual([
      'perfect',
      'docs',
      'inverted',
      'baseline (no attacks)',
    ]);
    expect(table.sortBy('name', { descending: false }).rows[0]!.name).toBe('baseline (no attacks)');
    expect(table.rows[0]!.name).toBe('docs');
    expect(() => table.sortBy('nope' as never)).toThrow(InvalidArgumentError);
  });

  it('prints aligned text and Markdown', () => {
    const text = table.toText().split('\n');
    expect(text).toHaveLength(5);
    expect(text[0]).toMatch(
      /^experiment\s+sessions\s+positives\s+AUC\s+PR-AUC\s+threshold\s+TP\s+FP\s+TN\s+FN\s+precision\s+recall\s+FPR\s+F1\s+MCC\s+accuracy$/,
    );
    // every column right-aligned to the same end: the lines of a column end at the same offset
    const end = (line: string, col: string) => line.indexOf(col) + col.length;
    expect(end(text[1]!, '0.7500')).toBe(end(text[0]!, 'AUC') + 0);
    expect(text[4]).toMatch(/^baseline \(no attacks\)\s+4\s+2\s+0\.5000\s+0\.5000\s+—/);
    const md = table.toMarkdown().split('\n');
    expect(md[0]).toBe(
      '| experiment | sessions | positives | AUC | PR-AUC | threshold | TP | FP | TN | FN | precision | recall | FPR | F1 | MCC | accuracy |',
    );
    expect(md[1]).toBe(
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    expect(md[2]).toBe(
      '| docs | 4 | 2 | 0.7500 | 0.8333 | 0.35 | 2 | 1 | 1 | 0 | 0.6667 | 1.0000 | 0.5000 | 0.8000 | 0.5774 | 0.7500 |',
    );
  });

  it('can leave out the baseline or compute it on other labels', () => {
    expect(compareExperiments(experiments, { baseline: false }).rows).toHaveLength(3);
    const custom = compareExperiments(experiments, { baseline: { name: 'all negative', labels: [0, 0, 0, 1] } })
      .rows[3]!;
    expect([custom.name, custom.sessions, custom.positives, custom.accuracy]).toEqual(['all negative', 4, 1, 0.75]);
  });

  it('shows undefined metrics as — and rejects duplicate names', () => {
    const oneClass = compareExperiments([
      { name: 'quiet day', labels: [0, 0, 0], scores: [0.1, 0.2, 0.3], operatingPoint: 0.5 },
    ]);
    expect(oneClass.rows[0]!.auc).toBeUndefined();
    expect(oneClass.toText().split('\n')[1]).toMatch(/^quiet day\s+3\s+0\s+—\s+—/);
    expect(() => compareExperiments([experiments[0]!, experiments[0]!])).toThrow(
      /experiments\[1\].name must be a name no other experiment has/,
    );
  });
});
