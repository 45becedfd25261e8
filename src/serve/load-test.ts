import { Agent, request } from 'node:http';
import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import { createRandom } from '../random/random.js';
import { quantiles } from './replay.js';

/** Options of {@link runLoadTest}. */
export interface LoadTestOptions {
  /** Base URL of the service, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Path posted to. Default `'/events'`. */
  readonly path?: string;
  /** Good request bodies (NDJSON), sent in order, cycling. Their events are counted by line. */
  readonly bodies: readonly string[];
  /** Bad request bodies (garbage, malformed events), drawn at random. Default none. */
  readonly badBodies?: readonly string[];
  /** Share of requests that send a bad body, in [0, 1]. Default 0. */
  readonly badShare?: number;
  /** Stop after this many requests (required: the test is bounded). At most 10 000 000. */
  readonly maxRequests: number;
  /** Stop starting requests after this many milliseconds (required), at most one hour. */
  readonly maxDurationMs: number;
  /** Requests in flight at once (keep-alive connections). Default 4. */
  readonly concurrency?: number;
  /** Content type of the bodies. Default `'application/x-ndjson'`. */
  readonly contentType?: string;
  /** Seed of the choice of bad requests. Default 0. */
  readonly seed?: number;
}

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What {@link runLoadTest} measured. */
export interface LoadTestResult {
  readonly requests: number;
  readonly goodRequests: number;
  readonly badRequests: number;
  /** Events in good requests answered 200. */
  readonly events: number;
  /** Responses by status, and requests that failed at the network level. */
  readonly statuses: Readonly<Record<number, number>>;
  readonly networkErrors: number;
  /** Good requests not answered 200, and bad requests answered other than 4xx. */
  readonly unexpected: number;
  readonly elapsedMs: number;
  /** Sustained rates over the whole run. */
  readonly eventsPerSecond: number;
  readonly requestsPerSecond: number;
  /** Request latency of all requests, and of good requests only. */
  readonly latencyMs: LatencySummary;
  readonly goodLatencyMs: LatencySummary;
}

