import { InvalidArgumentError } from '../errors.js';
import { ConfusionMatrix } from './confusion-matrix.js';
import { binaryLabels, finiteScores } from './eval-input.js';
import { evaluateAt, type OperatingPoint } from './operating-point.js';
import { averagePrecision } from './pr-curve.js';
import { rocAuc } from './roc-curve.js';

/** One experiment to compare: its test labels and scores and the operating point chosen on validation. */
export interface ExperimentInput {
  /** The experiment's name, unique in the comparison (e.g. `first10`). */
  readonly name: string;
  /** Test labels (0/1). */
  readonly labels: ArrayLike<number>;
  /** Test scores, e.g. `Booster.predict` probabilities. */
  readonly scores: ArrayLike<number>;
  /**
   * The operating point from {@link chooseOperatingPoint} on validation data, or a fixed threshold
   * given as a number (flag scores `>=` it).
   */
  readonly operatingPoint: OperatingPoint | number;
}

/** One row of the comparison table. `undefined` marks a metric that is not defined for the row's data. */
export interface ComparisonRow {
  readonly name: string;
  /** `'baseline'` for the "no session is an attack" row. */
  readonly kind: 'experiment' | 'baseline';
  /** Sessions (rows) scored. */
  readonly sessions: number;
  /** Attack sessions among them. */
  readonly positives: number;
  /** Area under the ROC curve (scikit-learn's `roc_auc_score`). */
  readonly auc: number | undefined;
  /** Area under the precision-recall curve as average precision (`average_precision_score`). */
  readonly prAuc: number | undefined;
  /** The operating threshold (`undefined` for the baseline, which flags nothing). */
  readonly threshold: number | undefined;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly precision: number | undefined;
  readonly recall: number | undefined;
  readonly fpr: number | undefined;
  readonly f1: number | undefined;
  readonly mcc: number | undefined;
  readonly accuracy: number | undefined;
  readonly balancedAccuracy: number | undefined;
  /** The confusion matrix at the operating point. */
  readonly matrix: ConfusionMatrix;
}

/** A column of the comparison that rows can be sorted by. */
export type ComparisonColumn = Exclude<keyof ComparisonRow, 'matrix' | 'kind'>;

/** Options of {@link compareExperiments}. */
export interface CompareExperimentsOptions {
  /**
   * Add the "no session is an attack" row (default `true`), on the first experiment's labels, or
   * on the labels given here.
   */
  readonly baseline?: boolean | { readonly name?: string; readonly labels: ArrayLike<number> };
}

/** Options of {@link ExperimentComparison.sortBy}. */
export interface SortOptions {
  /** Largest first (default `true`). Undefined values always sort last. */
  readonly descending?: boolean;
}

interface DisplayColumn {
  readonly key: ComparisonColumn;
  readonly title: string;
  readonly format: (row: ComparisonRow) => string;
}

const rate = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(4));
const threshold = (v: number | undefined) =>
  v === undefined ? '—' : v === Infinity ? '∞' : String(Number(v.toPrecision(6)));

/**
 * The columns of the printed table, in order: a key of {@link ComparisonRow}, a title and a formatter.
 *
 * @example
 * ```ts
 * COMPARISON_COLUMNS.map((c) => c.title); // ['experiment', 'sessions', 'positives', 'AUC', …]
 * ```
 */
