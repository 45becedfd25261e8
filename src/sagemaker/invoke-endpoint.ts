import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { parseScores } from '../serve/parse-scores.js';
import { EndpointInvocationError, ResourceStateError, RunAbortedError } from '../train/train-errors.js';
import { countCsvRows } from './csv-payload.js';
import { AwsRequestError, PredictionCountError } from './sagemaker-errors.js';

/** Options of {@link invokeCsvPayloads}. */
export interface InvokeCsvPayloadsOptions {
  /** Aborts the request in flight; the call then rejects with `RunAbortedError`. */
  readonly signal?: AbortSignal;
}

/**
 * Sends `text/csv` payloads (feature rows, no label, each already under the invocation limit) to
 * an endpoint with `InvokeEndpoint`, one request per payload in order, reads each answer with the
 * library's one endpoint-output parser (`parseScores`, honouring the answer's `ContentType`),
 * checks it holds one score per row, and returns all scores in row order. What
 * `SageMakerBackend.invokeEndpoint` and {@link Predictor} both send through.
 *
 * @throws {EndpointInvocationError} when the container answers an error (`ModelError`, with its
 *   status and body); `ResourceStateError` when the endpoint does not exist or is not in service;
 *   {@link AwsRequestError} when the runtime refuses otherwise; {@link PredictionCountError} when
 *   an answer holds another number of scores; `ParseError` for unreadable output;
 *   `RunAbortedError` when `signal` aborts.
 *
 * @example
 * ```ts
 * const runtime = new SageMakerRuntimeClient({ region: 'eu-west-1' });
 * await invokeCsvPayloads(runtime, 'sentry-first-5', ['3,0,1,7\n', '0,2,,1\n']); // Float64Array(2)
 * ```
 */
export async function invokeCsvPayloads(
  runtime: SageMakerRuntimeClient,
  endpointName: string,
  payloads: readonly string[],
  options: InvokeCsvPayloadsOptions = {},
): Promise<Float64Array> {
  const { signal } = options;
  const source = `InvokeEndpoint ${endpointName}`;
  const results: Float64Array[] = [];
  let total = 0;
  for (const payload of payloads) {
    if (signal?.aborted) throw new RunAbortedError(source, signal.reason);
    let output;
    try {
      output = await runtime.send(
        new InvokeEndpointCommand({
          EndpointName: endpointName,
          ContentType: 'text/csv',
          Accept: 'text/csv',
          Body: new TextEncoder().encode(payload),
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      if (signal?.aborted) throw new RunAbortedError(source, signal.reason);
      throw invocationError(endpointName, err);
    }
    const scores = parseScores(output.Body ?? new Uint8Array(), { contentType: output.ContentType, source });
    const expected = countCsvRows(payload);
    if (scores.length !== expected) throw new PredictionCountError(source, expected, scores.length);
    results.push(scores);
    total += scores.length;
  }
  if (results.length === 1) return results[0] as Float64Array;
  const all = new Float64Array(total);
  let offset = 0;
  for (const scores of results) {
    all.set(scores, offset);
    offset += scores.length;
  }
  return all;
}

/**
 * Runtime errors as the local backend reports them: a `ModelError` (the container answered an
 * error) as {@link EndpointInvocationError}, an unknown endpoint as {@link ResourceStateError}.
 */
function invocationError(endpointName: string, err: unknown): Error {
  const record = err as {
    name?: unknown;
    OriginalStatusCode?: unknown;
    OriginalMessage?: unknown;
    message?: unknown;
  } | null;
  // The runtime answers ValidationError "Endpoint … of account … not found." for endpoints that do not exist or are not
  // in service.
  if (record?.name === 'ValidationError' && /not found/i.test(String(record.message ?? ''))) {
    return new ResourceStateError(
      `endpoint ${endpointName}`,
      `does not exist or is not in service (${String(record.message)})`,
      { cause: err },
    );
  }
  if (record?.name === 'ModelError') {
    const status = typeof record.OriginalStatusCode === 'number' ? record.OriginalStatusCode : 424;
    const body = typeof record.OriginalMessage === 'string' ? record.OriginalMessage : String(record.message ?? '');
    return new EndpointInvocationError(endpointName, status, body, { cause: err });
  }
  return new AwsRequestError('InvokeEndpoint', endpointName, err);
}
