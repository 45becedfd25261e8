/**
 * The real AWS SDK v3 `SageMakerRuntimeClient` invoking the local endpoint server through the
 * runtime `InvokeEndpoint` operation (`POST /endpoints/{EndpointName}/invocations`, restJson1).
 * Scores must equal XGBoost 1.7.4's probabilities for the golden `hist_nan` fixture, and errors
 * must surface as the SDK's own exception classes (ModelError, ValidationError), as from SageMaker.
 */
import {
  InvokeEndpointCommand,
  ModelError,
  SageMakerRuntimeClient,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndpointServer } from '../../src/serve/endpoint-server.js';
import { parseScores } from '../../src/serve/parse-scores.js';
import { loadEndpointFixture, type EndpointFixture } from './endpoint-fixture.js';

let fixture: EndpointFixture;
let server: EndpointServer;
let client: SageMakerRuntimeClient;

beforeAll(async () => {
  fixture = loadEndpointFixture();
  server = new EndpointServer()
    .addEndpoint('sessions-first10', fixture.booster)
    .addEndpoint('sessions-first20', fixture.booster);
  const url = await server.listen();
  client = new SageMakerRuntimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
});

describe('SageMakerRuntimeClient against a local endpoint', () => {
  it('returns XGBoost 1.7.4 probabilities (and Booster.predict) for a text/csv payload, one per line', async () => {
    const out = await client.send(
      new InvokeEndpointCommand({
        EndpointName: 'sessions-first10',
        ContentType: 'text/csv',
        Accept: 'text/csv',
        Body: new TextEncoder().encode(fixture.rows.join('\n')),
      }),
    );
    expect(out.ContentType).toBe('text/csv');
    expect(out.InvokedProductionVariant).toBe('AllTraffic');
    const text = new TextDecoder().decode(out.Body);
    expect(text).toBe(`${fixture.probText.join('\n')}\n`);
    expect(Array.from(parseScores(text))).toEqual(Array.from(fixture.prob));
    const matrix = fixture.rows.map((row) => row.split(',').map((f) => (f === '' ? Number.NaN : Number(f))));
    const predicted = fixture.booster.predict({
      data: Float64Array.from(matrix.flat()),
      rows: matrix.length,
      columns: 4,
    });
    expect(Array.from(parseScores(text))).toEqual(Array.from(predicted));
  });

  it('addresses each hosted endpoint by name', async () => {
    const out = await client.send(
      new InvokeEndpointCommand({
        EndpointName: 'sessions-first20',
        ContentType: 'text/csv',
        Body: fixture.rows[7] as string,
      }),
    );
    expect(new TextDecoder().decode(out.Body).trim()).toBe(fixture.probText[7]);
  });

  it('returns JSON predictions for Accept: application/json', async () => {
    const out = await client.send(
      new InvokeEndpointCommand({
        EndpointName: 'sessions-first10',
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: fixture.rows.slice(0, 4).join('\n'),
      }),
    );
    const body = JSON.parse(new TextDecoder().decode(out.Body)) as { predictions: { score: number }[] };
    expect(body.predictions.map((p) => p.score)).toEqual(Array.from(fixture.prob.slice(0, 4)));
  });

  it('raises ModelError carrying the container status 415 for an unparseable payload', async () => {
    const error = await client
      .send(new InvokeEndpointCommand({ EndpointName: 'sessions-first10', ContentType: 'text/csv', Body: '1,two,3,4' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).OriginalStatusCode).toBe(415);
    expect((error as ModelError).OriginalMessage).toContain('"two"');
    expect((error as ModelError).$metadata.httpStatusCode).toBe(424);
  });

  it('raises ModelError with status 400 when the label column is left in', async () => {
    const error = await client
      .send(new InvokeEndpointCommand({ EndpointName: 'sessions-first10', ContentType: 'text/csv', Body: '0,1,2,3,4' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).OriginalStatusCode).toBe(400);
  });

  it('raises ValidationError for an endpoint that does not exist', async () => {
    const error = await client
      .send(new InvokeEndpointCommand({ EndpointName: 'no-such-endpoint', ContentType: 'text/csv', Body: '1,2,3,4' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('no-such-endpoint');
  });
});