export const COMPARISON_COLUMNS: readonly DisplayColumn[] = [
  { key: 'name', title: 'experiment', format: (r) => r.name },
  { key: 'sessions', title: 'sessions', format: (r) => String(r.sessions) },
  { key: 'positives', title: 'positives', format: (r) => String(r.positives) },
  { key: 'auc', title: 'AUC', format: (r) => rate(r.auc) },
  { key: 'prAuc', title: 'PR-AUC', format: (r) => rate(r.prAuc) },
  { key: 'threshold', title: 'threshold', format: (r) => threshold(r.threshold) },
  { key: 'tp', title: 'TP', format: (r) => String(r.tp) },
  { key: 'fp', title: 'FP', format: (r) => String(r.fp) },
  { key: 'tn', title: 'TN', format: (r) => String(r.tn) },
  { key: 'fn', title: 'FN', format: (r) => String(r.fn) },
  { key: 'precision', title: 'precision', format: (r) => rate(r.precision) },
  { key: 'recall', title: 'recall', format: (r) => rate(r.recall) },
  { key: 'fpr', title: 'FPR', format: (r) => rate(r.fpr) },
  { key: 'f1', title: 'F1', format: (r) => rate(r.f1) },
  { key: 'mcc', title: 'MCC', format: (r) => rate(r.mcc) },
  { key: 'accuracy', title: 'accuracy', format: (r) => rate(r.accuracy) },
];

function rowFor(
  name: string,
  kind: ComparisonRow['kind'],
  labels: Uint8Array,
  scores: ArrayLike<number>,
  at: number | undefined,
  matrix: ConfusionMatrix,
): ComparisonRow {
  return Object.freeze({
    name,
    kind,
    sessions: labels.length,
    positives: matrix.support,
    auc: rocAuc(labels, scores),
    prAuc: averagePrecision(labels, scores),
    threshold: at,
    tp: matrix.tp,
    fp: matrix.fp,
    tn: matrix.tn,
    fn: matrix.fn,
    precision: matrix.precision,
    recall: matrix.recall,
    fpr: matrix.fpr,
    f1: matrix.f1,
    mcc: matrix.mcc,
    accuracy: matrix.accuracy,
    balancedAccuracy: matrix.balancedAccuracy,
    matrix,
  });
}

/**
 * A table comparing experiments at their operating points, immutable; {@link ExperimentComparison.sortBy}
 * returns a new one. Built by {@link compareExperiments}.
 *
 * @example
 * ```ts
 * const table = compareExperiments(experiments);
 * table.sortBy('recall').rows[0]!.name; // the experiment that catches the most attacks
 * table.sortBy('fpr', { descending: false }).toMarkdown(); // fewest false positives first
 * table.toText();                                          // aligned text for a terminal
 * ```
 */
export class ExperimentComparison {
  readonly rows: readonly ComparisonRow[];

  constructor(rows: readonly ComparisonRow[]) {
    this.rows = Object.freeze([...rows]);
  }

  /** The rows ordered by a column (largest first unless `descending: false`; undefined last; stable). */
  sortBy(column: ComparisonColumn, options: SortOptions = {}): ExperimentComparison {
    const { descending = true } = options;
    if (!COMPARISON_COLUMNS.some((c) => c.key === column) && column !== 'balancedAccuracy') {
      throw new InvalidArgumentError(
        'ExperimentComparison.sortBy',
        'column',
        column,
        `one of ${[...COMPARISON_COLUMNS.map((c) => c.key), 'balancedAccuracy'].join(', ')}`,
      );
    }
    const sign = descending ? -1 : 1;
    const rows = [...this.rows].sort((a, b) => {
      const x = a[column];
      const y = b[column];
      if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
      if (typeof x === 'string' || typeof y === 'string') return sign * String(x).localeCompare(String(y));
      return x === y ? 0 : sign * (x < y ? -1 : 1);
    });
    return new ExperimentComparison(rows);
  }

  /** The cells of the printed table (header first), as the text and Markdown forms show them. */
  cells(): string[][] {
    return [
      COMPARISON_COLUMNS.map((c) => c.title),
      ...this.rows.map((row) => COMPARISON_COLUMNS.map((c) => c.format(row))),
    ];
  }

