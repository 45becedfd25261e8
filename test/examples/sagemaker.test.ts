import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/sagemaker.js';
import type { ExperimentRunResult } from '../../src/experiment/partial-session-experiment.js';
import { Booster } from '../../src/model/booster.js';
import { writeTarGz } from '../../src/model/model-tarball.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { runPython, xgboostUnavailable } from '../model/model-fixture-helpers.js';
import { startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from '../sagemaker/aws-test-env.js';

// SageMaker's documented image of the built-in XGBoost 1.7-1 container in us-east-1.
const XGBOOST_1_7_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

// The stand-in for SageMaker's XGBoost 1.7-1 container: XGBoost 1.7.4 itself (Debian's
// python3-xgboost). `train` reads the channel as the container does (CSV, label first) and saves
// the legacy binary `xgboost-model` the 1.7-1 container puts in model.tar.gz; `predict` answers
// an InvokeEndpoint body with str() of each probability, as the container's CSV output does.
const CONTAINER = `
import json, sys
import numpy as np
import xgboost as xgb
if sys.argv[1] == 'train':
    hp = json.loads(sys.argv[4])
    rounds = int(hp.pop('num_round'))
    booster = xgb.train(hp, xgb.DMatrix(sys.argv[2] + '?format=csv&label_column=0'), num_boost_round=rounds)
    booster.save_model(sys.argv[3])
else:
    rows = [[float('nan') if v == '' else float(v) for v in line.split(',')] for line in sys.stdin.read().strip().split('\\n')]
    scores = xgb.Booster(model_file=sys.argv[2]).predict(xgb.DMatrix(np.array(rows, dtype=np.float32), missing=np.nan))
    print('\\n'.join(str(float(p)) for p in scores))
`;
const unavailable = xgboostUnavailable();
if (unavailable !== null) console.warn(`examples/sagemaker.ts test skipped: ${unavailable}`);

/**
 * examples/sagemaker.ts against the loopback SageMaker control plane (real SageMakerClient and
 * SageMakerRuntimeClient) and s3rver (real S3Client). The loopback plays the container with real
 * XGBoost 1.7.4: a completed job trains on the CSV the example uploaded and stores model.tar.gz
 * where SageMaker would; an endpoint scores with XGBoost's own predictions. So the example's results
 * come from the reference, not from the library's trainer.
 */
describe.skipIf(unavailable !== null)(
  'examples/sagemaker.ts against the loopback SageMaker server with XGBoost 1.7.4 as the container (skipped without it)',
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ss-example-sm-'));
    const modelFiles = new Map<string, string>();
    const invocations: { endpoint: string; body: string; scores: string }[] = [];
    let env: AwsTestEnv;
    let result: ExperimentRunResult;
    const lines: string[] = [];

    beforeAll(async () => {
      generateLogs({ seed: 4, scale: 0.05, outDir: path.join(dir, 'data') });
      env = await startAwsTestEnv({
        loopback: {
          onTrainingJobCompleted: async (job) => {
            const channels = job.request.InputDataConfig as {
              ChannelName: string;
              DataSource: { S3DataSource: { S3Uri: string } };
            }[];
            const uri = channels.find((c) => c.ChannelName === 'train')!.DataSource.S3DataSource.S3Uri;
            const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri)!;
            const listed = await env.s3server.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
            const object = await env.s3server.s3.send(
              new GetObjectCommand({ Bucket: bucket, Key: listed.Contents![0]!.Key! }),
            );
            const channel = path.join(dir, `${job.name}-train.csv`);
            writeFileSync(channel, await object.Body!.transformToString());
            const modelFile = path.join(dir, `${job.name}-xgboost-model`);
            runPython(CONTAINER, ['train', channel, modelFile, JSON.stringify(job.request.HyperParameters)]);
            modelFiles.set(job.name, modelFile);
            const [, artifactBucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
            const artifact = writeTarGz([{ name: 'xgboost-model', data: readFileSync(modelFile) }]);
            await env.s3server.s3.send(new PutObjectCommand({ Bucket: artifactBucket, Key: key, Body: artifact }));
          },
          invoke: (endpointName, body) => {
            const scores = runPython(CONTAINER, ['predict', modelFiles.get(endpointName)!], body);
            invocations.push({ endpoint: endpointName, body, scores });
            return { status: 200, contentType: 'text/csv', body: scores };
          },
        },
      });
      result = await main({
        role: TEST_ROLE,
        bucket: TEST_BUCKET,
        dataDir: path.join(dir, 'data'),
        outDir: path.join(dir, 'out'),
        jobs: ['drop0', 'first5'],
        numRound: 5,
        backend: { ...env.clients, pollDelaySeconds: 0.005, maxPollDelaySeconds: 0.02 },
        log: (line) => lines.push(line),
      });
    }, 120_000);
    afterAll(async () => {
      await env?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('creates one training job per truncation on the XGBoost 1.7-1 image with the seed hyperparameters and CSV channels', () => {
      interface TrainingJobRequest {
        TrainingJobName: string;
        RoleArn: string;
        AlgorithmSpecification: { TrainingImage: string };
        HyperParameters: Record<string, string>;
        InputDataConfig: { ChannelName: string; ContentType: string }[];
      }
      const requests = env.loopback
        .requestsFor('CreateTrainingJob')
        .map((r) => r.body as unknown as TrainingJobRequest);
      expect(requests.map((r) => r.TrainingJobName).sort()).toEqual(['sm-partial-drop0', 'sm-partial-first5']);
      for (const r of requests) {
        expect(r.AlgorithmSpecification.TrainingImage).toBe(XGBOOST_1_7_IMAGE);
        expect(r.RoleArn).toBe(TEST_ROLE);
        expect(r.HyperParameters).toMatchObject({
          max_depth: '5',
          eta: '0.2',
          gamma: '4',
          min_child_weight: '6',
          subsample: '0.7',
          objective: 'binary:logistic',
          num_round: '5',
        });
        expect(r.InputDataConfig.map((c) => c.ChannelName).sort()).toEqual(['train', 'validation']);
        for (const c of r.InputDataConfig) expect(c.ContentType).toBe('text/csv');
      }
    });

    it('scores validation and test data through the endpoints and builds the comparison', () => {
      expect(result.failed).toEqual([]);
      expect(result.jobs.map((j) => j.name)).toEqual(['drop0', 'first5']);
      expect(env.loopback.requestsFor('InvokeEndpoint').length).toBeGreaterThanOrEqual(4);
      expect(result.comparisons[0]!.comparison.rows.map((r) => r.name)).toEqual([
        'drop0',
        'first5',
        'baseline (no attacks)',
      ]);
      expect(lines.some((l) => l.includes('TrainingJob  Completed'))).toBe(true);
    });

    it('loads the artifact XGBoost 1.7.4 wrote and predicts every invoked row as XGBoost answered, to the float32', async () => {
      expect(invocations.length).toBeGreaterThanOrEqual(4);
      for (const job of result.jobs) {
        const local = await Booster.loadFile(job.modelPath);
        const calls = invocations.filter((c) => c.endpoint === `sm-partial-${job.name}`);
        expect(calls.length, job.name).toBeGreaterThan(0);
        for (const call of calls) {
          const rows = call.body
            .trim()
            .split('\n')
            .map((l) => l.split(',').map((v) => (v === '' ? Number.NaN : Number(v))));
          const expected = call.scores.trim().split('\n').map(Number);
          expect(
            rows.map((r) => Math.fround(local.predictRow(r))),
            job.name,
          ).toEqual(expected.map((p) => Math.fround(p)));
        }
      }
    });

    it('deletes every endpoint, endpoint config and model it created', () => {
      const created = env.loopback
        .requestsFor('CreateEndpoint')
        .map((r) => r.body.EndpointName)
        .sort();
      expect(created).toEqual(['sm-partial-drop0', 'sm-partial-first5']);
      expect(
        env.loopback
          .requestsFor('DeleteEndpoint')
          .map((r) => r.body.EndpointName)
          .sort(),
      ).toEqual(created);
      expect(
        env.loopback
          .requestsFor('DeleteEndpointConfig')
          .map((r) => r.body.EndpointConfigName)
          .sort(),
      ).toEqual(created);
      expect(
        env.loopback
          .requestsFor('DeleteModel')
          .map((r) => r.body.ModelName)
          .sort(),
      ).toEqual(
        env.loopback
          .requestsFor('CreateModel')
          .map((r) => r.body.ModelName)
          .sort(),
      );
    });
  },
);
