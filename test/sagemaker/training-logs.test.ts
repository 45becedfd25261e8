import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SageMakerBackend } from '../../src/sagemaker/sagemaker-backend.js';
import { parseXgboostRound, TRAINING_LOG_GROUP, TrainingLogTail } from '../../src/sagemaker/training-logs.js';
import type { ProgressEvent, TrainingLogEntry, TrainingProgress } from '../../src/train/progress.js';
import { TrainRunner } from '../../src/train/train-runner.js';
import type { ResourceState } from '../../src/train/backend.js';
import { runPython, xgboostUnavailable } from '../model/model-fixture-helpers.js';
import { DUMMY_CREDENTIALS, startAwsTestEnv, TEST_BUCKET, TEST_ROLE, type AwsTestEnv } from './aws-test-env.js';
import { LoopbackLogsServer } from './loopback-logs-server.js';
import type { LoopbackSageMakerOptions, TrainingJobState } from './loopback-sagemaker-server.js';
import { loadArtifactFixture } from './xgboost-fixture.js';

/**
 * Training logs and metrics as the SageMaker Python SDK's `logs=True` shows them: the real
 * CloudWatchLogsClient against a loopback CloudWatch Logs server (requests checked against
 * botocore's `logs` model), the real SageMakerClient against the loopback control plane. The
 * reading order is the SDK's (`sagemaker/logs.py`: `multi_stream_iter`, `log_stream` with
 * `(timestamp, skip)` positions; `session.py`: `_flush_log_streams`, one more read after the job
 * ends, training and billable seconds times the instance count).
 */

const fixture = loadArtifactFixture();

let logs: LoopbackLogsServer;
let logsClient: CloudWatchLogsClient;
let dir: string;
let train: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sentry-training-logs-'));
  train = path.join(dir, 'train.csv');
  await writeFile(train, `${fixture.labelledRows.join('\n')}\n`);
});
afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

let env: AwsTestEnv | undefined;
async function startLogs(pageSize = 10_000): Promise<void> {
  logs = new LoopbackLogsServer({ pageSize });
  logsClient = new CloudWatchLogsClient({
    endpoint: await logs.listen(),
    region: 'us-east-1',
    credentials: DUMMY_CREDENTIALS,
    maxAttempts: 1,
  });
}
afterEach(async () => {
  logsClient?.destroy();
  await logs?.close();
  expect(logs.malformed(), "requests botocore's logs model refuses").toEqual([]);
  await env?.close();
  env = undefined;
});

const message = (entries: readonly TrainingLogEntry[]): string[] =>
  entries.flatMap((e) => (e.kind === 'log' ? [`${e.instance}:${e.message}`] : []));

describe('TrainingLogTail (CloudWatch Logs, read as the SageMaker Python SDK reads them)', () => {
  it('merges the streams of every instance in timestamp order, ties in stream order, across GetLogEvents pages', async () => {
    await startLogs(2);
    logs.append(TRAINING_LOG_GROUP, 'job-1/algo-2-1700000000', [
      { timestamp: 1000, message: 'b1' },
      { timestamp: 3000, message: 'b3' },
      { timestamp: 3000, message: 'b3bis' },
    ]);
    logs.append(TRAINING_LOG_GROUP, 'job-1/algo-1-1700000000', [
      { timestamp: 1000, message: 'a1' },
      { timestamp: 2000, message: 'a2' },
      { timestamp: 4000, message: 'a4' },
    ]);
    // Another job's stream with a name sharing the prefix without the slash is not read.
    logs.append(TRAINING_LOG_GROUP, 'job-10/algo-1-1700000000', [{ timestamp: 1500, message: 'other job' }]);
    const tail = new TrainingLogTail(logsClient, 'job-1', { instanceCount: 2 });
    expect(message(await tail.flush())).toEqual(['0:a1', '1:b1', '0:a2', '1:b3', '1:b3bis', '0:a4']);
    expect(tail.streams).toEqual(['job-1/algo-1-1700000000', 'job-1/algo-2-1700000000']);
    const describe = logs.requests.find((r) => r.operation === 'DescribeLogStreams')!;
    expect(describe.body).toEqual({
      logGroupName: '/aws/sagemaker/TrainingJobs',
      logStreamNamePrefix: 'job-1/',
      orderBy: 'LogStreamName',
      limit: 2,
    });
    expect(describe.checked || !logs.checksRequests).toBe(true);
  });

  it('reads only what is new on the next flush, including a line at the timestamp it stopped at (skip count)', async () => {
    await startLogs(2);
    const stream = 'job-2/algo-1-1700000000';
    logs.append(TRAINING_LOG_GROUP, stream, [
      { timestamp: 1000, message: 'one' },
      { timestamp: 2000, message: 'two' },
    ]);
    const tail = new TrainingLogTail(logsClient, 'job-2');
    expect(message(await tail.flush())).toEqual(['0:one', '0:two']);
    expect(message(await tail.flush())).toEqual([]);
    logs.append(TRAINING_LOG_GROUP, stream, [
      { timestamp: 2000, message: 'two again' },
      { timestamp: 5000, message: 'five' },
    ]);
    expect(message(await tail.flush())).toEqual(['0:two again', '0:five']);
    // Streams are looked up only until there is one per instance.
    expect(logs.requests.filter((r) => r.operation === 'DescribeLogStreams')).toHaveLength(1);
    const reads = logs.requests.filter((r) => r.operation === 'GetLogEvents');
    expect(reads.at(-1)?.body).toMatchObject({ logStreamName: stream, startTime: 2000, startFromHead: true });
  });

  it('reads nothing, without error, while the log group does not exist yet (an account’s first job)', async () => {
    await startLogs();
    const tail = new TrainingLogTail(logsClient, 'job-3');
    expect(await tail.flush()).toEqual([]);
    expect(logs.requests.map((r) => [r.operation, r.status])).toEqual([['DescribeLogStreams', 400]]);
  });
});