  /**
   * The table as aligned text: names left-aligned, numbers right-aligned, `—` for undefined.
   *
   * @example
   * ```
   * experiment  sessions  positives     AUC  PR-AUC  threshold  TP  FP    TN  FN  precision  recall     FPR      F1     MCC  accuracy
   * first10         9000         10  0.9911  0.7012   0.213455   8  40  8950   2     0.1667  0.8000  0.0045  0.2759  0.3640    0.9953
   * ```
   */
  toText(): string {
    const cells = this.cells();
    const widths = cells[0]!.map((_, j) => Math.max(...cells.map((row) => row[j]!.length)));
    return cells
      .map((row) =>
        row
          .map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  }

  /** The table as GitHub-flavoured Markdown, numbers right-aligned. */
  toMarkdown(): string {
    const cells = this.cells();
    const escape = (s: string) => s.replace(/\|/g, '\\|');
    const lines = [
      `| ${cells[0]!.map(escape).join(' | ')} |`,
      `|${cells[0]!.map((_, j) => (j === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
      ...cells.slice(1).map((row) => `| ${row.map(escape).join(' | ')} |`),
    ];
    return lines.join('\n');
  }

  /** The rows as plain data (undefined metrics become `null`, the matrix its JSON). */
  toJSON(): Record<string, unknown>[] {
    return this.rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row))
        out[key] = key === 'matrix' ? (value as ConfusionMatrix).toJSON() : value === undefined ? null : value;
      if (row.threshold === Infinity) out.threshold = 'Infinity';
      return out;
    });
  }
}

/**
 * Compares named experiments (e.g. the six truncation jobs) on their test data: sessions,
 * positives, AUC, PR-AUC (average precision) and the confusion metrics at each experiment's
 * operating point, plus the "no session is an attack" baseline row. Sort with `sortBy`, print with
 * `toText()` or `toMarkdown()`.
 *
 * @example
 * ```ts
 * const table = compareExperiments(jobs.map((job) => ({
 *   name: job.name,
 *   labels: job.testLabels,
 *   scores: job.testScores,
 *   operatingPoint: chooseOperatingPoint(job.validationLabels, job.validationScores, { maxFalsePositiveRate: 0.05 }),
 * })));
 * console.log(table.sortBy('recall').toText());
 * ```
 */
export function compareExperiments(
  experiments: readonly ExperimentInput[],
  options: CompareExperimentsOptions = {},
): ExperimentComparison {
  const { baseline = true } = options;
  const where = 'compareExperiments';
  const names = new Set<string>();
  const rows: ComparisonRow[] = [];
  experiments.forEach((experiment, i) => {
    const { name, operatingPoint } = experiment;
    if (typeof name !== 'string' || name === '')
      throw new InvalidArgumentError(where, `experiments[${i}].name`, name, 'a non-empty name');
    if (names.has(name))
      throw new InvalidArgumentError(where, `experiments[${i}].name`, name, 'a name no other experiment has');
    names.add(name);
    const labels = binaryLabels(where, experiment.labels, `experiments[${i}].labels`);
    const scores = finiteScores(where, experiment.scores, labels.length, `experiments[${i}].scores`);
    const at = typeof operatingPoint === 'number' ? operatingPoint : operatingPoint?.threshold;
    if (typeof at !== 'number' || Number.isNaN(at)) {
      throw new InvalidArgumentError(
        where,
        `experiments[${i}].operatingPoint`,
        operatingPoint,
        'an OperatingPoint from chooseOperatingPoint or a threshold',
      );
    }
    const matrix =
      typeof operatingPoint === 'number'
        ? ConfusionMatrix.fromScores(labels, scores, { threshold: at })
        : evaluateAt(operatingPoint, labels, scores);
    rows.push(rowFor(name, 'experiment', labels, scores, at, matrix));
  });
  if (baseline !== false) {
    const source = baseline === true ? experiments[0]?.labels : baseline.labels;
    if (source !== undefined) {
      const labels = binaryLabels(where, source, 'baseline.labels');
      const name = baseline === true ? 'baseline (no attacks)' : (baseline.name ?? 'baseline (no attacks)');
      rows.push(
        rowFor(name, 'baseline', labels, new Float64Array(labels.length), undefined, ConfusionMatrix.baseline(labels)),
      );
    }
  }
  return new ExperimentComparison(rows);
}
