import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { InvalidArgumentError, SessionSentryError } from '../errors.js';
import { asyncDispose } from '../async-dispose.js';
import type { AcceptType } from './encode-predictions.js';
import { handleInvocation, type InvocationResponse } from './handle-invocation.js';
import { MAX_PAYLOAD_CELLS, MAX_PAYLOAD_ROWS } from './payload-limits.js';
import type { ScoringModel } from './scoring-model.js';

/** SageMaker's payload limit for real-time invocations and the container's `MAX_CONTENT_LENGTH`. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** SageMaker endpoint names: 1–63 letters, digits and hyphens, starting and ending alphanumeric. */
const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const RUNTIME_PATH = /^\/endpoints\/([^/]+)\/invocations$/;
// Bodies far beyond the limit are cut off rather than drained, so a runaway client cannot tie us up.
const DRAIN_LIMIT_FACTOR = 4;

/** Options of {@link EndpointServer}. */
export interface EndpointServerOptions {
  /** Interface to listen on. Default `'127.0.0.1'` (loopback only). */
  readonly host?: string;
  /** Port; default `0`, an ephemeral port chosen by the system. */
  readonly port?: number;
  /** Largest accepted request body; larger ones get 413. Default 6 MiB, SageMaker's limit. */
  readonly maxPayloadBytes?: number;
  /** Response format when `Accept` is missing or `*\/*`. Default `'text/csv'`. */
  readonly defaultAccept?: AcceptType;
  /**
   * The endpoint the container paths (`/ping`, `/invocations`) serve. Default: the only endpoint
   * when exactly one is hosted.
   */
  readonly defaultEndpoint?: string;
  /** Reported by `GET /execution-parameters`. Default `os.availableParallelism()`. */
  readonly maxConcurrentTransforms?: number;
  /** Most rows in one invocation; more get 413 naming the limit. Default 1 000 000 ({@link MAX_PAYLOAD_ROWS}). */
  readonly maxRowsPerRequest?: number;
  /**
   * Most values one invocation expands to, rows × the model's feature count (rows are padded to
   * it); more get 413. Default 2^24 ({@link MAX_PAYLOAD_CELLS}, 64 MiB of float32).
   */
  readonly maxCellsPerRequest?: number;
}

/** Counters of what the server answered, for tests and monitoring. */
export interface EndpointServerStats {
  requests: number;
  rowsScored: number;
  /** Responses by HTTP status. */
  readonly statuses: Record<number, number>;
}

/**
 * An HTTP server speaking the SageMaker XGBoost container's serving contract, hosting one or more
 * named models:
 *
 * - `GET /ping` → 200 once the default endpoint's model is loaded;
 * - `GET /execution-parameters` → `{"MaxConcurrentTransforms":n,"BatchStrategy":"MULTI_RECORD","MaxPayloadInMB":6}`;
 * - `POST /invocations` → scores of the default endpoint (see {@link handleInvocation} for
 *   formats and status codes; 413 above `maxPayloadBytes`, `maxRowsPerRequest` rows or
 *   `maxCellsPerRequest` values);
 * - `POST /endpoints/{name}/invocations` → the SageMaker Runtime `InvokeEndpoint` operation, so the
 *   real `SageMakerRuntimeClient` pointed at this server invokes a hosted model. Container errors
 *   come back as the runtime does: 424 `ModelError` with `OriginalStatusCode`; an unknown endpoint
 *   is a 400 `ValidationError`; an oversized body 413.
 *
 * Every answer keeps the connection open (HTTP keep-alive) unless the request body was cut off.
 *
 * @example
 * ```ts
 * await using server = new EndpointServer();
 * server.addEndpoint('fraud-1', await Booster.loadFile('model.json'));
 * const url = await server.listen();
 * const res = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '1,0,3\n' });
 * console.log(await res.text()); // "0.0123…\n"
 *
 * const runtime = new SageMakerRuntimeClient({ endpoint: url, region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
 * await runtime.send(new InvokeEndpointCommand({ EndpointName: 'fraud-1', ContentType: 'text/csv', Body: '1,0,3' }));
 * ```
 */
