import { formatContributions } from '../model/explain-rows.js';
import { escapeId } from '../serve/escape-id.js';
import type { LiveAlert } from '../serve/live-scorer.js';
import type { CommandArgs } from './command.js';
import { numberOption } from './command.js';

/**
 * One live alert as `serve --live` and `replay --explain` print it: a text line
 * (`alert session s1 customer c9 score 0.9812 after 4 events because downloads: +2.1, gap_cv: +0.9`)
 * or, with `json`, one JSON line `{"alert":{"session","customer","score","eventsSeen","explanation"}}`
 * (`explanation` only when the scorer explains alerts).
 *
 * @example
 * ```ts
 * scorer.on('alert', (a) => io.stdout.write(alertLine(a, false)));
 * ```
 */
export function alertLine(a: LiveAlert, json: boolean): string {
  if (json)
    return `${JSON.stringify({
      alert: {
        session: a.session,
        ...(a.customer !== undefined ? { customer: a.customer } : {}),
        score: a.score,
        eventsSeen: a.eventsSeen,
        ...(a.explanation !== undefined ? { explanation: a.explanation } : {}),
      },
    })}\n`;
  const customer = a.customer !== undefined ? ` customer ${escapeId(a.customer)}` : '';
  const because = a.explanation !== undefined ? ` because ${formatContributions(a.explanation)}` : '';
  return `alert session ${escapeId(a.session)}${customer} score ${a.score.toFixed(4)} after ${a.eventsSeen} events${because}\n`;
}

/**
 * The `--explain <k>` option: how many top features to list per alert (1–50), or undefined when
 * not given.
 *
 * @example
 * ```ts
 * explainOption('replay', args); // 3 for --explain 3
 * ```
 */
export function explainOption(command: string, args: CommandArgs): number | undefined {
  if (args.values.explain === undefined) return undefined;
  return numberOption(command, args, 'explain', 5, { min: 1, max: 50, integer: true });
}