const unavailable = xgboostUnavailable();
describe('parseXgboostRound', () => {
  it.skipIf(unavailable !== null)(
    `reads the evaluation lines XGBoost 1.7.4 prints, with the tabs CloudWatch shows as #011${unavailable === null ? '' : ` (SKIPPED: ${unavailable})`}`,
    () => {
      const out = runPython(
        `
import io, json, sys, contextlib
import numpy as np, xgboost as xgb
rows = np.loadtxt(sys.argv[1], delimiter=',')
d = xgb.DMatrix(rows[:, 1:], label=rows[:, 0])
result = {}
buffer = io.StringIO()
with contextlib.redirect_stdout(buffer):
    xgb.train({'objective': 'binary:logistic', 'eval_metric': ['logloss', 'auc'], 'max_depth': 2}, d, 3,
              evals=[(d, 'train'), (d, 'validation')], evals_result=result, verbose_eval=True)
print(json.dumps({'lines': buffer.getvalue().splitlines(), 'result': result}))
`,
        [train],
      );
      const { lines, result } = JSON.parse(out.trim().split('\n').at(-1)!) as {
        lines: string[];
        result: Record<string, Record<string, number[]>>;
      };
      expect(lines).toHaveLength(3);
      for (const [i, line] of lines.entries()) {
        const parsed = parseXgboostRound(line.replaceAll('\t', '#011'), 3)!;
        expect(parsed.round).toBe(i + 1);
        expect(parsed.rounds).toBe(3);
        for (const set of ['train', 'validation'])
          for (const metric of ['logloss', 'auc'])
            expect(parsed.metrics[`${set}-${metric}`]).toBeCloseTo(result[set]![metric]![i]!, 4);
      }
    },
  );

  it('leaves every other container line alone', () => {
    expect(parseXgboostRound('[2026-12-06 15:00:00.000 ip-10-0-0-1:7 INFO train.py:20] Running XGBoost', 5)).toBe(
      undefined,
    );
    expect(parseXgboostRound('Arguments: train', 5)).toBe(undefined);
    expect(parseXgboostRound('[3]', 5)).toBe(undefined);
  });
});

