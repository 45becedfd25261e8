import { formatScore } from './format-score.js';
import { InvocationError } from './invocation-error.js';

/** Response formats the endpoint can write, as `Accept` media types. */
export type AcceptType = 'text/csv' | 'application/json' | 'application/jsonlines';

const SUPPORTED_ACCEPTS: readonly AcceptType[] = ['text/csv', 'application/json', 'application/jsonlines'];

/**
 * Picks the response format for an `Accept` header: a missing header or `*\/*` gives
 * `defaultAccept` (the container's `SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT`, `text/csv`); otherwise
 * the first listed type the endpoint supports, parameters such as `charset` ignored.
 *
 * @throws InvocationError with status 406 when no listed type is supported.
 * @example
 * ```ts
 * negotiateAccept(undefined);                        // 'text/csv'
 * negotiateAccept('application/json; charset=utf-8'); // 'application/json'
 * negotiateAccept('image/png');                       // throws, status 406
 * ```
 */
export function negotiateAccept(header: string | undefined, defaultAccept: AcceptType = 'text/csv'): AcceptType {
  if (header === undefined || header.trim() === '') return defaultAccept;
  for (const part of header.split(',')) {
    const type = (part.split(';')[0] as string).trim().toLowerCase();
    if (type === '*/*' || type === 'text/*') return type === 'text/*' ? 'text/csv' : defaultAccept;
    if ((SUPPORTED_ACCEPTS as readonly string[]).includes(type)) return type as AcceptType;
  }
  throw new InvocationError(
    406,
    `Accept type ${JSON.stringify(header)} is not supported (supported: ${SUPPORTED_ACCEPTS.join(', ')})`,
  );
}

/**
 * Writes predictions in the container's response formats: `text/csv` one score per line with a
 * trailing newline, `application/json` `{"predictions":[{"score":p},…]}`, `application/jsonlines`
 * one `{"score": p}` per line.
 *
 * @example
 * ```ts
 * encodePredictions(new Float32Array([0.25, 0.75]), 'text/csv'); // "0.25\n0.75\n"
 * encodePredictions(new Float32Array([0.25]), 'application/json'); // '{"predictions":[{"score":0.25}]}'
 * ```
 */
export function encodePredictions(scores: ArrayLike<number>, accept: AcceptType): string {
  const n = scores.length;
  const parts = new Array<string>(n);
  switch (accept) {
    case 'text/csv':
      for (let i = 0; i < n; i++) parts[i] = formatScore(scores[i] as number);
      return n === 0 ? '' : `${parts.join('\n')}\n`;
    case 'application/jsonlines':
      for (let i = 0; i < n; i++) parts[i] = `{"score": ${jsonNumber(scores[i] as number)}}`;
      return n === 0 ? '' : `${parts.join('\n')}\n`;
    case 'application/json':
      for (let i = 0; i < n; i++) parts[i] = `{"score":${jsonNumber(scores[i] as number)}}`;
      return `{"predictions":[${parts.join(',')}]}`;
  }
}

// JSON has no NaN; Python's json.dumps writes it bare, which strict parsers reject, so null it is.
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
