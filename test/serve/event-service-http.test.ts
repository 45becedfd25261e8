import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/random/random.js';
import { type EventService, parseEventsBody, startEventService } from '../../src/serve/event-service.js';
import { ndjsonBodies, runLoadTest } from '../../src/serve/load-test.js';
import { liveFixture } from './live-fixture.js';

const { log, flattener, schema, booster } = liveFixture({
  seed: 41,
  sessions: 200,
  features: { counts: true, timing: true },
});
const batch = flattener.flatten(log);
const batchScores = booster.predict(batch, { columns: schema.featureNames });
const batchRows = batch.toMatrix(schema.featureNames);

/** The JSON answers of POST /events (success and error fields together, as tests read either). */
interface Answer {
  readonly events: number;
  readonly sessions: { session: string; eventsSeen: number; alert: boolean; decision: string }[];
  readonly error: { code: string; message: string; line?: number; item?: number; field?: string };
}
interface SessionView {
  readonly score: number;
  readonly eventsSeen: number;
  readonly customer: string;
  readonly features: Record<string, number>;
}

async function post(
  url: string,
  body: string | Buffer,
  contentType = 'application/x-ndjson',
): Promise<{ status: number; json: Answer }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Answer };
}

describe('event service', () => {
  let service: EventService;
  beforeAll(async () => {
    service = await startEventService({
      model: booster,
      schema,
      threshold: 0.5,
      idleTimeoutMs: Infinity,
      maxBodyBytes: 256 * 1024,
    });
  });
  afterAll(async () => {
    await service.close();
  });

  it('POST /events (NDJSON, log schema fields) leaves every session with the flattener row and Booster.predict score of the whole log', async () => {
    let answered = 0;
    for (const body of ndjsonBodies(log, 300)) {
      const r = await post(`${service.url}/events`, body);
      expect(r.status).toBe(200);
      answered += r.json.events;
      for (const s of r.json.sessions) expect(s.decision).toBe(s.alert ? 'block' : 'allow');
    }
    expect(answered).toBe(log.eventCount);
    for (const s of [0, 1, 17, 99, 199]) {
      const res = await fetch(`${service.url}/sessions/${encodeURIComponent(log.sessionIds[s]!)}`);
      expect(res.status).toBe(200);
      const view = (await res.json()) as SessionView;
      expect(view.eventsSeen).toBe(log.sessionLength(s));
      expect(view.score).toBe(batchScores[s]);
      expect(schema.featureNames.map((n) => view.features[n])).toEqual(
        Array.from(batchRows.data.subarray(s * batchRows.columns, (s + 1) * batchRows.columns)),
      );
    }
  });

  it('takes a JSON array too, with timestamps in the log format and BadActor ignored, answering per session', async () => {
    const events = [
      {
        SessionNo: 'arr-1',
        LogTime: '2019-07-01 12:00:00.000',
        CustID: 'c9',
        GroupID: 'g',
        ProfID: 'p',
        Act: schema.vocabulary[0],
        BadActor: 1,
      },
      { SessionNo: 'arr-1', LogTime: '2019-07-01 12:00:02.500', CustID: 'c9', Act: schema.vocabulary[1] },
      { SessionNo: 'arr-2', LogTime: 1561982400000, Act: Number(schema.vocabulary[0]) },
    ];
    const r = await post(`${service.url}/events`, JSON.stringify(events), 'application/json');
    expect(r.status).toBe(200);
    expect(r.json.events).toBe(3);
    expect(r.json.sessions.map((s) => [s.session, s.eventsSeen])).toEqual([
      ['arr-1', 2],
      ['arr-2', 1],
    ]);
    const view = (await (await fetch(`${service.url}/sessions/arr-1`)).json()) as SessionView;
    expect(view.customer).toBe('c9');
    expect(view.features.duration_s).toBe(2.5);
  });

  it('rejects a bad event with 400 naming its line and field, and applies nothing of that request', async () => {
    const body = [
      '{"SessionNo":"bad-1","LogTime":"2019-07-01 12:00:00","Act":"111"}',
      '',
      '{"SessionNo":"bad-1","LogTime":"not a time","Act":"111"}',
    ].join('\n');
    const r = await post(`${service.url}/events`, body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'ERR_LIVE_EVENT', line: 3, field: 'LogTime' });
    expect(r.json.error.message).toContain('line 3');
    expect((await fetch(`${service.url}/sessions/bad-1`)).status).toBe(404);
    const broken = await post(
      `${service.url}/events`,
      '{"SessionNo":"x","LogTime":1,"Act":"1"}\n{"SessionNo": oops}\n',
    );
    expect(broken.status).toBe(400);
    expect(broken.json.error.line).toBe(2);
    const item = await post(
      `${service.url}/events`,
      JSON.stringify([
        { SessionNo: 'x', LogTime: 1, Act: '1' },
        { SessionNo: 'x', LogTime: 1 },
      ]),
      'application/json',
    );
    expect(item.json.error).toMatchObject({ item: 2, field: 'Act' });
  });

  it('answers 413 over the body limit, 415 for other content types, 404 for unknown routes and sessions, 405 for wrong methods', async () => {
    expect((await post(`${service.url}/events`, 'x'.repeat(300 * 1024))).status).toBe(413);
    expect((await post(`${service.url}/events`, 'a,b\n1,2\n', 'text/csv')).status).toBe(415);
    expect((await fetch(`${service.url}/nowhere`)).status).toBe(404);
    expect((await fetch(`${service.url}/sessions/never-seen`)).status).toBe(404);
    expect((await fetch(`${service.url}/events`)).status).toBe(405);
  });

  it('serves /healthz, and the SageMaker /ping and /invocations for flattened rows', async () => {
    const health = (await (await fetch(`${service.url}/healthz`)).json()) as {
      status: string;
      stats: { scorer: { events: number } };
    };
    expect(health.status).toBe('ok');
    expect(health.stats.scorer.events).toBeGreaterThanOrEqual(log.eventCount);
    expect((await fetch(`${service.url}/ping`)).status).toBe(200);
    const rows = [0, 1, 2]
      .map((s) => Array.from(batchRows.data.subarray(s * batchRows.columns, (s + 1) * batchRows.columns)).join(','))
      .join('\n');
    const r = await fetch(`${service.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: rows,
    });
    expect(r.status).toBe(200);
    const scores = (await r.text()).trim().split('\n').map(Number);
    // The container answers with the float32 score printed to full precision.
    expect(scores.map((v) => Math.fround(v))).toEqual([0, 1, 2].map((s) => batchScores[s]));
  });

  it('never crashes on random garbage bodies: every answer is a 4xx, and it keeps serving', async () => {
    const random = createRandom(5);
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      '\n',
      'SessionNo',
      'LogTime',
      'Act',
      'null',
      '1e999',
      '-1',
      '"2019-07-01 12:00:00"',
      '\u0000',
      '\uffff',
      'true',
      ' ',
    ];
    for (let i = 0; i < 150; i++) {
      let body: string | Buffer;
      if (i % 3 === 0) body = Buffer.from(Array.from({ length: random.int(1, 400) }, () => random.int(0, 256)));
      else body = Array.from({ length: random.int(1, 60) }, () => pieces[random.int(0, pieces.length)]).join('');
      const type = ['application/x-ndjson', 'application/json', '', 'text/plain'][i % 4]!;
      const res = await fetch(`${service.url}/events`, {
        method: 'POST',
        headers: type ? { 'content-type': type } : {},
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 200)
        expect(res.status, `body ${JSON.stringify(String(body).slice(0, 80))}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect(service.stats().statuses[500]).toBeUndefined();
  });

  it('answers a malformed HTTP request with 400 without affecting others', async () => {
    const url = new URL(service.url);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write('NOT-HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1.1 400/);
    expect((await fetch(`${service.url}/ping`)).status).toBe(200);
  });
});

describe('event service load test', () => {
  it('a bounded loopback load test mixing good and bad requests stops by itself and counts every answer', async () => {
    const service = await startEventService({ model: booster, schema, threshold: 0.5 });
    try {
      const bodies = ndjsonBodies(log, 100);
      const result = await runLoadTest({
        url: service.url,
        bodies,
        badBodies: ['this is not json\n', '{"SessionNo":"x","LogTime":"never","Act":"1"}\n', '[1,2,3'],
        badShare: 0.2,
        maxRequests: 300,
        maxDurationMs: 20_000,
        concurrency: 4,
        seed: 3,
      });
      expect(result.requests).toBe(300);
      expect(result.networkErrors).toBe(0);
      expect(result.unexpected).toBe(0);
      expect(result.badRequests).toBeGreaterThan(30);
      expect(result.statuses[200]).toBe(result.goodRequests);
      expect(result.statuses[400]).toBe(result.badRequests);
      expect(service.stats().events + service.stats().scorer.duplicates).toBe(result.events); // the cycled bodies resend events: duplicates are dropped
      // The rates are the counts over the run's time, and every latency lies within the run.
      expect(result.eventsPerSecond * (result.elapsedMs / 1000)).toBeCloseTo(result.events, 6);
      expect(result.requestsPerSecond * (result.elapsedMs / 1000)).toBeCloseTo(300, 6);
      const { p50, p90, p99, max } = result.latencyMs;
      expect(p50).toBeGreaterThan(0);
      expect([p50, p90, p99, max]).toEqual([p50, p90, p99, max].sort((a, b) => a - b));
      expect(max).toBeLessThanOrEqual(result.elapsedMs);
      expect(result.goodLatencyMs.max).toBeLessThanOrEqual(max);
    } finally {
      await service.close();
    }
  });

  it('stops at maxDurationMs when that comes first', async () => {
    const service = await startEventService({ model: booster, schema, threshold: 0.5 });
    try {
      const result = await runLoadTest({
        url: service.url,
        bodies: ndjsonBodies(log, 50),
        maxRequests: 10_000_000,
        maxDurationMs: 300,
        concurrency: 2,
      });
      expect(result.requests).toBeLessThan(10_000_000);
      expect(result.elapsedMs).toBeLessThan(3000);
    } finally {
      await service.close();
    }
  });
});

describe('event service shutdown', () => {
  it('close() stops accepting, lets a request in flight finish, then closes', async () => {
    const service = await startEventService({ model: booster, schema, threshold: 0.5 });
    const url = new URL(`${service.url}/events`);
    const body = '{"SessionNo":"slow","LogTime":1561982400000,"Act":"111"}\n';
    let status = 0;
    // Ordered by events, not sleeps: with `Expect: 100-continue` the server answers 100 once it has
    // taken the request (its handler runs), so close() starts with that request in flight; the
    // body is sent only after close() has stopped new connections.
    let sendBody = (): void => undefined;
    let onContinue: () => void = () => undefined;
    const continued = new Promise<void>((resolve) => (onContinue = resolve));
    const inFlight = new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-ndjson',
            'content-length': String(body.length),
            expect: '100-continue',
          },
        },
        (res) => {
          status = res.statusCode ?? 0;
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.on('continue', onContinue);
      sendBody = () => req.end(body);
      req.flushHeaders();
    });
    await continued;
    expect(service.stats().requests).toBe(1);
    const closed = service.close();
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    sendBody();
    const text = await inFlight;
    expect(status).toBe(200);
    expect(JSON.parse(text).events).toBe(1);
    await closed;
    expect(service.scorer.closed).toBe(true);
  });
});

describe('parseEventsBody', () => {
  it('reads NDJSON with blank lines and CRLF, and names the line of a bad event', () => {
    expect(
      parseEventsBody('{"SessionNo":7,"LogTime":"2019-07-01 12:00:00","Act":111}\r\n\r\n', 'application/x-ndjson'),
    ).toEqual([{ session: '7', action: '111', time: Date.UTC(2019, 6, 1, 12), customer: undefined }]);
    expect(() => parseEventsBody('\n\n{"SessionNo":7,"Act":1}', undefined)).toThrow(
      /line 3: event field LogTime must be/,
    );
  });
});
