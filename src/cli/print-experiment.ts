import path from 'node:path';
import { relativeLocation } from '../events/s3-uri.js';
import { describeLivePolicy } from '../experiment/live-section.js';
import { describeRule, type ExperimentRunResult } from '../experiment/partial-session-experiment.js';
import type { CliIO } from './cli-io.js';

/**
 * Prints an experiment's results on standard output: one comparison table per operating point
 * (chosen on validation data, measured on the test day), the "caught after n events" table of the
 * first operating point, unseen test actions, failures and the output files.
 *
 * @example
 * ```ts
 * printExperiment(await runPartialSessionExperiment(spec), processIO());
 * ```
 */
export function printExperiment(result: ExperimentRunResult, io: CliIO): void {
  const out = (text = ''): void => {
    io.stdout.write(`${text}\n`);
  };
  const { spec } = result;
  const rel = (p: string): string => relativeLocation(io.cwd, p) || '.';
  for (const { rule, comparison } of result.comparisons) {
    out();
    out(
      `## Test day ${path.basename(spec.test)} at the operating point ${describeRule(rule)} (chosen on validation ` +
        `data)`,
    );
    out();
    out(comparison.toText());
  }
  if (result.live !== null) {
    out();
    out(
      `## Live detection on ${path.basename(spec.test)}: each detector at its policy for ≤ ${result.live.budget} ` +
        `false alerts per 10 000 (chosen on validation sessions)`,
    );
    out();
    const header = [
      'detector',
      'policy',
      'val recall',
      'val FA/10K',
      'recall',
      'FA/10K',
      'median events',
      'p90 events',
      'median time',
    ];
    const rows = result.live.outcomes.map((o) => [
      o.name,
      describeLivePolicy(o.policy),
      o.validation.recall.toFixed(3),
      o.validation.falseAlertsPer10k.toFixed(1),
      o.test.finalRecall.toFixed(3),
      o.test.falseAlertsPer10k.toFixed(1),
      num(o.test.eventsToFirstAlert.median),
      num(o.test.eventsToFirstAlert.p90),
      Number.isFinite(o.test.timeToFirstAlertMs.median)
        ? `${(o.test.timeToFirstAlertMs.median / 1000).toFixed(1)} s`
        : '—',
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    for (const row of [header, ...rows])
      out(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  }
  if (result.partialSessions.length > 0) {
    out();
    out(
      '## Attacker sessions alerted within the first n events of the test day, live (recall / FPR, cumulative, each detector at its live policy)',
    );
    out();
    const header = ['job', ...Array.from(result.partialSessions[0]!.eventsSeen, (n) => `n=${n}`)];
    const rows = result.partialSessions.map((s) => [
      s.name ?? '',
      ...Array.from(s.eventsSeen, (_, k) => `${Number(s.recall[k]).toFixed(2)}/${Number(s.fpr[k]).toFixed(3)}`),
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    for (const row of [header, ...rows])
      out(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  }
  const unseen = result.unseenTestActions;
  if (unseen !== null && unseen.events > 0) {
    out();
    out(
      `Test-day actions the training vocabulary lacks (counted in other_actions): ${unseen.events} events in ` +
        `${unseen.sessions} sessions`,
    );
  }
  for (const f of result.failed) io.stderr.write(`failed: ${f.job} (${f.stage}): ${f.reason}\n`);
  out();
  out(`Report:  ${rel(result.files.report)}`);
  out(`Models:  ${rel(result.files.modelsDir)}/<job>/{model.tar.gz,features.json,operating-points.json}`);
  if (result.live !== null)
    out(`Live:    ${rel(result.live.detectorDir)} (the live detector; replay or serve --live it)`);
  out(`Summary: ${rel(result.files.summary)}`);
  out(
    `Done in ${(result.timings.total / 1000).toFixed(1)} s (read ${s(result.timings.read)}, flatten ` +
      `${s(result.timings.flatten)}, split ${s(result.timings.split)}, train ${s(result.timings.train)}, score ` +
      `${s(result.timings.score)}, live ${s(result.timings.live)}, report ${s(result.timings.report)}).`,
  );
}

function num(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toFixed(1))) : '—';
}

function s(ms: number | undefined): string {
  return ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
}
