import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { Booster } from '../../src/model/booster.js';
import { Predictor } from '../../src/sagemaker/predictor.js';
import { PredictionCountError } from '../../src/sagemaker/sagemaker-errors.js';
import { EndpointServer } from '../../src/serve/endpoint-server.js';
import { LocalBackend } from '../../src/train/local-backend.js';
import { EndpointInvocationError, ResourceStateError, RunAbortedError } from '../../src/train/train-errors.js';
import { DUMMY_CREDENTIALS } from './aws-test-env.js';
import { captureCommands, loadServiceModel, validateRequest, type CapturedCommand } from './service-model.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * The standalone Predictor for an endpoint that already exists: the real SageMakerRuntimeClient
 * against the library's own EndpointServer (which speaks the runtime's
 * `POST /endpoints/{name}/invocations`), and against a LocalBackend endpoint by URL. Expected
 * scores are XGBoost 1.7.4's own (`predictions.csv` of the golden fixture); every InvokeEndpoint
 * request is checked against the sagemaker-runtime service model botocore ships.
 */

const fixture = loadArtifactFixture();
const booster = Booster.fromTarGz(fixture.tarGz);
const runtimeModel = loadServiceModel('sagemaker-runtime');
const ENDPOINT = 'exp1-first-5';

let server: EndpointServer;
let url: string;
beforeAll(async () => {
  server = new EndpointServer().addEndpoint(ENDPOINT, booster);
  url = await server.listen();
});
afterAll(async () => {
  await server.close();
});

const clients: SageMakerRuntimeClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A real runtime client pointed at the endpoint server, with its commands captured. */
function runtimeClient(): { client: SageMakerRuntimeClient; sent: CapturedCommand[] } {
  const client = new SageMakerRuntimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
  clients.push(client);
  return { client, sent: captureCommands(client) };
}

function expectValidRequests(sent: readonly CapturedCommand[]): void {
  if (runtimeModel === undefined) {
    console.warn(
      'sagemaker-runtime service model not found (python3-botocore is not installed): InvokeEndpoint request shapes NOT checked',
    );
    return;
  }
  for (const { operation, input } of sent)
    expect(validateRequest(runtimeModel, operation, input), operation).toEqual([]);
}

const matrix = fixture.rows.map((line) => line.split(',').map(Number));