describe('SageMakerBackend with logs: true', () => {
  async function runJob(
    loopback: LoopbackSageMakerOptions,
    options: { instanceCount?: number; logsClient?: CloudWatchLogsClient } = {},
  ) {
    let current: AwsTestEnv | undefined;
    current = await startAwsTestEnv({
      loopback: {
        trainingDescribes: 3,
        ...loopback,
        onTrainingJobCompleted: async (job) => {
          const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
          await current!.s3server.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fixture.tarGz }));
          await loopback.onTrainingJobCompleted?.(job);
        },
      },
    });
    env = current;
    const backend = new SageMakerBackend({
      role: TEST_ROLE,
      bucket: TEST_BUCKET,
      prefix: 'logs',
      ...current.clients,
      pollDelaySeconds: 0.005,
      maxPollDelaySeconds: 0.01,
      logs: true,
      cloudWatchLogs: options.logsClient ?? logsClient,
      ...(options.instanceCount !== undefined ? { instanceCount: options.instanceCount } : {}),
    });
    await backend.startTrainingJob({ name: 'logs-job', channels: { train }, hyperparameters: { num_round: '3' } });
    const entries: TrainingLogEntry[] = [];
    const states: [ResourceState, string | undefined, TrainingProgress | undefined][] = [];
    const outcome = await backend.waitForTrainingJob('logs-job', {
      onLog: (entry) => entries.push(entry),
      onState: (state, detail, training) => states.push([state, detail, training]),
    });
    await backend.close();
    return { outcome, entries, states };
  }

  /** Writes one XGBoost evaluation line per Describe while the job trains, as the container would. */
  function writeRounds(instances = 1): (job: TrainingJobState) => void {
    let round = 0;
    return (job) => {
      if (job.status !== 'InProgress' || round >= 3) return;
      for (let i = 1; i <= instances; i++)
        logs.append(TRAINING_LOG_GROUP, `${job.name}/algo-${i}-1700000000`, [
          {
            timestamp: 1_700_000_100_000 + round * 1000 + i,
            message: `[${round}]#011train-logloss:0.${6 - round}#011validation-logloss:0.${7 - round}`,
          },
        ]);
      round++;
    };
  }

  it('streams the log lines as the job runs, reports rounds from XGBoost’s evaluation lines, the status transitions, and the final metrics with training and billable seconds', async () => {
    await startLogs();
    const { outcome, entries, states } = await runJob({
      onTrainingJobDescribed: writeRounds(),
      onTrainingJobCompleted: (job) =>
        logs.append(TRAINING_LOG_GROUP, `${job.name}/algo-1-1700000000`, [
          { timestamp: 1_700_000_200_000, message: 'Training job finished: model saved' },
        ]),
      finalMetrics: () => [
        { MetricName: 'validation:logloss', Value: 0.5 },
        { MetricName: 'train:logloss', Value: 0.4 },
      ],
    });
    expect(outcome).toMatchObject({
      status: 'Completed',
      metrics: { 'validation:logloss': 0.5, 'train:logloss': 0.4 },
    });
    const lines = message(entries);
    expect(lines.slice(0, 2)).toEqual([
      '0:[0]#011train-logloss:0.6#011validation-logloss:0.7',
      '0:[1]#011train-logloss:0.5#011validation-logloss:0.6',
    ]);
    // The line written as the job completed comes from the read after the job ended.
    expect(lines.at(-1)).toBe('0:Training job finished: model saved');
    const statuses = entries.flatMap((e) => (e.kind === 'status' ? [`${e.status} - ${e.message}`] : []));
    expect(statuses).toEqual([
      'Starting - Launching requested ML instances',
      'Training - Training image download completed. Training in progress.',
      'Completed - Training job completed',
    ]);
    expect(entries.at(-1)).toEqual({
      kind: 'metrics',
      metrics: { 'validation:logloss': 0.5, 'train:logloss': 0.4 },
      trainingSeconds: 120,
      billableSeconds: 120,
    });
    const progress = states.flatMap(([, , training]) => (training === undefined ? [] : [training]));
    expect(progress[0]).toEqual({ round: 1, rounds: 3, metrics: { 'train-logloss': 0.6, 'validation-logloss': 0.7 } });
    expect(progress.every((p) => p.rounds === 3)).toBe(true);
  });

  it('reads one stream per instance and counts training and billable seconds for every instance', async () => {
    await startLogs();
    const { entries } = await runJob({ onTrainingJobDescribed: writeRounds(2) }, { instanceCount: 2 });
    const instances = new Set(entries.flatMap((e) => (e.kind === 'log' ? [e.instance] : [])));
    expect([...instances].sort()).toEqual([0, 1]);
    expect(entries.at(-1)).toMatchObject({ kind: 'metrics', trainingSeconds: 240, billableSeconds: 240 });
  });

  it('reaches the TrainRunner’s listener as TrainingLog events that leave the job’s own events alone', async () => {
    await startLogs();
    let current: AwsTestEnv | undefined;
    current = await startAwsTestEnv({
      loopback: {
        trainingDescribes: 3,
        onTrainingJobDescribed: writeRounds(),
        onTrainingJobCompleted: async (job) => {
          const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
          await current!.s3server.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: fixture.tarGz }));
        },
        finalMetrics: () => [{ MetricName: 'validation:logloss', Value: 0.5 }],
      },
    });
    env = current;
    const events: ProgressEvent[] = [];
    const backend = new SageMakerBackend({
      role: TEST_ROLE,
      bucket: TEST_BUCKET,
      ...current.clients,
      pollDelaySeconds: 0.005,
      maxPollDelaySeconds: 0.01,
      logs: true,
      cloudWatchLogs: logsClient,
    });
    const runner = new TrainRunner({ backend, prefix: 'run', onProgress: (e) => events.push(e) });
    await runner.startJobs([{ name: 'first-5', train, hyperparameters: { num_round: 3 } }]);
    const trained = await runner.waitForJobs();
    expect(trained.failed).toEqual([]);
    await runner.close();
    const logEvents = events.filter((e) => e.resource === 'TrainingLog');
    expect(logEvents.every((e) => e.job === 'first-5' && e.name === 'run-first-5' && e.state === 'InProgress')).toBe(
      true,
    );
    expect(logEvents.map((e) => e.log?.kind)).toContain('log');
    expect(logEvents.at(-1)?.log).toMatchObject({ kind: 'metrics', metrics: { 'validation:logloss': 0.5 } });
    const jobStates = events.filter((e) => e.resource === 'TrainingJob').map((e) => e.state);
    expect(jobStates.filter((state) => state === 'Completed')).toHaveLength(1);
  });

  it('goes on training and says so once when CloudWatch Logs cannot be read', async () => {
    await startLogs();
    const closed = new CloudWatchLogsClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 1,
    });
    const { outcome, entries } = await runJob({}, { logsClient: closed });
    closed.destroy();
    expect(outcome.status).toBe('Completed');
    const unavailableLines = entries.filter((e) => e.kind === 'status' && e.status === 'LogsUnavailable');
    expect(unavailableLines).toHaveLength(1);
    expect(unavailableLines[0]).toMatchObject({ message: expect.stringContaining('DescribeLogStreams') });
  });
});