/**
 * A bounded load generator on loopback: keeps `concurrency` keep-alive requests in flight,
 * posting the good bodies in order with a seeded share of bad ones mixed in, and stops by itself
 * after `maxRequests` requests or `maxDurationMs`, whichever comes first (requests in flight then
 * finish). Reports the sustained events/s and request latency percentiles. Used by the event
 * service's tests and the live-scoring benchmark.
 *
 * @example
 * ```ts
 * const service = await startEventService({ model, schema, threshold: 0.9 });
 * const result = await runLoadTest({ url: service.url, bodies: ndjsonBodies(log, 500), badBodies: ['not json\n'],
 *   badShare: 0.05, maxRequests: 2000, maxDurationMs: 10_000 });
 * result.eventsPerSecond; result.latencyMs.p99;
 * await service.close();
 * ```
 */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const where = 'runLoadTest';
  const {
    url,
    path = '/events',
    bodies,
    badBodies = [],
    badShare = 0,
    maxRequests,
    maxDurationMs,
    concurrency = 4,
    contentType = 'application/x-ndjson',
    seed = 0,
  } = options;
  let base: URL;
  try {
    base = new URL(path, url);
  } catch {
    throw new InvalidArgumentError(where, 'url', url, 'an http:// URL');
  }
  if (base.protocol !== 'http:') throw new InvalidArgumentError(where, 'url', url, 'an http:// URL');
  if (!Array.isArray(bodies) || bodies.length === 0)
    throw new InvalidArgumentError(where, 'bodies', bodies, 'a non-empty array of request bodies');
  if (!(badShare >= 0 && badShare <= 1))
    throw new InvalidArgumentError(where, 'badShare', badShare, 'a share in [0, 1]');
  if (badShare > 0 && badBodies.length === 0)
    throw new InvalidArgumentError(where, 'badBodies', badBodies, 'bad bodies when badShare > 0');
  if (!Number.isSafeInteger(maxRequests) || maxRequests < 1 || maxRequests > 10_000_000)
    throw new InvalidArgumentError(where, 'maxRequests', maxRequests, 'an integer from 1 to 10 000 000');
  if (!(maxDurationMs > 0 && maxDurationMs <= 3_600_000))
    throw new InvalidArgumentError(
      where,
      'maxDurationMs',
      maxDurationMs,
      'a number of milliseconds from 1 to 3 600 000',
    );
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new InvalidArgumentError(where, 'concurrency', concurrency, 'an integer from 1 to 256');

  const good = bodies.map((b) => Buffer.from(b, 'utf8'));
  const goodEvents = bodies.map(countLines);
  const bad = badBodies.map((b) => Buffer.from(b, 'utf8'));
  const random = createRandom(seed);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses: Record<number, number> = {};
  const latencies: number[] = [];
  const goodLatencies: number[] = [];
  let started = 0;
  let goodRequests = 0;
  let badRequests = 0;
  let events = 0;
  let networkErrors = 0;
  let unexpected = 0;
  let nextGood = 0;
  const t0 = performance.now();
  const stopAt = t0 + maxDurationMs;

  const one = (body: Buffer): Promise<number> =>
    new Promise((resolve) => {
      const req = request(
        base,
        { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': String(body.length) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(0));
        },
      );
      req.setTimeout(30_000, () => req.destroy());
      req.on('error', () => resolve(0));
      req.end(body);
    });

  const worker = async (): Promise<void> => {
    while (started < maxRequests && performance.now() < stopAt) {
      started++;
      const isBad = badShare > 0 && random.next() < badShare;
      const i = isBad ? random.int(0, bad.length) : nextGood++ % good.length;
      const begin = performance.now();
      const status = await one(isBad ? bad[i]! : good[i]!);
      const ms = performance.now() - begin;
      latencies.push(ms);
      if (status === 0) networkErrors++;
      else statuses[status] = (statuses[status] ?? 0) + 1;
      if (isBad) {
        badRequests++;
        if (!(status >= 400 && status < 500)) unexpected++;
      } else {
        goodRequests++;
        goodLatencies.push(ms);
        if (status === 200) events += goodEvents[i]!;
        else unexpected++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const elapsedMs = performance.now() - t0;
  const requests = goodRequests + badRequests;
  return {
    requests,
    goodRequests,
    badRequests,
    events,
    statuses,
    networkErrors,
    unexpected,
    elapsedMs,
    eventsPerSecond: events / (elapsedMs / 1000),
    requestsPerSecond: requests / (elapsedMs / 1000),
    latencyMs: summarise(latencies),
    goodLatencyMs: summarise(goodLatencies),
  };
}

function summarise(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number =>
    sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    p50: quantiles(values).median,
    p90: at(0.9),
    p99: at(0.99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

function countLines(body: string): number {
  let n = 0;
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    if (body.slice(start, end).trim().length > 0) n++;
    start = end + 1;
  }
  return n;
}

/**
 * A log's events as NDJSON request bodies of `eventsPerBody` events each, in time order with
 * sessions interleaved (as production sends them), in the log schema's field names
 * (`SessionNo`, `LogTime` as epoch ms, `CustID` when the log has it, `Act`).
 *
 * @example
 * ```ts
 * const bodies = ndjsonBodies(log, 500);
 * bodies[0].split('\n')[0]; // '{"SessionNo":"10000012","LogTime":1561939200123,"CustID":"101441","Act":"111"}'
 * ```
 */
export function ndjsonBodies(log: EventLog, eventsPerBody: number): string[] {
  if (!Number.isSafeInteger(eventsPerBody) || eventsPerBody < 1)
    throw new InvalidArgumentError('ndjsonBodies', 'eventsPerBody', eventsPerBody, 'an integer ≥ 1');
  const times = log.times;
  if (times === null) throw new InvalidArgumentError('ndjsonBodies', 'log.times', null, 'a log with event times');
  const lines: { time: number; order: number; line: string }[] = [];
  const customers = log.extras.CustID;
  for (let s = 0; s < log.sessionCount; s++) {
    const id = JSON.stringify(log.sessionIds[s]!);
    for (let p = log.offsets[s]!; p < log.offsets[s + 1]!; p++) {
      const e = log.event(p);
      const customer =
        customers === undefined
          ? undefined
          : customers.kind === 'string'
            ? customers.codes[e]! < 0
              ? undefined
              : customers.dictionary[customers.codes[e]!]
            : String(customers.values[e]);
      const c = customer === undefined ? '' : `,"CustID":${JSON.stringify(customer)}`;
      lines.push({
        time: times[e]!,
        order: lines.length,
        line: `{"SessionNo":${id},"LogTime":${times[e]!}${c},"Act":${JSON.stringify(log.actionAt(p))}}`,
      });
    }
  }
  lines.sort((a, b) => a.time - b.time || a.order - b.order);
  const bodies: string[] = [];
  for (let i = 0; i < lines.length; i += eventsPerBody) {
    bodies.push(
      `${lines
        .slice(i, i + eventsPerBody)
        .map((l) => l.line)
        .join('\n')}\n`,
    );
  }
  return bodies;
}