export class EndpointServer implements AsyncDisposable {
  readonly #host: string;
  readonly #requestedPort: number;
  readonly #maxPayloadBytes: number;
  readonly #defaultAccept: AcceptType;
  readonly #defaultEndpoint: string | undefined;
  readonly #maxConcurrentTransforms: number;
  readonly #maxRows: number;
  readonly #maxCells: number;
  readonly #models = new Map<string, ScoringModel>();
  readonly #server: Server;
  #port = 0;
  #listening: Promise<string> | undefined;
  #closed = false;
  /** What the server has answered so far. */
  readonly stats: EndpointServerStats = { requests: 0, rowsScored: 0, statuses: {} };

  constructor(options: EndpointServerOptions = {}) {
    const {
      host = '127.0.0.1',
      port = 0,
      maxPayloadBytes = MAX_PAYLOAD_BYTES,
      defaultAccept = 'text/csv',
      defaultEndpoint,
      maxConcurrentTransforms = os.availableParallelism(),
      maxRowsPerRequest = MAX_PAYLOAD_ROWS,
      maxCellsPerRequest = MAX_PAYLOAD_CELLS,
    } = options;
    if (!Number.isSafeInteger(maxRowsPerRequest) || maxRowsPerRequest < 1)
      throw new InvalidArgumentError('EndpointServer', 'maxRowsPerRequest', maxRowsPerRequest, 'a positive integer');
    if (!Number.isSafeInteger(maxCellsPerRequest) || maxCellsPerRequest < 1)
      throw new InvalidArgumentError('EndpointServer', 'maxCellsPerRequest', maxCellsPerRequest, 'a positive integer');
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new InvalidArgumentError('EndpointServer', 'port', port, 'an integer from 0 to 65535');
    if (!Number.isInteger(maxPayloadBytes) || maxPayloadBytes < 1) {
      throw new InvalidArgumentError('EndpointServer', 'maxPayloadBytes', maxPayloadBytes, 'a positive integer');
    }
    if (defaultEndpoint !== undefined) checkName(defaultEndpoint, 'defaultEndpoint');
    this.#host = host;
    this.#requestedPort = port;
    this.#maxPayloadBytes = maxPayloadBytes;
    this.#defaultAccept = defaultAccept;
    this.#defaultEndpoint = defaultEndpoint;
    this.#maxConcurrentTransforms = maxConcurrentTransforms;
    this.#maxRows = maxRowsPerRequest;
    this.#maxCells = maxCellsPerRequest;
    this.#server = createServer((req, res) => this.#route(req, res));
    this.#server.keepAliveTimeout = 60_000;
  }

  /**
   * Hosts `model` under `name` (a SageMaker endpoint name). Replaces a model already hosted under
   * that name.
   */
  addEndpoint(name: string, model: ScoringModel): this {
    checkName(name, 'name');
    if (
      model === null ||
      typeof model !== 'object' ||
      typeof model.predict !== 'function' ||
      !(model.numFeature >= 0)
    ) {
      throw new InvalidArgumentError(
        'EndpointServer.addEndpoint',
        'model',
        model,
        'a model with numFeature and predict()',
      );
    }
    this.#models.set(name, model);
    return this;
  }

  /** Stops hosting `name`; returns whether it was hosted. */
  removeEndpoint(name: string): boolean {
    return this.#models.delete(name);
  }

