import { InvalidArgumentError } from '../errors.js';
import { escapeXml, lineChart, PALETTE } from './svg-chart.js';

/**
 * One live detector of the report's live section: its policy, its validation figures and its replay of the test log.
 */
export interface LiveReportRow {
  /** The detector's name (a job's model, or a combination such as `prefix40 + drop0`). */
  readonly name: string;
  /** The policy in words: thresholds, `sustain`, `minEvents`. */
  readonly policy: string;
  /** Figures on the validation sessions the policy was chosen on. */
  readonly validation: { readonly recall: number; readonly falseAlertsPer10k: number };
  /** The test log replayed live at the policy. */
  readonly test: {
    readonly recall: number;
    readonly falseAlertsPer10k: number;
    readonly medianEvents: number;
    readonly p90Events: number;
    readonly medianTimeMs: number;
  };
  /**
   * Cumulative: the share of attacker sessions alerted within their first `eventsSeen[i]` events, and innocent sessions
   * alerted per 10 000.
   */
  readonly eventsSeen: readonly number[];
  readonly recall: readonly number[];
  readonly falseAlertsPer10k: readonly number[];
}

/** The report's live section (`renderReport({ live })`). */
export interface LiveReportSection {
  /** The budget every policy was calibrated for: innocent sessions ever alerted per 10 000. */
  readonly budget: number;
  /** A sentence on the test log (sessions, attackers, styles held out of training). */
  readonly about: string;
  readonly rows: readonly LiveReportRow[];
}

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const seconds = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s` : '—');

/**
 * The live section of the HTML report: a table of each detector at its calibrated policy (recall,
 * false alerts per 10 000 innocent sessions, events and time to the first alert, on the test log
 * replayed live, beside the validation figures the policy was chosen by) and two charts against
 * events seen: recall, and false alerts per 10 000. Both are cumulative, as `replay` counts: a
 * session alerted at its 3rd event counts as caught at 3, 4, 5… events.
 *
 * @example
 * ```ts
 * renderLiveSection({ budget: 10, about: 'test day: 9 000 sessions, 10 attackers', rows });
 * ```
 */
export function renderLiveSection(section: LiveReportSection): string {
  const where = 'renderLiveSection';
  const { budget, about, rows } = section;
  if (!Array.isArray(rows) || rows.length === 0)
    throw new InvalidArgumentError(where, 'rows', rows, 'at least one detector');
  rows.forEach((row, i) => {
    for (const key of ['recall', 'falseAlertsPer10k'] as const) {
      if (row[key].length !== row.eventsSeen.length)
        throw new InvalidArgumentError(
          where,
          `rows[${i}].${key}.length`,
          row[key].length,
          `${row.eventsSeen.length} (one per eventsSeen)`,
        );
    }
  });
  const color = (i: number): string => PALETTE[i % PALETTE.length]!;
  const head = [
    'detector',
    'policy (thresholds; sustain, first event)',
    'validation recall',
    'validation FA / 10K',
    'test recall',
    'test FA / 10K',
    'median events to alert',
    'p90 events',
    'median time to alert',
  ];
  const body = rows
    .map((r, i) => {
      const cells = [
        r.policy,
        fmt(r.validation.recall, 3),
        fmt(r.validation.falseAlertsPer10k, 1),
        fmt(r.test.recall, 3),
        fmt(r.test.falseAlertsPer10k, 1),
        fmt(r.test.medianEvents, 1),
        fmt(r.test.p90Events, 1),
        seconds(r.test.medianTimeMs),
      ];
      return (
        `<tr><td><span class="swatch" ` +
        `style="background:${color(i)}"></span>${escapeXml(r.name)}</td>${cells.map((c, k) => `<td${k === 0 ? ' class="policy"' : ''}>${escapeXml(c)}</td>`).join('')}</tr>`
      );
    })
    .join('\n');
  const maxFa = Math.max(budget * 2, ...rows.flatMap((r) => r.falseAlertsPer10k));
  const recallChart = lineChart({
    width: 520,
    height: 380,
    id: 'live-recall',
    title: 'Attacks alerted within n events (live, test)',
    xLabel: 'events seen per session',
    yLabel: 'recall (cumulative)',
    yDomain: [0, 1],
    series: rows.map((r, i) => ({ name: r.name, x: r.eventsSeen, y: r.recall, color: color(i), steps: true })),
  });
  const faChart = lineChart({
    width: 520,
    height: 380,
    id: 'live-false-alerts',
    title: 'Innocent sessions alerted within n events (live, test)',
    xLabel: 'events seen per session',
    yLabel: 'false alerts per 10 000 (cumulative)',
    yDomain: [0, maxFa * 1.1],
    series: [
      ...rows.map((r, i) => ({
        name: r.name,
        x: r.eventsSeen,
        y: r.falseAlertsPer10k,
        color: color(i),
        dashed: true,
        steps: true,
      })),
      {
        name: `budget (${budget} per 10 000)`,
        x: [rows[0]!.eventsSeen[0]!, rows[0]!.eventsSeen.at(-1)!],
        y: [budget, budget],
        color: '#999',
      },
    ],
  });
  return `<section id="live"><h2>Live detection: alerts while sessions run</h2>
<p class="description">Every session of the test log replayed event by event, as a blocking system sees it, each detector at the alert policy calibrated on held-out validation sessions for at most ${escapeXml(String(budget))} innocent sessions alerted per 10 000 (FA: false alerts, innocent sessions alerted at some point). ${escapeXml(about)}</p>
<style>table.live td.policy, table.live th:nth-child(2) { text-align: left; white-space: normal; min-width: 14em; } table.live th { white-space: normal; }</style>
<table class="comparison live"><thead><tr>${head.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>
${body}
</tbody></table>
<div class="charts">
${recallChart}
${faChart}
</div></section>`;
}
