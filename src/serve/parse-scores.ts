import { ParseError } from '../errors.js';

/** Options of {@link parseScores}. */
export interface ParseScoresOptions {
  /**
   * The response's content type: `text/csv` (the default), `application/json` or
   * `application/jsonlines`; when absent, a body starting with `{` is read as JSON.
   */
  readonly contentType?: string;
  /** Names the body in error messages: the endpoint, the S3 object or the file. Default `'<response>'`. */
  readonly source?: string;
}

/**
 * Reads the scores an endpoint or a batch transform returned, one per input row — the one parser
 * of endpoint output, used by the local and the SageMaker backends alike:
 * - `text/csv`: one value per line (`"0.12\n0.87\n"`, what the 1.7-1 container and batch
 *   transform write), or one comma-separated line (`"0.12,0.87"`, what older images and
 *   multi-model endpoints write);
 * - `application/json`: `{"predictions":[{"score":0.12},{"score":0.87}]}`;
 * - `application/jsonlines`: one `{"score":0.12}` per line.
 *
 * `nan`, `inf` and `-inf` (Python's spelling) are read as NaN and ±Infinity; anything else that is
 * not a number is an error, never skipped. An empty body has no scores.
 *
 * @throws {ParseError} naming the source, the line (and column), and the offending text.
 * @example
 * ```ts
 * parseScores('0.12\n0.87\n');                  // Float64Array [0.12, 0.87]
 * parseScores('0.12,0.87');                     // Float64Array [0.12, 0.87]
 * parseScores('{"predictions":[{"score":0.5}]}', { contentType: 'application/json' }); // [0.5]
 * parseScores('0.5\nabc\n', { source: 'endpoint e1' }); // ParseError: endpoint e1:2: is not a number "abc" …
 * ```
 */
export function parseScores(body: string | Uint8Array, options: ParseScoresOptions = {}): Float64Array {
  const { source = '<response>' } = options;
  const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const mediaType = (options.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json' || (mediaType === '' && text.trimStart().startsWith('{'))) {
    return parseJsonPredictions(text, source);
  }
  if (mediaType === 'application/jsonlines' || mediaType === 'application/jsonl') return parseJsonLines(text, source);
  return parseCsvScores(text, source);
}

function contentLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

function parseCsvScores(text: string, source: string): Float64Array {
  const lines = contentLines(text);
  if (lines.length === 1 && lines[0]!.includes(',')) {
    const fields = lines[0]!.split(',');
    return Float64Array.from(fields, (field, i) => parseScore(field, { file: source, line: 1, column: i + 1 }));
  }
  const scores = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.includes(',')) {
      throw new ParseError({ file: source, line: i + 1 }, 'has several values on one line', {
        value: lines[i]!,
        expected: 'one score per line (a binary:logistic or regression model)',
      });
    }
    scores[i] = parseScore(lines[i]!, { file: source, line: i + 1 });
  }
  return scores;
}

function parseScore(field: string, position: { file: string; line: number; column?: number }): number {
  const trimmed = field.trim();
  if (/^[+-]?nan$/i.test(trimmed)) return Number.NaN;
  if (/^\+?inf(inity)?$/i.test(trimmed)) return Infinity;
  if (/^-inf(inity)?$/i.test(trimmed)) return -Infinity;
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (Number.isNaN(value))
    throw new ParseError(position, 'is not a number', { value: field, expected: 'a score such as 0.87' });
  return value;
}

function parseJsonPredictions(text: string, source: string): Float64Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ParseError(
      { file: source, line: 1 },
      'is not valid JSON',
      { value: text, expected: '{"predictions":[{"score":…}]}' },
      { cause: err },
    );
  }
  const predictions = (parsed as { predictions?: unknown } | null)?.predictions;
  if (!Array.isArray(predictions)) {
    throw new ParseError({ file: source, line: 1 }, 'has no predictions array', {
      value: text,
      expected: '{"predictions":[{"score":…}]}',
    });
  }
  return Float64Array.from(predictions, (entry: unknown, i) => jsonScore(entry, source, 1, `predictions[${i}]`));
}

function parseJsonLines(text: string, source: string): Float64Array {
  return Float64Array.from(contentLines(text), (line, i) => {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch (err) {
      throw new ParseError(
        { file: source, line: i + 1 },
        'is not valid JSON',
        { value: line, expected: '{"score":…}' },
        { cause: err },
      );
    }
    return jsonScore(entry, source, i + 1, 'line');
  });
}

function jsonScore(entry: unknown, source: string, line: number, what: string): number {
  const score =
    typeof entry === 'number'
      ? entry
      : typeof entry === 'object' && entry !== null
        ? (entry as { score?: unknown }).score
        : undefined;
  if (typeof score !== 'number') {
    throw new ParseError({ file: source, line }, `${what} has no numeric score`, {
      value: JSON.stringify(entry) ?? String(entry),
      expected: '{"score": <number>}',
    });
  }
  return score;
}