describe('Predictor on an existing SageMaker endpoint (runtime client injected)', () => {
  it('scores CSV rows, arrays of rows and a matrix with XGBoost 1.7.4’s probabilities, in order', async () => {
    const { client, sent } = runtimeClient();
    const predictor = new Predictor({ endpointName: ENDPOINT, client });
    const expected = Array.from(fixture.prob);
    expect(Array.from(await predictor.predict(`${fixture.rows.join('\n')}\n`))).toEqual(expected);
    expect(Array.from(await predictor.predict(matrix))).toEqual(expected);
    expect(
      Array.from(await predictor.predict({ data: Float64Array.from(matrix.flat()), rows: matrix.length, columns: 4 })),
    ).toEqual(expected);
    expect(sent.map((c) => c.operation)).toEqual(['InvokeEndpoint', 'InvokeEndpoint', 'InvokeEndpoint']);
    expect(sent[0]?.input).toMatchObject({ EndpointName: ENDPOINT, ContentType: 'text/csv', Accept: 'text/csv' });
    expectValidRequests(sent);
    await predictor.close();
    // An injected client is the caller's: still usable after close.
    expect((await new Predictor({ endpointName: ENDPOINT, client }).predict([matrix[0]!])).length).toBe(1);
  });

  it('splits rows over 5 MiB into requests of at most 5 MiB at row boundaries, as the runner does, and keeps the row order', async () => {
    const { client, sent } = runtimeClient();
    // 5 MiB of rows: each line is the fixture rows repeated, so the expected scores repeat too.
    const rows: number[][] = [];
    const expected: number[] = [];
    let bytes = 0;
    while (bytes <= 5 * 1024 * 1024) {
      for (let i = 0; i < matrix.length; i++) {
        rows.push(matrix[i]!);
        expected.push(fixture.prob[i]!);
        bytes += fixture.rows[i]!.length + 1;
      }
    }
    const scores = await new Predictor({ endpointName: ENDPOINT, client }).predict(rows);
    expect(scores.length).toBe(rows.length);
    expect(Array.from(scores)).toEqual(expected);
    expect(sent).toHaveLength(2);
    const sizes = sent.map((c) => (c.input as { Body: Uint8Array }).Body.byteLength);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(sizes[0]! + sizes[1]!).toBe(bytes);
    // Every request ends at a row boundary.
    for (const c of sent)
      expect(new TextDecoder().decode((c.input as { Body: Uint8Array }).Body).endsWith('\n')).toBe(true);
    expectValidRequests(sent);
  });

  it('with a smaller maxPayloadBytes sends one request per payload; no rows send no request', async () => {
    const { client, sent } = runtimeClient();
    const predictor = new Predictor({
      endpointName: ENDPOINT,
      client,
      maxPayloadBytes: 2 * (fixture.rows[0]!.length + 1),
    });
    expect(Array.from(await predictor.predict(matrix.slice(0, 5)))).toEqual(Array.from(fixture.prob.slice(0, 5)));
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(await predictor.predict([])).toEqual(new Float64Array(0));
    expect(await predictor.predict('')).toEqual(new Float64Array(0));
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expectValidRequests(sent);
  });

  it('reports an endpoint that does not exist as ResourceStateError, a container error as EndpointInvocationError with its status', async () => {
    const { client } = runtimeClient();
    await expect(new Predictor({ endpointName: 'no-such-endpoint', client }).predict([matrix[0]!])).rejects.toThrow(
      ResourceStateError,
    );
    const refused = new Predictor({ endpointName: ENDPOINT, client }).predict('abc,1,2,3\n');
    await expect(refused).rejects.toThrow(EndpointInvocationError);
    await expect(refused).rejects.toMatchObject({ status: 415 });
  });

  it('rejects with RunAbortedError when the signal aborts', async () => {
    const { client } = runtimeClient();
    const controller = new AbortController();
    controller.abort(new Error('Ctrl-C'));
    await expect(
      new Predictor({ endpointName: ENDPOINT, client }).predict(matrix, { signal: controller.signal }),
    ).rejects.toThrow(RunAbortedError);
  });

  it('checks the number of scores an endpoint answers (PredictionCountError), reading JSON answers with the one parser', async () => {
    // A runtime that answers one score whatever it is sent, as JSON.
    const wrong = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"predictions":[{"score":0.5}]}');
      });
    });
    await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
    try {
      const predictor = new Predictor({
        endpointName: ENDPOINT,
        url: `http://127.0.0.1:${(wrong.address() as AddressInfo).port}`,
      });
      expect(Array.from(await predictor.predict(matrix.slice(0, 1)))).toEqual([0.5]);
      await expect(predictor.predict(matrix.slice(0, 3))).rejects.toThrow(PredictionCountError);
      await predictor.close();
    } finally {
      await new Promise((resolve) => wrong.close(resolve));
    }
  });

  it('refuses bad options before any request: endpoint name, client with url, url, payload size', () => {
    expect(() => new Predictor({ endpointName: 'bad_name' })).toThrow(InvalidArgumentError);
    expect(() => new Predictor({ endpointName: 'bad_name' })).toThrow(/endpointName/);
    expect(() => new Predictor(undefined as never)).toThrow(InvalidArgumentError);
    const { client } = runtimeClient();
    expect(() => new Predictor({ endpointName: ENDPOINT, client, url })).toThrow(/url/);
    expect(() => new Predictor({ endpointName: ENDPOINT, url: 'ftp://host/' })).toThrow(/url/);
    expect(() => new Predictor({ endpointName: ENDPOINT, client, maxPayloadBytes: 0 })).toThrow(/maxPayloadBytes/);
  });
});

describe('Predictor on a local endpoint (LocalBackend, by URL)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sentry-predictor-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scores on the endpoint the backend serves, with the same scores as XGBoost 1.7.4', async () => {
    const artifact = path.join(dir, 'model.tar.gz');
    await writeFile(artifact, fixture.tarGz);
    const backend = new LocalBackend({ workDir: path.join(dir, 'work'), workers: 1, training: 'in-process' });
    try {
      await backend.createModel('local-first-5', artifact);
      await backend.createEndpoint('local-first-5', 'local-first-5');
      expect(await backend.waitForEndpoint('local-first-5')).toEqual({
        status: 'InService',
        endpointName: 'local-first-5',
      });
      await using predictor = new Predictor({
        endpointName: 'local-first-5',
        url: backend.endpointUrl('local-first-5'),
      });
      expect(Array.from(await predictor.predict(`${fixture.rows.join('\n')}\n`))).toEqual(Array.from(fixture.prob));
      await backend.deleteEndpoint('local-first-5', { withModels: true });
      await expect(predictor.predict(matrix)).rejects.toThrow();
    } finally {
      await backend.close();
    }
  });
});
