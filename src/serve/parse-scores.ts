import { ParseError } from '../errors.js';

/**
 * Reads the scores an endpoint or a batch transform returned: one number per line (what the
 * SageMaker XGBoost container writes for `text/csv`), or comma-separated on one line (older images
 * and multi-model endpoints), or a JSON body `{"predictions": [{"score": p}, …]}`.
 *
 * @param source Names the body in error messages (an endpoint or a file).
 * @throws ParseError naming the source, the line and the value when a score is not a number.
 * @example
 * ```ts
 * parseScores('0.25\n0.75\n');   // Float64Array [0.25, 0.75]
 * parseScores('0.25,0.75');      // Float64Array [0.25, 0.75]
 * ```
 */
export function parseScores(body: string, source = '<response>'): Float64Array {
  const text = body.trim();
  if (text.length === 0) return new Float64Array(0);
  if (text.startsWith('{')) return parseJsonScores(text, source);
  const lines = text.split('\n');
  const values: number[] = [];
  lines.forEach((line, i) => {
    for (const field of line.split(',')) {
      const value = readScore(field.trim());
      if (value === undefined) {
        throw new ParseError({ file: source, line: i + 1 }, 'score is not a number', { value: field, expected: 'one number per line or comma-separated numbers' });
      }
      values.push(value);
    }
  });
  return Float64Array.from(values);
}

function readScore(field: string): number | undefined {
  const lower = field.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (field.length === 0) return undefined;
  const value = Number(field);
  return Number.isNaN(value) ? undefined : value;
}

function parseJsonScores(text: string, source: string): Float64Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ParseError({ file: source, line: 1 }, 'response is not valid JSON', { value: text, expected: '{"predictions": [{"score": p}, ...]}' }, { cause: err });
  }
  const predictions = (parsed as { predictions?: unknown }).predictions;
  if (!Array.isArray(predictions)) {
    throw new ParseError({ file: source, line: 1 }, 'JSON response has no "predictions" array', { value: text, expected: '{"predictions": [{"score": p}, ...]}' });
  }
  return Float64Array.from(predictions, (p: unknown, i) => {
    const score = typeof p === 'number' ? p : (p as { score?: unknown } | null)?.score;
    if (typeof score !== 'number') {
      throw new ParseError({ file: source, line: 1 }, `predictions[${i}] has no numeric score`, { value: JSON.stringify(p), expected: '{"score": p}' });
    }
    return score;
  });
}