  /** Names of the hosted endpoints. */
  get endpointNames(): string[] {
    return [...this.#models.keys()];
  }

  /** Starts listening (once; later calls return the same URL) and resolves to `http://host:port`. */
  listen(): Promise<string> {
    if (this.#closed) return Promise.reject(new EndpointServerError('EndpointServer.listen: the server is closed'));
    this.#listening ??= new Promise<string>((resolve, reject) => {
      const onError = (err: Error): void =>
        reject(
          new EndpointServerError(
            `EndpointServer.listen: cannot listen on ${this.#host}:${this.#requestedPort}: ${err.message}`,
            { cause: err },
          ),
        );
      this.#server.once('error', onError);
      this.#server.listen(this.#requestedPort, this.#host, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve(this.url);
      });
    });
    return this.#listening;
  }

  /** The port listened on (0 before {@link listen} resolved). */
  get port(): number {
    return this.#port;
  }

  /** `http://host:port` of the server. */
  get url(): string {
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return `http://${host}:${this.#port}`;
  }

  /** Whether the server accepts connections. */
  get listening(): boolean {
    return this.#server.listening;
  }

  /** Stops listening and drops open connections, idle keep-alive ones included. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#models.clear();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async [asyncDispose](): Promise<void> {
    await this.close();
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests++;
    const path = (req.url ?? '/').split('?')[0] as string;
    const runtime = RUNTIME_PATH.exec(path);
    if ((path === '/invocations' || runtime) && req.method === 'POST') {
      void this.#invoke(req, res, runtime ? safeDecode(runtime[1] as string) : undefined);
      return;
    }
    // Other answers need no body, but answering before the request is read would close the
    // connection (see #send): read it first (discarding it, cut off past the drain limit).
    if (req.complete) return this.#routeRead(req, res, path, runtime);
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.#maxPayloadBytes * DRAIN_LIMIT_FACTOR) req.destroy();
    });
    req.once('end', () => this.#routeRead(req, res, path, runtime));
  }

  #routeRead(req: IncomingMessage, res: ServerResponse, path: string, runtime: RegExpExecArray | null): void {
    if (path === '/ping') {
      if (req.method !== 'GET') return this.#send(res, 405, 'text/plain', 'use GET /ping\n', req);
      const model = this.#defaultModel();
      return model
        ? this.#send(res, 200, 'text/plain', '', req)
        : this.#send(res, 404, 'text/plain', this.#noDefaultMessage(), req);
    }
    if (path === '/execution-parameters') {
      if (req.method !== 'GET') return this.#send(res, 405, 'text/plain', 'use GET /execution-parameters\n', req);
      const body = JSON.stringify({
        MaxConcurrentTransforms: this.#maxConcurrentTransforms,
        BatchStrategy: 'MULTI_RECORD',
        MaxPayloadInMB: Math.floor(this.#maxPayloadBytes / (1024 * 1024)),
      });
      return this.#send(res, 200, 'application/json', body, req);
    }
    if (path === '/invocations' || runtime) return this.#send(res, 405, 'text/plain', `use POST ${path}\n`, req);
    this.#send(
      res,
      404,
      'text/plain',
      `no route for ${req.method} ${path} (routes: GET /ping, GET /execution-parameters, POST /invocations, POST ` +
        `/endpoints/{name}/invocations)\n`,
      req,
    );
  }

  async #invoke(req: IncomingMessage, res: ServerResponse, runtimeName: string | undefined): Promise<void> {
    const body = await this.#readBody(req);
    if (res.destroyed) return;
    if (runtimeName !== undefined) {
      const model = this.#models.get(runtimeName);
      if (!model) {
        const message = `Endpoint ${runtimeName} of account 000000000000 not found.`;
        return this.#send(res, 400, 'application/json', JSON.stringify({ message }), req, {
          'x-amzn-errortype': 'ValidationError',
        });
      }
      if (body === 'tooLarge') {
        return this.#send(
          res,
          413,
          'application/json',
          JSON.stringify({ message: `HTTP content length exceeded ${this.#maxPayloadBytes} bytes.` }),
          req,
        );
      }
      const answer = this.#answer(model, req, body);
      if (answer.status === 200 || answer.status === 204) {
        return this.#send(res, 200, answer.contentType, answer.body, req, {
          'x-amzn-invoked-production-variant': 'AllTraffic',
        });
      }
      const kind = answer.status >= 500 ? 'server' : 'client';
      const original = answer.body.trim();
      const message =
        `Received ${kind} error (${answer.status}) from primary with message "${original}". See the endpoint ` +
        `server's log for more information.`;
      return this.#send(
        res,
        424,
        'application/json',
        JSON.stringify({
          ErrorCode: `${kind.toUpperCase()}_ERROR_FROM_MODEL`,
          Message: message,
          OriginalStatusCode: answer.status,
          OriginalMessage: original,
        }),
        req,
        { 'x-amzn-errortype': 'ModelError' },
      );
    }
    const model = this.#defaultModel();
    if (!model) return this.#send(res, 404, 'text/plain', this.#noDefaultMessage(), req);
    if (body === 'tooLarge') {
      return this.#send(
        res,
        413,
        'text/plain',
        `payload exceeds the limit of ${this.#maxPayloadBytes} bytes (MAX_CONTENT_LENGTH); split it into smaller ` +
          `requests\n`,
        req,
      );
    }
    const answer = this.#answer(model, req, body);
    this.#send(res, answer.status, answer.contentType, answer.body, req);
  }

  #answer(model: ScoringModel, req: IncomingMessage, body: Uint8Array): InvocationResponse {
    try {
      const answer = handleInvocation(
        model,
        { body, contentType: req.headers['content-type'], accept: req.headers.accept },
        { defaultAccept: this.#defaultAccept, maxRows: this.#maxRows, maxCells: this.#maxCells },
      );
      this.stats.rowsScored += answer.rows;
      return answer;
    } catch (err) {
      return { status: 500, contentType: 'text/plain', body: `internal error: ${(err as Error).message}\n`, rows: 0 };
    }
  }

  #readBody(req: IncomingMessage): Promise<Uint8Array | 'tooLarge'> {
    const limit = this.#maxPayloadBytes;
    return new Promise((resolve) => {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit * DRAIN_LIMIT_FACTOR) {
        req.resume();
        resolve('tooLarge');
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
        else if (size > limit * DRAIN_LIMIT_FACTOR) req.destroy();
      });
      req.on('end', () => resolve(size > limit ? 'tooLarge' : Buffer.concat(chunks, size)));
      // A body cut off (by us past the drain limit, or by the client) settles too; the reply is skipped.
      req.on('error', () => resolve('tooLarge'));
      req.on('close', () => resolve('tooLarge'));
    });
  }

  #defaultModel(): ScoringModel | undefined {
    if (this.#defaultEndpoint !== undefined) return this.#models.get(this.#defaultEndpoint);
    if (this.#models.size === 1) return this.#models.values().next().value;
    return undefined;
  }

  #noDefaultMessage(): string {
    const names = this.endpointNames;
    return this.#defaultEndpoint !== undefined
      ? `endpoint ${JSON.stringify(this.#defaultEndpoint)} is not hosted (hosted: ${names.join(', ') || 'none'})\n`
      : `no default endpoint: ${names.length} hosted (${names.join(', ') || 'none'}); use POST ` +
          `/endpoints/{name}/invocations\n`;
  }

  #send(
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string,
    req: IncomingMessage,
    headers: Record<string, string> = {},
  ): void {
    this.stats.statuses[status] = (this.stats.statuses[status] ?? 0) + 1;
    if (res.destroyed) return;
    const payload = Buffer.from(body, 'utf8');
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': String(status === 204 ? 0 : payload.length),
      ...headers,
      ...(req.complete ? {} : { connection: 'close' }),
    });
    res.end(status === 204 ? undefined : payload);
  }
}

/**
 * Starts an {@link EndpointServer} hosting one model and resolves once it listens.
 *
 * @example
 * ```ts
 * await using server = await serveModel(booster, { name: 'fraud-1' });
 * await fetch(`${server.url}/ping`); // 200
 * ```
 */
export async function serveModel(
  model: ScoringModel,
  options: EndpointServerOptions & { readonly name?: string } = {},
): Promise<EndpointServer> {
  const { name = 'model', ...serverOptions } = options;
  const server = new EndpointServer(serverOptions).addEndpoint(name, model);
  await server.listen();
  return server;
}

/**
 * The endpoint server could not start (address in use, interface absent) or was used after closing.
 *
 * @example
 * ```ts
 * await new EndpointServer({ host: '203.0.113.7' }).listen(); // EndpointServerError: cannot listen on 203.0.113.7:0
 * ```
 */
export class EndpointServerError extends SessionSentryError {
  declare readonly code: 'ERR_ENDPOINT_SERVER';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ENDPOINT_SERVER', message, options);
  }
}

function checkName(name: string, argument: string): void {
  if (typeof name !== 'string' || !ENDPOINT_NAME.test(name)) {
    throw new InvalidArgumentError(
      'EndpointServer',
      argument,
      name,
      'a SageMaker endpoint name (1-63 letters, digits and hyphens, starting and ending with a letter or digit)',
    );
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
