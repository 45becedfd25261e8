import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError, SessionSentryError } from '../errors.js';
import { EndpointServerError, MAX_PAYLOAD_BYTES } from './endpoint-server.js';
import { handleInvocation } from './handle-invocation.js';
import { LiveEventError } from './live-errors.js';
import {
  type LiveModel,
  LiveScorer,
  type LiveScorerModel,
  type LiveScorerOptions,
  type LiveScorerStats,
  type ParsedLiveEvent,
  checkField,
} from './live-scorer.js';
import type { ScoringModel } from './scoring-model.js';

/** Names of the event fields in request bodies. Defaults: the log schema's `SessionNo`, `LogTime`, `Act`, `CustID`. */
export interface EventFieldNames {
  readonly session: string;
  readonly time: string;
  readonly action: string;
  readonly customer: string;
}

/** The log schema's field names, the default of {@link EventServiceOptions.fields}. */
export const LOG_EVENT_FIELDS: EventFieldNames = Object.freeze({
  session: 'SessionNo',
  time: 'LogTime',
  action: 'Act',
  customer: 'CustID',
});

/**
 * Options of {@link startEventService}: the live scorer's options (model, schema, threshold,
 * minEvents, sustain, idleTimeoutMs, maxSessions, … — see {@link LiveScorerOptions}) and the
 * server's.
 */
export interface EventServiceOptions extends LiveScorerOptions {
  /**
   * The model: scores sessions, and flattened rows on `/invocations`. `Booster` fits. Or give `models` (the first then
   * answers `/invocations`).
   */
  readonly model?: LiveModel & ScoringModel;
  /** Several models over one schema, alerting on the "any" rule (see {@link LiveScorerOptions.models}). */
  readonly models?: readonly (LiveScorerModel & { readonly model: LiveModel & ScoringModel })[];
  /** Interface to listen on. Default `'127.0.0.1'` (loopback only). */
  readonly host?: string;
  /** Port. Default 0: an ephemeral port chosen by the system (see the returned `port`). */
  readonly port?: number;
  /** Largest request body; larger ones get 413. Default 6 MiB (SageMaker's payload limit). */
  readonly maxBodyBytes?: number;
  /** Field names in event bodies. Default {@link LOG_EVENT_FIELDS}. */
  readonly fields?: Partial<EventFieldNames>;
  /** How long `close()` waits for requests in flight before cutting connections. Default 10 s. */
  readonly shutdownGraceMs?: number;
}

/** Counters of an event service. */
export interface EventServiceStats {
  readonly requests: number;
  /** Events applied through `POST /events`. */
  readonly events: number;
  /** Responses by HTTP status. */
  readonly statuses: Readonly<Record<number, number>>;
  /** The scorer's counters. */
  readonly scorer: LiveScorerStats;
}

