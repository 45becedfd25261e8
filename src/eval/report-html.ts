import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { ConfusionMatrix } from './confusion-matrix.js';
import type { OperatingPoint } from './operating-point.js';
import {
  compareExperiments,
  type CompareExperimentsOptions,
  type ComparisonRow,
  type ExperimentInput,
} from './experiment-comparison.js';
import { precisionRecallCurve } from './pr-curve.js';
import { rocCurve } from './roc-curve.js';
import { type ImportanceReportSection, renderImportanceSection } from './report-importance-section.js';
import { type LiveReportSection, renderLiveSection } from './report-live-section.js';
import { escapeXml, lineChart, PALETTE, type ChartSeries } from './svg-chart.js';

/**
 * Detection rates of partially seen sessions: after `eventsSeen[i]` events of each session, the
 * model flagged `recall[i]` of the attack sessions and `fpr[i]` of the normal ones. The live-
 * scoring replay produces these.
 */
export interface PartialSessionSeries {
  /** The series' name in the legend (default: `'partial sessions'`, or the experiment's name). */
  readonly name?: string;
  readonly eventsSeen: readonly number[] | ArrayLike<number>;
  readonly recall: readonly number[] | ArrayLike<number>;
  readonly fpr: readonly number[] | ArrayLike<number>;
}

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** The report's title (the page title and heading). */
  readonly title: string;
  /** The experiments, as for {@link compareExperiments}: test labels, test scores, operating point. */
  readonly experiments: readonly ExperimentInput[];
  /** Recall and FPR against events seen: one series, or one per experiment. */
  readonly partialSessions?: PartialSessionSeries | readonly PartialSessionSeries[];
  /** A paragraph under the title (plain text). */
  readonly description?: string;
  /** The baseline row of the table (default `true`, see {@link CompareExperimentsOptions}). */
  readonly baseline?: CompareExperimentsOptions['baseline'];
  /**
   * The live-detection section: detectors at their calibrated alert policies, replayed on the test log (see
   * `renderLiveSection`).
   */
  readonly live?: LiveReportSection;
  /** Each model's top features (see `importanceSection`). */
  readonly importance?: ImportanceReportSection;
  /**
   * More comparison tables, one per further operating point (e.g. FPR ≤ 0.5% beside the first's
   * 5%): the same experiments' test scores with another point each.
   */
  readonly moreOperatingPoints?: readonly {
    readonly heading: string;
    readonly experiments: readonly ExperimentInput[];
  }[];
  /** What each experiment's name means, by name (`drop20`: "a random 20% of each session's events dropped"). */
  readonly jobNotes?: Readonly<Record<string, string>>;
  /** Where the results came from: shown in a provenance section (the date and package always are). */
  readonly provenance?: ReportProvenance;
}

/** The provenance section of the report. */
export interface ReportProvenance {
  /** When the results were made. Default: when the report is rendered. */
  readonly createdAt?: Date;
  /** The library and its version (`sessionsentry 0.1.0`). */
  readonly package?: string;
  /** The hyperparameters of training. */
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /** Seeds used (`split`, `generate`, …). */
  readonly seeds?: Readonly<Record<string, number>>;
  /** The data files read. */
  readonly dataFiles?: readonly string[];
  /** Anything else worth recording, as label → text. */
  readonly more?: Readonly<Record<string, string>>;
}

