/**
 * The endpoint server against the SageMaker XGBoost container's serving contract
 * (sagemaker-xgboost-container `algorithm_mode/serve.py`, `encoder.py`; SAGEMAKER_CONTRACT.md §2):
 * routes, content types, status codes, the 6 MiB limit. Expected scores are XGBoost 1.7.4's own
 * probabilities for the golden `hist_nan` fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointServer, MAX_PAYLOAD_BYTES, serveModel } from '../../src/serve/endpoint-server.js';
import { loadEndpointFixture, type EndpointFixture } from './endpoint-fixture.js';

let fixture: EndpointFixture;
let server: EndpointServer;
let url: string;

beforeAll(async () => {
  fixture = loadEndpointFixture();
  server = await serveModel(fixture.booster, { name: 'fixture' });
  url = server.url;
});

afterAll(async () => {
  await server.close();
});

function post(
  body: string | Uint8Array,
  headers: Record<string, string> = { 'content-type': 'text/csv' },
  route = '/invocations',
): Promise<Response> {
  return fetch(`${url}${route}`, { method: 'POST', headers, body });
}

describe('GET /ping and /execution-parameters', () => {
  it('answers /ping with 200 once the model is loaded', async () => {
    const res = await fetch(`${url}/ping`);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  });

  it('reports MULTI_RECORD batching and a 6 MB payload limit, as the container does', async () => {
    const res = await fetch(`${url}/execution-parameters`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.BatchStrategy).toBe('MULTI_RECORD');
    expect(body.MaxPayloadInMB).toBe(6);
    expect(body.MaxConcurrentTransforms).toBeGreaterThanOrEqual(1);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    const missing = await fetch(`${url}/predict`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
    const wrongMethod = await fetch(`${url}/invocations`);
    expect(wrongMethod.status).toBe(405);
    await wrongMethod.arrayBuffer();
  });
});

describe('POST /invocations with text/csv', () => {
  it('scores every row like XGBoost 1.7.4, one probability per line with a trailing newline', async () => {
    const res = await post(`${fixture.rows.join('\n')}\n`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv');
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    // Byte-for-byte what Python prints for XGBoost's float32 probabilities (str(float(p))).
    expect(text).toBe(`${fixture.probText.join('\n')}\n`);
  });

  it('reads empty fields as missing values and tolerates CRLF line ends', async () => {
    const res = await post(fixture.rows.slice(0, 20).join('\r\n'));
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\n')).toEqual(fixture.probText.slice(0, 20));
  });

  it('treats absent trailing columns as missing, as XGBoost does for fewer columns than features', async () => {
    const indices = fixture.rows.map((row, i) => (row.endsWith(',') ? i : -1)).filter((i) => i >= 0);
    expect(indices.length).toBeGreaterThan(5);
    const body = indices.map((i) => (fixture.rows[i] as string).slice(0, -1)).join('\n');
    const res = await post(body);
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\n')).toEqual(indices.map((i) => fixture.probText[i]));
  });

  it('defaults to text/csv when Content-Type is missing, as the container does', async () => {
    const res = await fetch(`${url}/invocations`, {
      method: 'POST',
      body: new TextEncoder().encode(fixture.rows[0] as string),
    });
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe(fixture.probText[0]);
  });

  it('answers an empty body with 204 and no content', async () => {
    const res = await post('');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('answers 415 for a field that is not a number, naming its line and column', async () => {
    const res = await post('1,2,3,4\n5,abc,7,8\n');
    expect(res.status).toBe(415);
    const message = await res.text();
    expect(message).toContain('line 2, column 2');
    expect(message).toContain('"abc"');
  });

  it("answers 415 for hexadecimal fields, which Python's float() refuses", async () => {
    const res = await post('1,0x10,3,4\n');
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('"0x10"');
  });

  it('answers 415 for rows with different field counts', async () => {
    const res = await post('1,2,3,4\n5,6\n');
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('line 2');
  });

  it('answers 415 for an unsupported Content-Type', async () => {
    const res = await post('1 0:1 1:2', { 'content-type': 'application/x-parquet' });
    expect(res.status).toBe(415);
    expect(await res.text()).toContain('application/x-parquet');
  });

  it('answers 400 for more columns than the model has features (a label column left in)', async () => {
    const res = await post('0,1,2,3,4\n');
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/5 columns but the model has 4 features/);
  });

  it('answers 406 for an Accept type it cannot write', async () => {
    const res = await post(fixture.rows[0] as string, { 'content-type': 'text/csv', accept: 'image/png' });
    expect(res.status).toBe(406);
    expect(await res.text()).toContain('image/png');
  });

  it('keeps serving correct answers after bad requests', async () => {
    for (const bad of ['x', '1,2,3,4,5,6', '']) await (await post(bad)).arrayBuffer();
    const res = await post(fixture.rows[1] as string);
    expect((await res.text()).trim()).toBe(fixture.probText[1]);
  });
});

describe('response and request formats', () => {
  it('writes {"predictions":[{"score":p},…]} for Accept: application/json', async () => {
    const res = await post(fixture.rows.slice(0, 10).join('\n'), {
      'content-type': 'text/csv',
      accept: 'application/json',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { predictions: { score: number }[] };
    expect(body.predictions.map((p) => p.score)).toEqual(Array.from(fixture.prob.slice(0, 10)));
  });

  it('writes one {"score": p} per line for Accept: application/jsonlines', async () => {
    const res = await post(fixture.rows.slice(0, 3).join('\n'), {
      'content-type': 'text/csv',
      accept: 'application/jsonlines',
    });
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { score: number }).score);
    expect(lines).toEqual(Array.from(fixture.prob.slice(0, 3)));
  });

  it('reads application/json {"instances": [[…]]} with null as missing', async () => {
    const instances = fixture.rows.slice(0, 12).map((row) => row.split(',').map((f) => (f === '' ? null : Number(f))));
    const res = await post(JSON.stringify({ instances }), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\n')).toEqual(fixture.probText.slice(0, 12));
  });

  it('reads application/json {"features": […]} as one row and {"instances": [{"features": […]}]}', async () => {
    const row = (fixture.rows[5] as string).split(',').map((f) => (f === '' ? null : Number(f)));
    const single = await post(JSON.stringify({ features: row }), {
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(((await single.json()) as { predictions: { score: number }[] }).predictions[0]?.score).toBe(fixture.prob[5]);
    const objects = await post(JSON.stringify({ instances: [{ features: row }] }), {
      'content-type': 'application/json',
    });
    expect((await objects.text()).trim()).toBe(fixture.probText[5]);
  });

  it('reads text/libsvm rows (0-based index:value, a leading label ignored, absent = missing)', async () => {
    const libsvm = fixture.rows
      .slice(0, 30)
      .map((row) => ['0', ...row.split(',').flatMap((f, i) => (f === '' ? [] : [`${i}:${f}`]))].join(' '));
    const res = await post(libsvm.join('\n'), { 'content-type': 'text/libsvm' });
    expect(res.status).toBe(200);
    expect((await res.text()).trim().split('\n')).toEqual(fixture.probText.slice(0, 30));
    const bad = await post('0 1:abc', { 'content-type': 'text/x-libsvm' });
    expect(bad.status).toBe(415);
    expect(await bad.text()).toContain('"1:abc"');
  });

  it('answers 415 for JSON that is not an instances or features object', async () => {
    for (const body of ['{"rows": [[1]]}', '[1,2]', '{"instances": [["a"]]}', '{bad json']) {
      const res = await post(body, { 'content-type': 'application/json' });
      expect(res.status, body).toBe(415);
      await res.arrayBuffer();
    }
  });
});

describe('under load', () => {
  it('answers 60 concurrent requests, good and bad mixed, each correctly', async () => {
    const requests = Array.from({ length: 60 }, (_, i) => {
      if (i % 3 === 2) return post('1,2,x,4').then(async (res) => [res.status, await res.text()] as const);
      const rows = fixture.rows.slice(i, i + 10);
      return post(rows.join('\n')).then(async (res) => [res.status, await res.text()] as const);
    });
    const answers = await Promise.all(requests);
    answers.forEach(([status, body], i) => {
      if (i % 3 === 2) expect(status).toBe(415);
      else {
        expect(status).toBe(200);
        expect(body).toBe(`${fixture.probText.slice(i, i + 10).join('\n')}\n`);
      }
    });
  });
});

describe('payload limit', () => {
  it('accepts a body of exactly 6 MiB and answers 413 one byte over, as the container (MAX_CONTENT_LENGTH)', async () => {
    expect(MAX_PAYLOAD_BYTES).toBe(6 * 1024 * 1024);
    const row = '1,2,3,4\n';
    const rows = Math.floor(MAX_PAYLOAD_BYTES / row.length);
    const pad = MAX_PAYLOAD_BYTES - rows * row.length;
    // Pad the first row's last field with leading zeros so the body is exactly the limit.
    const exact = `1,2,3,${'0'.repeat(pad)}4\n${row.repeat(rows - 1)}`;
    expect(Buffer.byteLength(exact)).toBe(MAX_PAYLOAD_BYTES);
    const ok = await post(exact);
    expect(ok.status).toBe(200);
    expect((await ok.text()).split('\n').length - 1).toBe(rows);
    const over = await post(`${exact}5`);
    expect(over.status).toBe(413);
    expect(await over.text()).toContain(String(MAX_PAYLOAD_BYTES));
    const after = await post(fixture.rows[0] as string);
    expect((await after.text()).trim()).toBe(fixture.probText[0]);
  });

  it('honours a smaller configured limit', async () => {
    await using small = await serveModel(fixture.booster, { maxPayloadBytes: 64 });
    const res = await fetch(`${small.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `${fixture.rows.slice(0, 20).join('\n')}`,
    });
    expect(res.status).toBe(413);
    await res.arrayBuffer();
  });
});

describe('several endpoints on one server', () => {
  it('serves each by name on the runtime path and has no default for /invocations', async () => {
    await using multi = new EndpointServer();
    multi.addEndpoint('model-a', fixture.booster).addEndpoint('model-b', fixture.booster);
    const base = await multi.listen();
    for (const name of ['model-a', 'model-b']) {
      const res = await fetch(`${base}/endpoints/${name}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: fixture.rows[2] as string,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-amzn-invoked-production-variant')).toBe('AllTraffic');
      expect((await res.text()).trim()).toBe(fixture.probText[2]);
    }
    const noDefault = await fetch(`${base}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: '1,2,3,4',
    });
    expect(noDefault.status).toBe(404);
    expect(await noDefault.text()).toContain('model-a, model-b');
    expect(multi.removeEndpoint('model-a')).toBe(true);
    const gone = await fetch(`${base}/endpoints/model-a/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: '1,2,3,4',
    });
    expect(gone.status).toBe(400);
    expect(gone.headers.get('x-amzn-errortype')).toBe('ValidationError');
    await gone.arrayBuffer();
  });

  it('refuses endpoint names SageMaker would refuse', () => {
    const s = new EndpointServer();
    expect(() => s.addEndpoint('bad_name', fixture.booster)).toThrow(/SageMaker endpoint name/);
    expect(() => s.addEndpoint('-x', fixture.booster)).toThrow(/got "-x"/);
  });
});

describe('close', () => {
  it('stops listening: the port refuses connections, keep-alive ones included', async () => {
    const s = await serveModel(fixture.booster);
    const port = s.port;
    const warm = await fetch(`${s.url}/ping`);
    await warm.arrayBuffer();
    await s.close();
    expect(s.listening).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow();
    await s.close();
  });
});