/** A running event service (see {@link startEventService}). */
export interface EventService {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  /** The live scorer behind `POST /events` (for `on('alert')`, `alerts()`, `sweep()`). */
  readonly scorer: LiveScorer;
  stats(): EventServiceStats;
  /**
   * Graceful shutdown: stops accepting connections, answers new requests on open connections with
   * 503, lets requests in flight finish (up to `shutdownGraceMs`), then closes every connection and
   * the scorer. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * A request to the event service failed: its body is not JSON/NDJSON, or an event in it is
 * malformed. Answered as 400 with `{ error: { code, message, line?, item?, field? } }`.
 *
 * @example
 * ```ts
 * // POST /events with a bad second line answers:
 * // 400 {"error":{"code":"ERR_LIVE_EVENT","line":2,"field":"LogTime","message":"POST /events: line 2: event field LogTime must be …"}}
 * ```
 */
export class EventRequestError extends SessionSentryError {
  declare readonly code: 'ERR_EVENT_REQUEST';
  readonly status: number;
  readonly line: number | undefined;
  readonly item: number | undefined;
  readonly field: string | undefined;
  constructor(status: number, message: string, where: { line?: number; item?: number; field?: string } = {}) {
    super('ERR_EVENT_REQUEST', message);
    this.status = status;
    this.line = where.line;
    this.item = where.item;
    this.field = where.field;
  }
}

interface ServiceState {
  requests: number;
  events: number;
  inFlight: number;
  draining: boolean;
  readonly statuses: Record<number, number>;
}

/**
 * Starts the live-scoring HTTP service (what `sessionsentry serve --model …` runs) and resolves
 * once it listens:
 *
 * - `POST /events`: events in the log schema (`SessionNo`, `LogTime`, `CustID`, `GroupID`, `ProfID`,
 *   `Act`; `BadActor` and other fields ignored), as NDJSON (`application/x-ndjson`, one object per
 *   line, blank lines skipped) or a JSON array (`application/json`; a single object is one event).
 *   `LogTime` is a log timestamp (`2019-07-01 12:34:56.789`, UTC) or epoch milliseconds. Answers
 *   `200 {"events":n,"ignored":k,"sessions":[{"session","score","eventsSeen","alert","newlyAlerted","decision"}]}`,
 *   one entry per session of the request (its state after the request's last event of it;
 *   `decision` is `"block"` once the session alerted, else `"allow"`). A request is all or
 *   nothing: a malformed event is `400` naming its `line` (NDJSON) or `item` (array, from 1) and
 *   field, and no event of the request is applied. Unparseable JSON is 400 with the line; other
 *   content types 415; bodies over `maxBodyBytes` 413.
 * - `GET /sessions/:id`: the live session (score, events seen, alert, times, features by name), or 404.
 * - `GET /healthz`: `{"status":"ok","stats":{…}}` (`"draining"` and 503 during shutdown).
 * - `GET /ping` and `POST /invocations`: the SageMaker container contract for flattened rows
 *   (CSV, JSON, libsvm), answered by the endpoint server's handler.
 *
 * Nothing a client sends crashes it: every failure is a typed 4xx (or a 500 naming the error).
 *
 * @example
 * ```ts
 * const service = await startEventService({ model: booster, schema, threshold: 0.9, sustain: 2, port: 8080 });
 * service.scorer.on('alert', (a) => console.log('block', a.session, a.customer));
 * await fetch(`${service.url}/events`, {
 *   method: 'POST', headers: { 'content-type': 'application/x-ndjson' },
 *   body: '{"SessionNo":"10001","LogTime":"2019-07-01 12:00:00.000","CustID":"101441","Act":"111"}\n',
 * });
 * process.on('SIGTERM', () => void service.close());
 * ```
 */
export async function startEventService(options: EventServiceOptions): Promise<EventService> {
  const where = 'startEventService';
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError(where, 'options', options, 'an options object');
  const {
    host = '127.0.0.1',
    port = 0,
    maxBodyBytes = MAX_PAYLOAD_BYTES,
    fields = {},
    shutdownGraceMs = 10_000,
    ...scorerOptions
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(where, 'port', port, 'an integer from 0 to 65535');
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1)
    throw new InvalidArgumentError(where, 'maxBodyBytes', maxBodyBytes, 'a positive integer');
  if (!(shutdownGraceMs >= 0))
    throw new InvalidArgumentError(where, 'shutdownGraceMs', shutdownGraceMs, 'a number of milliseconds ≥ 0');
  const names: EventFieldNames = { ...LOG_EVENT_FIELDS, ...fields };
  const candidate = options.model ?? options.models?.[0]?.model;
  if (typeof (candidate as Partial<ScoringModel> | undefined)?.predict !== 'function')
    throw new InvalidArgumentError(where, 'model', candidate, 'a model with predict() and predictRow() (a Booster)');
  const model = candidate as LiveModel & ScoringModel;
  const scorer = new LiveScorer(scorerOptions);
  const state: ServiceState = { requests: 0, events: 0, inFlight: 0, draining: false, statuses: {} };

  const server = createServer((req, res) => {
    state.requests++;
    state.inFlight++;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      state.inFlight--;
    };
    res.once('finish', finish);
    res.once('close', finish);
    route(req, res).catch((err: unknown) =>
      send(res, 500, {
        error: { code: 'ERR_INTERNAL', message: `internal error: ${(err as Error)?.message ?? String(err)}` },
      }),
    );
  });
  server.keepAliveTimeout = 60_000;
  // A malformed request line or header never reaches the handler; answer it rather than hang up silently.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
    state.statuses[status] = (state.statuses[status] ?? 0) + 1;
    if (res.headersSent || res.destroyed) return;
    const text = type === 'application/json' ? JSON.stringify(body) : String(body);
    const headers: Record<string, string> = { 'content-type': type, 'content-length': String(Buffer.byteLength(text)) };
    if (state.draining) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end(text);
  }

  function sendError(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ): void {
    send(res, status, { error: { code, message, ...extra } });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (state.draining) {
      req.resume();
      return sendError(res, 503, 'ERR_SHUTTING_DOWN', 'the service is shutting down');
    }
    if (path === '/events') {
      if (req.method !== 'POST') return sendError(res, 405, 'ERR_METHOD', `use POST /events, not ${req.method}`);
      const body = await readBody(req, maxBodyBytes);
      if (body === 'tooLarge')
        return sendError(
          res,
          413,
          'ERR_TOO_LARGE',
          `request body exceeds the limit of ${maxBodyBytes} bytes; send smaller batches`,
        );
      if (body === 'aborted') return;
      return postEvents(req, res, body);
    }
    if (path.startsWith('/sessions/')) {
      if (req.method !== 'GET') return sendError(res, 405, 'ERR_METHOD', `use GET ${path}`);
      let id: string;
      try {
        id = decodeURIComponent(path.slice('/sessions/'.length));
      } catch {
        return sendError(
          res,
          400,
          'ERR_BAD_SESSION_ID',
          `session id ${JSON.stringify(path.slice(10))} is not valid percent-encoding`,
        );
      }
      const view = scorer.session(id);
      if (view === undefined)
        return sendError(
          res,
          404,
          'ERR_NO_SESSION',
          `session ${JSON.stringify(id)} is not live (never seen, expired or evicted)`,
        );
      const features: Record<string, number> = {};
      scorer.schema.featureNames.forEach((name, j) => {
        features[name] = view.features[j]!;
      });
      return send(res, 200, { ...view, decision: view.alert ? 'block' : 'allow', features });
    }
    if (path === '/healthz') {
      if (req.method !== 'GET') return sendError(res, 405, 'ERR_METHOD', 'use GET /healthz');
      return send(res, 200, { status: 'ok', stats: stats() });
    }
    if (path === '/ping') {
      if (req.method !== 'GET') return sendError(res, 405, 'ERR_METHOD', 'use GET /ping');
      return send(res, 200, '', 'text/plain');
    }
    if (path === '/invocations') {
      if (req.method !== 'POST') return sendError(res, 405, 'ERR_METHOD', 'use POST /invocations');
      const body = await readBody(req, maxBodyBytes);
      if (body === 'aborted') return;
      if (body === 'tooLarge')
        return send(
          res,
          413,
          `payload exceeds the limit of ${maxBodyBytes} bytes (MAX_CONTENT_LENGTH); split it into smaller requests\n`,
          'text/plain',
        );
      const answer = handleInvocation(model, {
        body,
        contentType: req.headers['content-type'],
        accept: req.headers.accept,
      });
      return send(res, answer.status, answer.body, answer.contentType);
    }
    req.resume();
    sendError(
      res,
      404,
      'ERR_NO_ROUTE',
      `no route for ${req.method} ${path} (routes: POST /events, GET /sessions/:id, GET /healthz, GET /ping, POST ` +
        `/invocations)`,
    );
  }

  function postEvents(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    let events: ParsedLiveEvent[];
    try {
      events = parseEventsBody(body.toString('utf8'), req.headers['content-type'], names);
    } catch (err) {
      if (err instanceof EventRequestError) {
        const extra: Record<string, unknown> = {};
        if (err.line !== undefined) extra.line = err.line;
        if (err.item !== undefined) extra.item = err.item;
        if (err.field !== undefined) extra.field = err.field;
        return sendError(res, err.status, 'ERR_LIVE_EVENT', err.message, extra);
      }
      throw err;
    }
    const bySession = new Map<
      string,
      {
        session: string;
        score: number;
        eventsSeen: number;
        alert: boolean;
        newlyAlerted: boolean;
        decision: 'block' | 'allow';
      }
    >();
    let ignored = 0;
    for (const e of events) {
      const r = scorer.pushParsed(e.session, e.action, e.time, e.customer);
      if (r.ignored !== undefined) ignored++;
      const previous = bySession.get(r.session);
      const newlyAlerted = r.newlyAlerted || (previous?.newlyAlerted ?? false);
      bySession.set(r.session, {
        session: r.session,
        score: r.score,
        eventsSeen: r.eventsSeen,
        alert: r.alert,
        newlyAlerted,
        decision: r.alert ? 'block' : 'allow',
      });
    }
    state.events += events.length - ignored;
    send(res, 200, { events: events.length - ignored, ignored, sessions: [...bySession.values()] });
  }

  function stats(): EventServiceStats {
    return { requests: state.requests, events: state.events, statuses: { ...state.statuses }, scorer: scorer.stats() };
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void =>
      reject(new EndpointServerError(`${where}: cannot listen on ${host}:${port}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      state.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + shutdownGraceMs;
      while (state.inFlight > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        server.closeIdleConnections();
      }
      server.closeAllConnections();
      await closed;
      scorer.close();
    })();
    return closing;
  };

  return { url, port: actualPort, scorer, stats, close };
}

/**
 * Parses a `POST /events` body into checked events: NDJSON (one JSON object per line, blank lines
 * skipped) or a JSON array of objects (or one object), chosen by the content type
 * (`application/x-ndjson`, `application/jsonl`, `application/json`) or, without one, by the first
 * character. Throws {@link EventRequestError} (status 400, or 415 for another content type)
 * naming the line or item and the field.
 *
 * @example
 * ```ts
 * parseEventsBody('{"SessionNo":7,"LogTime":"2019-07-01 12:00:00","Act":"111"}\n', 'application/x-ndjson');
 * // [{ session: '7', action: '111', time: 1561982400000, customer: undefined }]
 * ```
 */
export function parseEventsBody(
  text: string,
  contentType: string | undefined,
  names: EventFieldNames = LOG_EVENT_FIELDS,
): ParsedLiveEvent[] {
  const where = 'POST /events';
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let ndjson: boolean;
  if (
    type === 'application/x-ndjson' ||
    type === 'application/jsonl' ||
    type === 'application/ndjson' ||
    type === 'application/json-seq'
  )
    ndjson = true;
  else if (type === 'application/json') ndjson = false;
  else if (type === '' || type === 'text/plain') ndjson = text.trimStart()[0] !== '[';
  else
    throw new EventRequestError(
      415,
      `${where}: content type ${JSON.stringify(type)} is not supported (expected application/x-ndjson or ` +
        `application/json)`,
    );
  const events: ParsedLiveEvent[] = [];
  if (ndjson) {
    let start = 0;
    let line = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      line++;
      const raw = text.slice(start, end);
      start = end + 1;
      if (raw.trim().length === 0) continue;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (err) {
        throw new EventRequestError(400, `${where}: line ${line} is not valid JSON (${(err as Error).message})`, {
          line,
        });
      }
      events.push(toEvent(value, names, where, { line }));
    }
  } else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new EventRequestError(400, `${where}: the body is not valid JSON (${(err as Error).message})`, {
        line: lineOfError(text, err),
      });
    }
    const items = Array.isArray(value) ? value : [value];
    items.forEach((item, i) => events.push(toEvent(item, names, where, { item: i + 1 })));
  }
  return events;
}

function toEvent(
  value: unknown,
  names: EventFieldNames,
  where: string,
  at: { line?: number; item?: number },
): ParsedLiveEvent {
  const label = at.line !== undefined ? `line ${at.line}` : `item ${at.item}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EventRequestError(
      400,
      `${where}: ${label} must be a JSON object with ${names.session}, ${names.time} and ${names.action}, got ` +
        `${JSON.stringify(value)?.slice(0, 80)}`,
      at,
    );
  }
  const record = value as Record<string, unknown>;
  try {
    const customer = record[names.customer];
    if (
      customer !== undefined &&
      customer !== null &&
      typeof customer !== 'string' &&
      !(typeof customer === 'number' && Number.isFinite(customer))
    ) {
      throw new LiveEventError(where, names.customer, customer, 'a string or number');
    }
    return {
      session: checkField.sessionId(record[names.session], where, undefined, names.session),
      time: checkField.eventTime(record[names.time], where, undefined, names.time),
      action: checkField.actionCode(record[names.action], where, undefined, names.action),
      customer: customer === undefined || customer === null ? undefined : String(customer),
    };
  } catch (err) {
    if (err instanceof LiveEventError) {
      throw new EventRequestError(400, err.message.replace(`${where}: `, `${where}: ${label}: `), {
        ...at,
        field: err.field,
      });
    }
    throw err;
  }
}

/** The line of a JSON.parse error's position, when the message names one. */
function lineOfError(text: string, err: unknown): number | undefined {
  const m = /position (\d+)/.exec((err as Error)?.message ?? '');
  if (m === null) return undefined;
  const at = Math.min(Number(m[1]), text.length);
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      // Read and discard what is sent (up to 4× the limit), so the 413 reaches the client.
      let drained = 0;
      req.on('data', (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > limit * 4) req.destroy();
      });
      req.on('end', () => resolve('tooLarge'));
      req.on('error', () => resolve('aborted'));
      req.on('close', () => resolve('tooLarge'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit * 4) req.destroy();
    });
    req.on('end', () => resolve(size > limit ? 'tooLarge' : Buffer.concat(chunks, size)));
    req.on('error', () => resolve('aborted'));
    req.on('close', () => resolve(size > limit ? 'tooLarge' : 'aborted'));
  });
}