const STYLE = `
:root { color-scheme: light; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #222; background: #f4f5f7; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 10px; }
p.description { margin: 0 0 8px; color: #555; max-width: 70em; }
section { background: #fff; border: 1px solid #dde0e4; border-radius: 8px; padding: 12px 16px 16px; margin-top: 16px; }
section > h2 { margin-top: 2px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
.charts svg { border: 1px solid #eceef1; border-radius: 6px; width: 100%; height: auto; }
p.note { margin: 10px 0 0; padding: 8px 12px; background: #fff8e1; border-left: 3px solid #f0b429; color: #444; max-width: 80em; }
p.caption { margin: 4px 0 10px; color: #555; max-width: 80em; }
dl.jobs { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0 0; font-size: 13px; }
dl.jobs dt { font-weight: 600; }
dl.jobs dd { margin: 0; color: #444; }
table.facts { border-collapse: collapse; font-size: 13px; }
table.facts th { text-align: left; font-weight: 600; padding: 3px 14px 3px 0; vertical-align: top; white-space: nowrap; }
table.facts td { padding: 3px 0; color: #333; }
.features { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
.features ol { margin: 4px 0 0; padding-left: 22px; font-size: 13px; font-variant-numeric: tabular-nums; }
.features h3 { font-size: 14px; margin: 0; }
table.comparison { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; }
table.comparison th, table.comparison td { padding: 4px 8px; border-bottom: 1px solid #eceef1; text-align: right; white-space: nowrap; }
table.comparison th { background: #f7f8fa; font-weight: 600; border-bottom: 2px solid #d5d9de; }
table.comparison th:first-child, table.comparison td:first-child { text-align: left; }
table.comparison tr.baseline td { color: #666; font-style: italic; background: #fbfbfc; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
.matrices { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; }
.matrix { border: 1px solid #eceef1; border-radius: 6px; padding: 8px 10px; }
.matrix h3 { font-size: 14px; margin: 0 0 2px; }
.matrix .rule { color: #666; font-size: 12px; margin-bottom: 6px; }
.matrix table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.matrix th { font-weight: 500; font-size: 12px; color: #555; padding: 2px 6px; text-align: center; }
.matrix th.row { text-align: right; }
.matrix td { width: 64px; height: 34px; text-align: center; font-weight: 600; border: 1px solid #fff; }
.matrix td.good { background: #dcefdc; }
.matrix td.bad { background: #f7dada; }
.matrix .metrics { font-size: 12px; color: #444; margin-top: 6px; }
.matrix .metrics.validation { color: #777; margin-top: 2px; }
footer { margin-top: 24px; color: #888; font-size: 12px; }
`;

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined ? '—' : v.toFixed(digits);
}

function ruleText(row: ComparisonRow, experiment: ExperimentInput | undefined): string {
  if (row.kind === 'baseline') return 'flags no session';
  const point = experiment?.operatingPoint;
  const at = row.threshold === Infinity ? '∞ (flags nothing)' : String(Number(row.threshold!.toPrecision(6)));
  if (point === undefined || typeof point === 'number') return `threshold ${at} (fixed)`;
  const rule = point.rule;
  const how =
    'maxFalsePositiveRate' in rule
      ? `highest recall at FPR ≤ ${rule.maxFalsePositiveRate}`
      : 'bestF1' in rule
        ? 'best F1'
        : 'fixed threshold';
  return `threshold ${at}: ${how}, chosen on ${point.chosenOn}`;
}

function matrixHtml(row: ComparisonRow, color: string | undefined, experiment: ExperimentInput | undefined): string {
  const m: ConfusionMatrix = row.matrix;
  const swatch = color ? `<span class="swatch" style="background:${color}"></span>` : '';
  return `<div class="matrix" data-experiment="${escapeXml(row.name)}">
<h3>${swatch}${escapeXml(row.name)}</h3>
<div class="rule">${escapeXml(ruleText(row, experiment))}</div>
<table>
<tr><th></th><th>predicted attack</th><th>predicted normal</th></tr>
<tr><th class="row">attack</th><td class="good">${m.tp}</td><td class="bad">${m.fn}</td></tr>
<tr><th class="row">normal</th><td class="bad">${m.fp}</td><td class="good">${m.tn}</td></tr>
</table>
<div class="metrics">precision ${fmt(m.precision)} · recall ${fmt(m.recall)} · FPR ${fmt(m.fpr)} · F1 ${fmt(m.f1)}</div>
${validationLine(experiment)}
</div>`;
}

function validationLine(experiment: ExperimentInput | undefined): string {
  const point = experiment?.operatingPoint;
  if (point === undefined || typeof point === 'number' || point.validation.total === 0) return '';
  const v = point.validation;
  return (
    `<div class="metrics validation">on validation (where it was chosen): recall ${fmt(v.recall)} · FPR ` +
    `${fmt(v.fpr)} · precision ${fmt(v.precision)}</div>`
  );
}

function checkSeries(series: PartialSessionSeries, i: number): void {
  const where = 'renderReport';
  const n = series.eventsSeen.length;
  for (const key of ['recall', 'fpr'] as const) {
    if (series[key].length !== n)
      throw new InvalidArgumentError(
        where,
        `partialSessions[${i}].${key}.length`,
        series[key].length,
        `${n} (one per eventsSeen)`,
      );
    for (let k = 0; k < n; k++) {
      const v = series[key][k]!;
      if (!(v >= 0 && v <= 1))
        throw new InvalidArgumentError(where, `partialSessions[${i}].${key}[${k}]`, v, 'a rate in [0, 1]');
    }
  }
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(series.eventsSeen[k]!))
      throw new InvalidArgumentError(
        where,
        `partialSessions[${i}].eventsSeen[${k}]`,
        series.eventsSeen[k],
        'a finite number',
      );
  }
}

