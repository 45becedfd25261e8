import type { TuneResult } from './tune-hyperparameters.js';

/** A search's trials as a table: one row per trial, in trial order. */
export interface TuneTable {
  /** `trial`, the searched hyperparameters, the objective, the metric's mean and std, `rounds`, `seconds`, `error`. */
  readonly columns: readonly string[];
  /** One row per trial; empty strings where a failed trial has no value. */
  readonly rows: readonly (readonly (string | number)[])[];
}

/**
 * The trials of a search as a table, for printing, CSV or a DataFrame: one column per searched
 * hyperparameter, then the objective (`test-logloss`, `recall@fpr<=0.001`…), the early-stopping
 * metric's mean and std over the folds at the best round, the rounds, the seconds and the failure.
 *
 * @example
 * ```ts
 * const { columns, rows } = tuneTable(result);
 * await writeFile('tune.csv', [columns, ...rows].map((r) => r.join(',')).join('\n') + '\n');
 * ```
 */
export function tuneTable(result: TuneResult): TuneTable {
  const names: string[] = [];
  for (const trial of result.trials)
    for (const name of Object.keys(trial.point)) if (!names.includes(name)) names.push(name);
  const metric = result.trials.find((t) => t.metric !== undefined)?.metric?.name ?? 'metric';
  const scoreIsMetric = result.objective === `test-${metric}`;
  const columns = [
    'trial',
    ...names,
    result.objective,
    ...(scoreIsMetric ? [`test-${metric}-std`] : [`test-${metric}-mean`, `test-${metric}-std`]),
    'rounds',
    'seconds',
    'error',
  ];
  const rows = result.trials.map((t) => [
    t.index,
    ...names.map((n) => (t.point[n] === undefined ? '' : (t.point[n] as string | number | boolean).toString())),
    t.score ?? '',
    ...(scoreIsMetric ? [t.metric?.std ?? ''] : [t.metric?.mean ?? '', t.metric?.std ?? '']),
    t.rounds ?? '',
    Number(t.seconds.toFixed(3)),
    t.error ?? '',
  ]);
  return { columns, rows };
}
