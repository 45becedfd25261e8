import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createSageMakerClients, type SageMakerClients } from '../../src/sagemaker/sagemaker-clients.js';
import { LoopbackSageMakerServer, type LoopbackSageMakerOptions } from './loopback-sagemaker-server.js';

/**
 * Real parts on loopback for the SageMaker tests: `s3rver` (an S3-protocol server from npm) in a
 * temporary directory, the {@link LoopbackSageMakerServer} control plane, and the real AWS SDK v3
 * clients pointed at them with dummy credentials.
 */

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
}) => S3rverInstance;

// s3rver ships no type declarations; it is loaded through require with the shape used here.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export const TEST_BUCKET = 'sentry-test-bucket';
export const TEST_ROLE = 'arn:aws:iam::123456789012:role/SageMakerSentry';
// s3rver's built-in test key pair; the loopback control plane accepts any signed request.
export const DUMMY_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A running s3rver with a client and a log of the S3 commands the client sent. */
export interface S3TestServer {
  readonly url: string;
  readonly s3: S3Client;
  readonly commands: string[];
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 (ephemeral port, temporary directory) and creates {@link TEST_BUCKET}. */
export async function startS3(): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(tmpdir(), 'sentry-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
  const { port } = await server.run();
  const url = `http://127.0.0.1:${port}`;
  const { s3, sagemaker, runtime } = createSageMakerClients({
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    endpoints: { s3: url },
    forcePathStyle: true,
  });
  sagemaker.destroy();
  runtime.destroy();
  const commands: string[] = [];
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  await s3.send(new CreateBucketCommand({ Bucket: TEST_BUCKET }));
  commands.length = 0;
  return {
    url,
    s3,
    commands,
    async close() {
      s3.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver, the loopback control plane, and clients for both (runtime pointed at `runtimeUrl` or the
 * loopback server). The control plane checks every request against botocore's service model, and
 * `close()` fails when any request broke it.
 */
export interface AwsTestEnv {
  readonly s3server: S3TestServer;
  readonly loopback: LoopbackSageMakerServer;
  readonly clients: SageMakerClients;
  close(): Promise<void>;
}

export async function startAwsTestEnv(
  options: {
    loopback?: LoopbackSageMakerOptions;
    maxAttempts?: number;
    runtimeUrl?: string;
    /** The test sends malformed requests on purpose; close() does not fail on them. */
    allowMalformed?: boolean;
  } = {},
): Promise<AwsTestEnv> {
  const s3server = await startS3();
  const loopback = new LoopbackSageMakerServer(options.loopback);
  const url = await loopback.listen();
  const created = createSageMakerClients({
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: options.maxAttempts ?? 5,
    endpoints: { sagemaker: url, runtime: options.runtimeUrl ?? url },
  });
  created.s3.destroy();
  const clients = { sagemaker: created.sagemaker, runtime: created.runtime, s3: s3server.s3 };
  return {
    s3server,
    loopback,
    clients,
    async close() {
      clients.sagemaker.destroy();
      clients.runtime.destroy();
      await loopback.close();
      await s3server.close();
      // A request botocore's service model refuses is a bug of the code under test, even when the
      // test went on to pass (a ValidationException read as "not found", say).
      const malformed = loopback.malformed();
      if (malformed.length > 0 && !options.allowMalformed)
        throw new Error(
          `requests botocore's SageMaker model refuses:\n${malformed.map((r) => `  ${r.operation}: ${r.problems.join('; ')}`).join('\n')}`,
        );
    },
  };
}