/**
 * Renders one self-contained HTML page (inline CSS and SVG; no scripts, fonts or links to fetch)
 * comparing experiments: the comparison table (see {@link compareExperiments}), the ROC and
 * precision-recall curves of every experiment overlaid, the partial-session charts (recall and
 * false positive rate against events seen) when given, and each experiment's confusion matrix at
 * its operating point. Experiments whose test labels hold one class get no curve (it is undefined).
 *
 * @example
 * ```ts
 * const html = renderReport({
 *   title: 'Truncation experiments',
 *   experiments: jobs.map((j) => ({ name: j.name, labels: j.testLabels, scores: j.testScores, operatingPoint: j.point })),
 *   partialSessions: { eventsSeen: [1, 2, 5, 10], recall: [0.1, 0.3, 0.6, 0.8], fpr: [0.01, 0.01, 0.02, 0.02] },
 * });
 * ```
 */
export function renderReport(options: ReportOptions): string {
  const {
    title,
    experiments,
    partialSessions,
    description,
    baseline = true,
    live,
    importance,
    moreOperatingPoints = [],
    jobNotes = {},
    provenance = {},
  } = options;
  if (typeof title !== 'string' || title === '')
    throw new InvalidArgumentError('renderReport', 'title', title, 'a non-empty title');
  const comparison = compareExperiments(experiments, { baseline });
  const colorOf = new Map(experiments.map((e, i) => [e.name, PALETTE[i % PALETTE.length]!]));
  const byName = new Map(experiments.map((e) => [e.name, e]));

  const rocSeries: ChartSeries[] = [];
  const prSeries: ChartSeries[] = [];
  for (const row of comparison.rows) {
    if (row.kind !== 'experiment' || row.auc === undefined) continue;
    const e = byName.get(row.name)!;
    const roc = rocCurve(e.labels, e.scores);
    const pr = precisionAtRecallLevels(precisionRecallCurve(e.labels, e.scores));
    const color = colorOf.get(row.name)!;
    rocSeries.push({ name: `${row.name} (AUC ${fmt(row.auc, 3)})`, x: roc.fpr, y: roc.tpr, color });
    prSeries.push({ name: `${row.name} (AP ${fmt(row.prAuc, 3)})`, x: pr.recall, y: pr.precision, color });
  }
  // Everything that matters for a rare attack is at small false positive rates: a log axis from
  // the smallest one the data can show (one false positive) up to 100%.
  const smallest = Math.min(...rocSeries.flatMap((sr) => Array.from(sr.x).filter((v) => v > 0)), 0.01);
  const fprFloor = 10 ** Math.floor(Math.log10(Math.max(smallest, 1e-6)));
  const percent = (v: number): string => `${Number((v * 100).toPrecision(3))}%`;
  const charts = [
    lineChart({
      width: 560,
      height: 400,
      id: 'roc',
      title: 'ROC curve (test), false positive rate on a log scale',
      xLabel: 'false positive rate (log scale)',
      yLabel: 'true positive rate (recall)',
      xDomain: [fprFloor, 1],
      yDomain: [0, 1],
      xScale: 'log',
      xTickFormat: percent,
      diagonal: true,
      distinguish: true,
      series: rocSeries,
    }),
    lineChart({
      width: 560,
      height: 400,
      id: 'pr',
      title: 'Precision-recall curve (test)',
      xLabel: 'recall',
      yLabel: 'precision',
      xDomain: [0, 1],
      yDomain: [0, 1],
      distinguish: true,
      series: prSeries,
    }),
  ];

  let partialHtml = '';
  if (partialSessions !== undefined) {
    const list: readonly PartialSessionSeries[] = Array.isArray(partialSessions)
      ? partialSessions
      : [partialSessions as PartialSessionSeries];
    list.forEach(checkSeries);
    const named = list.map((s, i) => ({
      ...s,
      name: s.name ?? (list.length === 1 ? 'partial sessions' : (experiments[i]?.name ?? `series ${i + 1}`)),
    }));
    const color = (name: string, i: number) => colorOf.get(name) ?? PALETTE[i % PALETTE.length]!;
    const maxFpr = Math.max(0.01, ...named.flatMap((s) => Array.from(s.fpr)));
    partialHtml = `<section id="partial-sessions"><h2>Partial sessions: detection against events seen</h2><div class="charts">
${lineChart({ width: 520, height: 380, id: 'partial-recall', title: 'Recall against events seen', xLabel: 'events seen per session', yLabel: 'recall (attack sessions flagged)', yDomain: [0, 1], series: named.map((s, i) => ({ name: s.name, x: s.eventsSeen, y: s.recall, color: color(s.name, i) })) })}
${lineChart({ width: 520, height: 380, id: 'partial-fpr', title: 'False positive rate against events seen', xLabel: 'events seen per session', yLabel: 'false positive rate', yDomain: [0, Math.min(1, maxFpr * 1.15)], yTickFormat: (v) => `${Number((v * 100).toPrecision(3))}%`, series: named.map((s, i) => ({ name: s.name, x: s.eventsSeen, y: s.fpr, color: color(s.name, i), dashed: true })) })}
</div></section>`;
  }

  const table = comparisonTable(experiments, baseline, colorOf);

  const matrices = comparison.rows
    .map((row) => matrixHtml(row, row.kind === 'experiment' ? colorOf.get(row.name) : undefined, byName.get(row.name)))
    .join('\n');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${description ? `<p class="description">${escapeXml(description)}</p>` : ''}
<section id="comparison"><h2>Comparison at the operating point ${escapeXml(pointHeading(experiments))} (test data)</h2>
${table}
${prevalenceNote(experiments)}
${jobList(experiments, jobNotes)}
</section>
${moreOperatingPoints
  .map(
    (
      more,
      k,
    ) => `<section id="comparison-${k + 2}" class="comparison-more"><h2>Comparison at the operating point ${escapeXml(more.heading)} (test data)</h2>
${comparisonTable(more.experiments, baseline, colorOf)}
</section>`,
  )
  .join('\n')}
<section id="curves"><h2>Curves</h2><div class="charts">
${charts.join('\n')}
</div></section>
${live === undefined ? '' : renderLiveSection(live)}
${partialHtml}
<section id="confusion-matrices"><h2>Confusion matrices at the operating point ${escapeXml(pointHeading(experiments))}</h2><div class="matrices">
${matrices}
</div></section>
${importance === undefined ? '' : renderImportanceSection(importance)}
${provenanceSection(provenance)}
<footer>AUC: area under the ROC curve; PR-AUC: average precision (both as scikit-learn computes them). The precision-recall curve shows the precision at each recall level where it is reached (the points average precision sums over). A score at or above the threshold flags the session. — marks a metric that is undefined for the data.</footer>
</body>
</html>
`;
}

function comparisonTable(
  experiments: readonly ExperimentInput[],
  baseline: CompareExperimentsOptions['baseline'],
  colorOf: ReadonlyMap<string, string>,
): string {
  const comparison = compareExperiments(experiments, { baseline });
  const cells = comparison.cells();
  const tableRows = comparison.rows
    .map((row, r) => {
      const color = colorOf.get(row.name);
      const first = `${row.kind === 'experiment' && color ? `<span class="swatch" style="background:${color}"></span>` : ''}${escapeXml(cells[r + 1]![0]!)}`;
      return `<tr class="${row.kind}">${[first, ...cells[r + 1]!.slice(1).map(escapeXml)].map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="comparison"><thead><tr>${cells[0]!.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>
${tableRows}
</tbody></table>`;
}

// The rule shared by the experiments' operating points ('FPR ≤ 5%, chosen on validation'), or 'of each row'.
function pointHeading(experiments: readonly ExperimentInput[]): string {
  const rules = new Set(
    experiments.map((e) =>
      typeof e.operatingPoint === 'number' ? `threshold ${e.operatingPoint}` : describePointRule(e.operatingPoint.rule),
    ),
  );
  return rules.size === 1 ? [...rules][0]! : 'of each row';
}

function describePointRule(rule: OperatingPoint['rule']): string {
  if ('maxFalsePositiveRate' in rule)
    return `FPR ≤ ${Number((rule.maxFalsePositiveRate * 100).toPrecision(6))}% (chosen on validation data)`;
  if ('threshold' in rule) return `threshold ${rule.threshold}`;
  return 'best F1 (chosen on validation data)';
}

/**
 * The points of a precision-recall curve that average precision sums over: for each recall level,
 * the precision where it is first reached (the highest at that recall), in increasing recall, drawn
 * as steps. The full curve also holds the points where false positives pile up at one recall, which
 * draw as vertical spikes down to near zero and back.
 *
 * @example
 * ```ts
 * precisionAtRecallLevels(precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]));
 * // { recall: [0, 0, 0.5, 0.5, 1], precision: [1, 1, 1, 0.667, 0.667] }: the area under the steps,
 * // 0.5 · 1 + 0.5 · 0.667 = 0.833, is the average precision
 * ```
 */
export function precisionAtRecallLevels(curve: {
  readonly precision: ArrayLike<number>;
  readonly recall: ArrayLike<number>;
}): { recall: number[]; precision: number[] } {
  const best = new Map<number, number>();
  for (let i = 0; i < curve.recall.length; i++) {
    const r = curve.recall[i]!;
    if (r === 0) continue;
    const p = curve.precision[i]!;
    if (!(best.get(r)! >= p)) best.set(r, p);
  }
  const levels = [...best.keys()].sort((a, b) => a - b);
  const recall: number[] = [0];
  const precision: number[] = [levels.length > 0 ? best.get(levels[0]!)! : 1];
  // Precision P_k holds over (R_{k-1}, R_k], as average precision counts it.
  for (const r of levels) {
    const p = best.get(r)!;
    recall.push(recall[recall.length - 1]!, r);
    precision.push(p, p);
  }
  return { recall, precision };
}

// Precision depends on prevalence: a threshold's precision on a validation part with many attacks
// says little about a test day with few. Noted when the two differ by more than 2×.
function prevalenceNote(experiments: readonly ExperimentInput[]): string {
  const lines: string[] = [];
  for (const e of experiments) {
    if (typeof e.operatingPoint === 'number') continue;
    const v = e.operatingPoint.validation;
    let positives = 0;
    for (let i = 0; i < e.labels.length; i++) positives += e.labels[i] === 1 ? 1 : 0;
    const test = e.labels.length === 0 ? 0 : positives / e.labels.length;
    const validation = v.total === 0 ? 0 : v.support / v.total;
    if (test === 0 || validation === 0 || Math.max(test, validation) / Math.min(test, validation) <= 2) continue;
    lines.push(`${e.name}: ${pct(validation)} of validation sessions are attacks, ${pct(test)} of test sessions`);
  }
  if (lines.length === 0) return '';
  const first = experiments.find((e) => typeof e.operatingPoint !== 'number');
  const vp =
    first !== undefined && typeof first.operatingPoint !== 'number'
      ? first.operatingPoint.validation.precision
      : undefined;
  return (
    `<p class="note"><strong>Prevalence differs between validation and test</strong> ` +
    `(${escapeXml(lines.slice(0, 3).join('; '))}${lines.length > 3 ? '; …' : ''}). Precision depends on how many ` +
    `sessions are attacks: the same threshold, with the same recall and false positive rate, gives a much lower ` +
    `precision on a test day with fewer ` +
    `attacks${vp !== undefined ? ` (e.g. ${escapeXml(first!.name)}: precision ${fmt(vp, 2)} on validation)` : ''}. ` +
    `Compare recall and false positive rate across the two; read precision for the test day only.</p>`
  );
}

function pct(v: number): string {
  return `${Number((v * 100).toPrecision(2))}%`;
}

function jobList(experiments: readonly ExperimentInput[], notes: Readonly<Record<string, string>>): string {
  const items = experiments
    .filter((e) => notes[e.name] !== undefined)
    .map((e) => `<dt>${escapeXml(e.name)}</dt><dd>${escapeXml(notes[e.name]!)}</dd>`);
  return items.length === 0 ? '' : `<dl class="jobs">${items.join('')}</dl>`;
}

function provenanceSection(p: ReportProvenance): string {
  const rows: [string, string][] = [
    [
      'created',
      (p.createdAt ?? new Date())
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC'),
    ],
  ];
  if (p.package !== undefined) rows.push(['package', p.package]);
  if (p.dataFiles !== undefined && p.dataFiles.length > 0) rows.push(['data files', p.dataFiles.join(', ')]);
  if (p.seeds !== undefined && Object.keys(p.seeds).length > 0)
    rows.push([
      'seeds',
      Object.entries(p.seeds)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]);
  if (p.hyperparameters !== undefined && Object.keys(p.hyperparameters).length > 0)
    rows.push([
      'hyperparameters',
      Object.entries(p.hyperparameters)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    ]);
  for (const [k, v] of Object.entries(p.more ?? {})) rows.push([k, v]);
  return (
    `<section id="provenance"><h2>Provenance</h2><table ` +
    `class="facts">${rows.map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(v)}</td></tr>`).join('')}</table></section>`
  );
}

/**
 * Renders the report (see {@link renderReport}) and writes it to `file`, creating its folder.
 *
 * @example
 * ```ts
 * await writeReport('out/report.html', { title: 'Truncation experiments', experiments });
 * ```
 */
export async function writeReport(file: string, options: ReportOptions): Promise<void> {
  const html = renderReport(options);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, html);
}
