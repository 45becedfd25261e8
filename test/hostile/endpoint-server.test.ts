/**
 * Hostile traffic to the endpoint server (issue 14, points 3, 12 and 13): bodies that amplify into
 * memory once padded to the model's width, a first line of a million commas, and probes that must
 * keep being answered, on kept-alive connections, while that goes on.
 */
import { type IncomingMessage, Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointServer, MAX_PAYLOAD_BYTES, serveModel } from '../../src/serve/endpoint-server.js';
import { handleInvocation } from '../../src/serve/handle-invocation.js';
import { InvocationError } from '../../src/serve/invocation-error.js';
import { parseCsvPayload, parseJsonPayload, parseLibsvmPayload } from '../../src/serve/parse-payload.js';
import { MAX_PAYLOAD_CELLS, MAX_PAYLOAD_ROWS } from '../../src/serve/payload-limits.js';
import { liveFixture } from '../serve/live-fixture.js';
import { loadEndpointFixture } from '../serve/endpoint-fixture.js';

const fixture = loadEndpointFixture(); // XGBoost 1.7.4's hist_nan model and its own probabilities
// A wide model (tens of features), as the library trains: padding one-column rows to it amplifies.
const { booster: wide } = liveFixture({ seed: 5, sessions: 150, features: { counts: true, timing: true } });
const oneColumnBody = '1\n'.repeat(MAX_PAYLOAD_BYTES / 2); // 6 MiB, 3.1M rows

let server: EndpointServer;
beforeAll(async () => {
  server = new EndpointServer({ defaultEndpoint: 'fixture' });
  server.addEndpoint('wide', wide).addEndpoint('fixture', fixture.booster);
  await server.listen();
});
afterAll(async () => {
  await server.close();
});

async function invoke(name: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}/endpoints/${name}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** The container's answer inside a runtime-API ModelError (424): its original status and message. */
function original(text: string): { OriginalStatusCode: number; OriginalMessage: string } {
  return JSON.parse(text) as { OriginalStatusCode: number; OriginalMessage: string };
}

describe('rows are capped before they amplify into memory (point 3)', () => {
  it(`6 MiB of one-column rows (3.1M rows) against a ${wide.numFeature}-feature model: 413 naming the row limit, in bounded time and memory`, async () => {
    const before = process.memoryUsage().arrayBuffers;
    const start = performance.now();
    const res = await invoke('wide', oneColumnBody);
    const ms = performance.now() - start;
    expect(res.status).toBe(424);
    const answer = original(res.text);
    expect(answer.OriginalStatusCode).toBe(413);
    expect(answer.OriginalMessage).toBe(
      `text/csv payload has ${MAX_PAYLOAD_ROWS + 1} rows, over the limit of ${MAX_PAYLOAD_ROWS} rows per request (maxRowsPerRequest); split it into smaller requests`,
    );
    expect(ms).toBeLessThan(2000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('rows under the row limit that pad to more values than the cell limit: 413 naming that limit', () => {
    const rows = Math.ceil(MAX_PAYLOAD_CELLS / wide.numFeature) + 1;
    const answer = handleInvocation(wide, { body: '1\n'.repeat(rows), contentType: 'text/csv' });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain(`over the limit of ${MAX_PAYLOAD_CELLS} values per request (maxCellsPerRequest)`);
  });

  it('a configured maxRowsPerRequest is named in the answer, and requests within it are scored like XGBoost 1.7.4', async () => {
    await using small = await serveModel(fixture.booster, { maxRowsPerRequest: 10 });
    const over = await fetch(`${small.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: fixture.rows.slice(0, 11).join('\n'),
    });
    expect(over.status).toBe(413);
    expect(await over.text()).toContain('over the limit of 10 rows per request');
    const ok = await fetch(`${small.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: fixture.rows.slice(0, 10).join('\n'),
    });
    expect((await ok.text()).trim().split('\n')).toEqual(fixture.probText.slice(0, 10));
  });

  it('nothing good is lost: after the oversized requests the server scores the golden rows as XGBoost 1.7.4 does', async () => {
    const res = await invoke('fixture', `${fixture.rows.join('\n')}\n`);
    expect(res.status).toBe(200);
    expect(res.text.trim().split('\n')).toEqual(fixture.probText);
  });
});

describe('wide first lines are a 4xx naming the limit, not a 500 (point 13)', () => {
  const commas = `${','.repeat(1_000_000)}\n`;

  it('a CSV payload whose first line has 1M commas: 400 naming its columns and the model features', async () => {
    const res = await invoke('fixture', commas);
    expect(original(res.text)).toMatchObject({
      OriginalStatusCode: 400,
      OriginalMessage:
        'text/csv payload has 1000001 columns but the model has 4 features (send feature columns only, no label)',
    });
  });

  it('the parsers refuse over-wide JSON and libsvm rows the same way, before allocating', () => {
    const limits = { maxColumns: 4, width: 4 };
    const json = `{"instances":[[${new Array(1_000_000).fill(0).join(',')}]]}`;
    expect(() => parseJsonPayload(json, limits)).toThrow(
      expect.objectContaining({ code: 'ERR_INVOCATION', status: 400 }),
    );
    expect(() => parseLibsvmPayload('0 5000000:1\n', limits)).toThrow(
      expect.objectContaining({ status: 400, message: expect.stringContaining('beyond the model') }),
    );
    expect(() => parseCsvPayload(commas, limits)).toThrow(InvocationError);
    // Standalone, without a model, the column limit is MAX_NUM_FEATURE (2^20).
    expect(() => parseCsvPayload(`${','.repeat(1 << 20)}\n`)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('/ping keeps answering, on kept-alive connections (points 3 and 12)', () => {
  /** One GET on `agent`, resolving to the response (body read) and whether the socket was reused. */
  function get(
    agent: Agent,
    path: string,
  ): Promise<{ status: number; connection: string | undefined; reused: boolean }> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.url}${path}`, { agent }, (res: IncomingMessage) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode!, connection: res.headers.connection, reused: req.reusedSocket }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  it.each(['/ping?x=1', '/execution-parameters', '/no-such-route'])(
    'GET %s keeps the connection alive (no connection: close)',
    async (path) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const first = await get(agent, path);
        const second = await get(agent, path);
        expect(first.connection).toBe('keep-alive');
        expect(second.reused).toBe(true);
        expect([first.status, second.status]).toEqual(path === '/no-such-route' ? [404, 404] : [200, 200]);
      } finally {
        agent.destroy();
      }
    },
  );

  it('four clients sending oversized bodies do not starve /ping: every probe answers 200 within 1 s', async () => {
    let stop = false;
    const flood = async (): Promise<number> => {
      let sent = 0;
      while (!stop) {
        const res = await invoke('wide', oneColumnBody);
        expect(original(res.text).OriginalStatusCode).toBe(413);
        sent++;
      }
      return sent;
    };
    const clients = [flood(), flood(), flood(), flood()];
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const latencies: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const start = performance.now();
        const ping = await Promise.race([
          get(agent, '/ping'),
          new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000)),
        ]);
        expect(ping?.status, `probe ${i}`).toBe(200);
        latencies.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      stop = true;
      agent.destroy();
    }
    const floods = await Promise.all(clients);
    expect(floods.reduce((a, b) => a + b, 0)).toBeGreaterThan(4);
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});
