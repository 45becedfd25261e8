import { encodePredictions, negotiateAccept, type AcceptType } from './encode-predictions.js';
import { InvocationError } from './invocation-error.js';
import { parseCsvPayload, parseJsonPayload, parseLibsvmPayload, type PayloadMatrix } from './parse-payload.js';
import { type PayloadLimits, MAX_PAYLOAD_CELLS, MAX_PAYLOAD_ROWS } from './payload-limits.js';
import type { ScoringModel } from './scoring-model.js';

/** One `POST /invocations` request, body already read. */
export interface InvocationRequest {
  readonly body: Uint8Array | string;
  /** The `Content-Type` header; missing means `text/csv`, as in the container. */
  readonly contentType?: string;
  /** The `Accept` header. */
  readonly accept?: string;
}

/** The answer to send back. */
export interface InvocationResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** Rows scored (0 for errors and empty bodies). */
  readonly rows: number;
}

/** Options of {@link handleInvocation}. */
export interface InvocationOptions {
  /** Response type when `Accept` is missing or `*\/*`. Default `'text/csv'`. */
  readonly defaultAccept?: AcceptType;
  /** Most rows per request; more is 413 naming the limit. Default {@link MAX_PAYLOAD_ROWS} (1 000 000). */
  readonly maxRows?: number;
  /**
   * Most values per request once rows are padded to the model's width; more is 413. Default {@link MAX_PAYLOAD_CELLS}
   * (2^24).
   */
  readonly maxCells?: number;
}

const SUPPORTED_CONTENT_TYPES = ['text/csv', 'text/libsvm', 'text/x-libsvm', 'application/json'];

/**
 * Answers one invocation as the SageMaker XGBoost container does (`algorithm_mode/serve.py`):
 * an empty body is 204; an unsupported or unparseable body 415; an unsupported `Accept` 406; rows
 * with more columns than the model has features, or any prediction failure, 400; more rows than
 * `maxRows`, or more values than `maxCells` once padded to the model's width, 413 naming the limit
 * (checked before anything is allocated); otherwise 200
 * with the scores in the negotiated format. Pure: no I/O, so it serves HTTP, tests and batch
 * transform alike.
 *
 * @example
 * ```ts
 * const res = handleInvocation(booster, { body: '1,2,3\n4,5,6', contentType: 'text/csv' });
 * // res.status === 200, res.body === "0.12…\n0.87…\n"
 * ```
 */
export function handleInvocation(
  model: ScoringModel,
  request: InvocationRequest,
  options: InvocationOptions = {},
): InvocationResponse {
  const { defaultAccept = 'text/csv', maxRows = MAX_PAYLOAD_ROWS, maxCells = MAX_PAYLOAD_CELLS } = options;
  try {
    const text = typeof request.body === 'string' ? request.body : decodeUtf8(request.body);
    if (text.length === 0) return { status: 204, contentType: 'text/plain', body: '', rows: 0 };
    const width = model.numFeature;
    const matrix = parsePayload(text, request.contentType, { maxRows, maxCells, maxColumns: width, width });
    const accept = negotiateAccept(request.accept, defaultAccept);
    const scores = predict(model, matrix);
    return { status: 200, contentType: accept, body: encodePredictions(scores, accept), rows: matrix.rows };
  } catch (err) {
    if (err instanceof InvocationError)
      return { status: err.status, contentType: 'text/plain', body: `${err.message}\n`, rows: 0 };
    throw err;
  }
}

function parsePayload(text: string, contentTypeHeader: string | undefined, limits: PayloadLimits): PayloadMatrix {
  const contentType = ((contentTypeHeader ?? 'text/csv').split(';')[0] as string).trim().toLowerCase() || 'text/csv';
  if (contentType === 'text/csv') return parseCsvPayload(text, limits);
  if (contentType === 'application/json') return parseJsonPayload(text, limits);
  if (contentType === 'text/libsvm' || contentType === 'text/x-libsvm') return parseLibsvmPayload(text, limits);
  throw new InvocationError(
    415,
    `Content-Type ${JSON.stringify(contentTypeHeader)} is not supported (supported: ` +
      `${SUPPORTED_CONTENT_TYPES.join(', ')})`,
  );
}

function predict(model: ScoringModel, matrix: PayloadMatrix): ArrayLike<number> {
  if (matrix.columns > model.numFeature) {
    throw new InvocationError(
      400,
      `payload has ${matrix.columns} columns but the model has ${model.numFeature} features (send feature columns ` +
        `only, no label)`,
    );
  }
  let scores: ArrayLike<number>;
  try {
    scores = model.predict(matrix.columns < model.numFeature ? padColumns(matrix, model.numFeature) : matrix);
  } catch (err) {
    throw new InvocationError(400, `Unable to evaluate payload provided: ${(err as Error).message}`, { cause: err });
  }
  if (scores.length !== matrix.rows) {
    throw new InvocationError(400, `model returned ${scores.length} scores for ${matrix.rows} rows`);
  }
  return scores;
}

// XGBoost accepts fewer columns than features and treats the absent trailing ones as missing.
function padColumns(matrix: PayloadMatrix, columns: number): PayloadMatrix {
  const data = new Float32Array(matrix.rows * columns).fill(Number.NaN);
  for (let r = 0; r < matrix.rows; r++)
    data.set(matrix.data.subarray(r * matrix.columns, (r + 1) * matrix.columns), r * columns);
  return { data, rows: matrix.rows, columns };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (err) {
    throw new InvocationError(415, 'payload is not valid UTF-8 text', { cause: err });
  }
}
