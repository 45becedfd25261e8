import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { asyncDispose } from '../async-dispose.js';
import { InvalidArgumentError } from '../errors.js';
import { toCsvPayloads, type InvokeRows } from '../train/invoke-rows.js';
import { invokeCsvPayloads } from './invoke-endpoint.js';
import { checkPositiveInteger, checkResourceName } from './resource-names.js';

/** The largest request a {@link Predictor} sends by default: 5 MiB, under InvokeEndpoint's 6 MB limit. */
const PREDICTOR_MAX_PAYLOAD_BYTES = 5 * 1024 * 1024;

/** Options of {@link Predictor}. */
export interface PredictorOptions {
  /** The endpoint to score on; it already exists (deployed by a runner with `retain: true`, or elsewhere). */
  readonly endpointName: string;
  /** A SageMaker Runtime client to send through (kept open by {@link Predictor.close}). */
  readonly client?: SageMakerRuntimeClient;
  /**
   * The base URL of a local endpoint (`LocalBackend.endpointUrl(name)`, or an `EndpointServer`'s
   * `url`): the predictor then sends the same `InvokeEndpoint` requests there, with placeholder
   * credentials. Not with `client`.
   */
  readonly url?: string;
  /** Region of the client the predictor creates. Default: the standard chain (`AWS_REGION`, the profile). */
  readonly region?: string;
  /** Attempts per request of the client the predictor creates (adaptive retries). Default 5. */
  readonly maxAttempts?: number;
  /** Largest request; rows are split across requests at row boundaries. Default 5 MiB. */
  readonly maxPayloadBytes?: number;
}

/**
 * Scores rows on an endpoint that already exists — one deployed by a `TrainRunner` with
 * `retain: true` (the runner may be long gone, even in another process), or by anyone else —
 * as the SageMaker Python SDK's `Predictor` does: feature rows in (no label), one probability per
 * row out, in order.
 *
 * Rows are turned into `text/csv` payloads by the same code as `TrainRunner.invoke`
 * (`toCsvPayloads`: NaN → empty field, exact numbers), split at row boundaries into requests of at
 * most 5 MiB, sent with `InvokeEndpoint` (`ContentType`/`Accept: text/csv`), and each answer is read
 * by the library's one endpoint-output parser and checked to hold one score per row. On SageMaker
 * it talks through the SageMaker Runtime client (injected, or created with adaptive retries); with
 * `url` it talks to a local endpoint (the `LocalBackend`'s, or `sessionsentry serve`) the same way.
 *
 * @example
 * ```ts
 * import { Predictor } from 'sessionsentry/sagemaker';
 *
 * await using predictor = new Predictor({ endpointName: 'exp1-first-5', region: 'eu-west-1' });
 * const scores = await predictor.predict([[3, 0, 1, 7], [0, 2, NaN, 1]]); // Float64Array(2)
 * await predictor.predict('3,0,1,7\n0,2,,1\n');                          // CSV rows work too
 *
 * // A local endpoint: the LocalBackend's, by URL.
 * const local = new Predictor({ endpointName: 'exp1-first-5', url: backend.endpointUrl('exp1-first-5') });
 * ```
 */
export class Predictor implements AsyncDisposable {
  /** The endpoint this predictor scores on. */
  readonly endpointName: string;
  /** The SageMaker Runtime client requests go through. */
  readonly client: SageMakerRuntimeClient;
  readonly #maxPayloadBytes: number;
  readonly #ownsClient: boolean;

  constructor(options: PredictorOptions) {
    const where = 'Predictor';
    if (options === null || typeof options !== 'object')
      throw new InvalidArgumentError(where, 'options', options, 'an options object { endpointName, client?, url? }');
    const {
      endpointName,
      client,
      url,
      region,
      maxAttempts = 5,
      maxPayloadBytes = PREDICTOR_MAX_PAYLOAD_BYTES,
    } = options;
    checkResourceName(where, 'endpointName', endpointName);
    checkPositiveInteger(where, 'maxPayloadBytes', maxPayloadBytes);
    checkPositiveInteger(where, 'maxAttempts', maxAttempts);
    if (client !== undefined && url !== undefined)
      throw new InvalidArgumentError(
        where,
        'url',
        url,
        'left out when a client is given (point the client at the URL instead)',
      );
    if (url !== undefined && !isHttpUrl(url))
      throw new InvalidArgumentError(where, 'url', url, 'an http(s) URL such as LocalBackend.endpointUrl(name)');
    this.endpointName = endpointName;
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#ownsClient = client === undefined;
    this.client =
      client ??
      new SageMakerRuntimeClient({
        retryMode: 'adaptive',
        maxAttempts,
        ...(url !== undefined
          ? // A local endpoint checks no signature; the SDK still signs, so it needs some region and credentials.
            {
              endpoint: url,
              region: region ?? 'us-east-1',
              credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            }
          : region !== undefined
            ? { region }
            : {}),
      });
  }

  /**
   * Scores feature rows (no label column) and returns one probability per row, in order: a Frame
   * of numeric columns, a `{ data, rows, columns }` matrix, an array of rows, or CSV text. Large
   * inputs go in several requests of at most `maxPayloadBytes`; no rows, no request.
   *
   * @throws `InvalidArgumentError` for rows that cannot be sent (a string column, an infinite
   *   value, one row over the limit); `EndpointInvocationError` when the container answers an
   *   error; `ResourceStateError` when the endpoint does not exist or is not in service;
   *   `AwsRequestError` when the runtime refuses otherwise; `PredictionCountError` when an answer
   *   holds another number of scores; `ParseError` for unreadable output; `RunAbortedError` when
   *   `signal` aborts.
   * @example
   * ```ts
   * const scores = await predictor.predict(splitter.features(testDay)); // Float64Array
   * ```
   */
  async predict(rows: InvokeRows, options: { readonly signal?: AbortSignal } = {}): Promise<Float64Array> {
    const payloads = toCsvPayloads(rows, {
      maxBytes: this.#maxPayloadBytes,
      where: `Predictor(${this.endpointName}).predict rows`,
    });
    if (payloads.length === 0) return new Float64Array(0);
    return invokeCsvPayloads(this.client, this.endpointName, payloads, options);
  }

  /** Destroys the client the predictor created (an injected one is the caller's). Idempotent. */
  async close(): Promise<void> {
    if (this.#ownsClient) this.client.destroy();
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
