/**
 * The SageMaker round trip on loopback servers: s3rver (real S3 protocol), the loopback SageMaker
 * control plane and the loopback CloudWatch Logs service, every request checked against botocore's
 * service models (Debian's python3-botocore). The "container" behind a training job is the
 * library's own LocalBackend: it reads the job's channels from s3rver, trains, and puts
 * model.tar.gz where SageMaker would, writing XGBoost's evaluation lines to the job's log stream.
 *
 * Steps: six truncation jobs' CSV channels written to S3 (the existing S3 data), six SageMaker
 * training jobs reading them in place (logs streamed), their endpoints deployed with retain: true,
 * one scored through a Predictor by a second process, a tuning job of 10 trials, then every
 * endpoint, config and model deleted by tag. Prints wall time per step, requests per resource,
 * requests checked and refused, and the resources left (must be 0).
 *
 *   npx tsx bench/sagemaker-round-trip.bench.ts
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Booster } from '../src/model/booster.js';
import { SageMakerBackend } from '../src/sagemaker/sagemaker-backend.js';
import { uploadFile } from '../src/sagemaker/s3-objects.js';
import { createSageMakerClients } from '../src/sagemaker/sagemaker-clients.js';
import { ActionVocabulary } from '../src/sessions/action-vocabulary.js';
import { ORIGINAL_JOB_NAMES, standardJobs } from '../src/sessions/job-grid.js';
import { prepareJobs } from '../src/sessions/prepare-jobs.js';
import { SessionFlattener } from '../src/sessions/session-flattener.js';
import { FrameSplitter } from '../src/split/frame-splitter.js';
import { writeCsvs } from '../src/split/write-csvs.js';
import { generateEvents } from '../src/synth/generate-events.js';
import { formatLogTsv, syntheticEventLog } from '../src/synth/synthetic-log.js';
import { readEventLog } from '../src/events/read-event-log.js';
import { LocalBackend } from '../src/train/local-backend.js';
import { SEED_HYPERPARAMETERS } from '../src/train/default-hyperparameters.js';
import { TrainRunner } from '../src/train/train-runner.js';
import { DUMMY_CREDENTIALS, startS3, TEST_BUCKET, TEST_ROLE } from '../test/sagemaker/aws-test-env.js';
import { LoopbackLogsServer } from '../test/sagemaker/loopback-logs-server.js';
import { LoopbackSageMakerServer, type TrainingJobState } from '../test/sagemaker/loopback-sagemaker-server.js';

const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-bench-sagemaker-'));
const load = os.loadavg()[0]!.toFixed(2);
const started = performance.now();
const phases: [string, number][] = [];
let mark = performance.now();
function phase(name: string): void {
  const now = performance.now();
  phases.push([name, now - mark]);
  mark = now;
}

// --- servers and clients ---
const s3server = await startS3();
const logs = new LoopbackLogsServer();
const logsClient = new CloudWatchLogsClient({
  endpoint: await logs.listen(),
  region: 'us-east-1',
  credentials: DUMMY_CREDENTIALS,
});
const container = new LocalBackend({ workDir: path.join(work, 'container'), workers: 1 });
const boosters = new Map<string, Booster>();
const finalMetrics = new Map<string, { MetricName: string; Value: number }[]>();

/** Plays the built-in XGBoost container: channels from S3, the library's trainer, the artifact to S3. */
async function trainInContainer(job: TrainingJobState): Promise<void> {
  const dir = path.join(work, 'jobs', job.name);
  const channels: Record<string, string> = {};
  for (const channel of job.request.InputDataConfig as {
    ChannelName: string;
    DataSource: { S3DataSource: { S3Uri: string } };
  }[]) {
    const [, bucket, prefix] = /^s3:\/\/([^/]+)\/(.*)$/.exec(channel.DataSource.S3DataSource.S3Uri)!;
    const listed = await s3server.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const into = path.join(dir, channel.ChannelName);
    mkdirSync(into, { recursive: true });
    for (const object of listed.Contents ?? []) {
      const body = await s3server.s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      writeFileSync(path.join(into, path.basename(object.Key!)), await body.Body!.transformToByteArray());
    }
    channels[channel.ChannelName] = into;
  }
  const hyperparameters = Object.fromEntries(
    Object.entries(job.request.HyperParameters as Record<string, string>).filter(([k]) => !k.startsWith('_')),
  );
  const stream = `${job.name}/algo-1-1700000000`;
  let last: Record<string, number> = {};
  await container.startTrainingJob(
    {
      name: job.name,
      channels: { train: channels.train!, ...(channels.validation ? { validation: channels.validation } : {}) },
      hyperparameters,
    },
    {
      onState: (_state, _detail, training) => {
        if (training === undefined) return;
        last = training.metrics;
        const fields = Object.entries(training.metrics).map(([name, value]) => `#011${name}:${value.toFixed(5)}`);
        logs.append('/aws/sagemaker/TrainingJobs', stream, [
          { timestamp: Date.now(), message: `[${training.round - 1}]${fields.join('')}` },
        ]);
      },
    },
  );
  const outcome = await container.waitForTrainingJob(job.name);
  if (outcome.status !== 'Completed') throw new Error(`${job.name}: ${outcome.status}`);
  const bytes = await container.downloadArtifact(outcome.artifact);
  boosters.set(job.artifact, Booster.fromTarGz(bytes));
  finalMetrics.set(
    job.name,
    Object.entries(last).map(([name, value]) => ({ MetricName: name.replace('-', ':'), Value: value })),
  );
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(job.artifact)!;
  await s3server.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
}

const loopback: LoopbackSageMakerServer = new LoopbackSageMakerServer({
  trainingDescribes: 1,
  tuningDescribes: 1,
  onTrainingJobCompleted: trainInContainer,
  finalMetrics: (job) => finalMetrics.get(job.name) ?? [],
  invoke: (endpointName, body): { status: number; contentType: string; body: string } => {
    const config = loopback.endpointConfigs.get(loopback.endpoints.get(endpointName)!.configName)!;
    const modelName = (config.ProductionVariants as { ModelName: string }[])[0]!.ModelName;
    const artifact: string = (loopback.models.get(modelName)!.PrimaryContainer as { ModelDataUrl: string })
      .ModelDataUrl;
    const booster: Booster = boosters.get(artifact)!;
    const lines = body.trim().split('\n');
    const columns = lines[0]!.split(',').length;
    const scores: Float32Array = booster.predict({
      data: Float64Array.from(lines.flatMap((l) => l.split(',').map((v) => (v === '' ? Number.NaN : Number(v))))),
      rows: lines.length,
      columns,
    });
    return { status: 200, contentType: 'text/csv', body: `${Array.from(scores, String).join('\n')}\n` };
  },
});
const url = await loopback.listen();
const clients = createSageMakerClients({
  region: 'us-east-1',
  credentials: DUMMY_CREDENTIALS,
  endpoints: { sagemaker: url, runtime: url },
});
clients.s3.destroy();
const tag = { bench: `round-trip-${Date.now()}` };
const backend = new SageMakerBackend({
  role: TEST_ROLE,
  bucket: TEST_BUCKET,
  prefix: 'bench',
  sagemaker: clients.sagemaker,
  runtime: clients.runtime,
  s3: s3server.s3,
  pollDelaySeconds: 0.05,
  maxPollDelaySeconds: 0.2,
  logPollSeconds: 0.25,
  tags: tag,
  logs: true,
  cloudWatchLogs: logsClient,
});
phase('servers up');

// --- the data: six truncation jobs' channels, written to S3 once (the existing data) ---
// The logs as the user keeps them: TSV objects on S3 (the training log as a prefix of two parts),
// read back with readEventLog, streamed from s3rver.
const trainEvents = generateEvents({ seed: 2019, events: 40_000 });
const testEvents = generateEvents({
  seed: 2020,
  sessions: 1_000,
  attackerEventShare: 0.01,
  firstSessionNo: 50_000_000,
});
const trainTsv = formatLogTsv(trainEvents);
const cut = trainTsv.indexOf('\n', trainTsv.length >> 1) + 1;
const header = trainTsv.slice(0, trainTsv.indexOf('\n') + 1);
const logObjects: [string, string][] = [
  ['logs/train/part-1.tsv', trainTsv.slice(0, cut)],
  ['logs/train/part-2.tsv', header + trainTsv.slice(cut)],
  ['logs/test-day.tsv', formatLogTsv(testEvents)],
];
for (const [key, body] of logObjects)
  await s3server.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body }));
const s3Read = { s3: { client: s3server.s3 } };
const trainLog = await readEventLog(`s3://${TEST_BUCKET}/logs/train/`, s3Read);
const testLog = await readEventLog(`s3://${TEST_BUCKET}/logs/test-day.tsv`, s3Read);
const inMemory = syntheticEventLog(trainEvents, 'synthetic-train');
if (
  trainLog.eventCount !== inMemory.eventCount ||
  trainLog.sessionCount !== inMemory.sessionCount ||
  testLog.eventCount !== testEvents.eventCount
)
  throw new Error('the logs read from S3 are not the generated ones');
phase(`logs read from S3 (${trainLog.eventCount + testLog.eventCount} events, ${logObjects.length} objects)`);
const flattener = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs([trainLog, testLog]) });
const jobs = standardJobs({ names: ORIGINAL_JOB_NAMES });
const trainFrames = prepareJobs(trainLog, jobs, flattener);
const splitter = new FrameSplitter({ label: 'BadActor', drop: ['SessionNo'] });
const files = await writeCsvs(
  [...trainFrames].map(([name, frame]) => ({
    name,
    source: 'synthetic-train',
    split: splitter.split(frame, { train: 0.8, validation: 0.2, test: 0, seed: 42 }),
  })),
  path.join(work, 'csv'),
);
const s3Jobs = [];
for (const file of files) {
  for (const channel of ['train', 'validation'] as const) {
    const local = file[channel];
    if (local !== undefined)
      await uploadFile(s3server.s3, local, `s3://${TEST_BUCKET}/data/${file.name}/${channel}/${channel}.csv`);
  }
  s3Jobs.push({
    name: file.name,
    train: `s3://${TEST_BUCKET}/data/${file.name}/train/`,
    validation: `s3://${TEST_BUCKET}/data/${file.name}/validation/`,
  });
}
const firstJob = jobs[0]!.name;
// The scored rows: the first job's validation rows without their label.
const csvRows = readFileSync(files[0]!.validation!, 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => line.slice(line.indexOf(',') + 1));
phase('six jobs’ channels written to S3');

// --- six training jobs from the S3 channels, logs streamed ---
let logLines = 0;
const runner = new TrainRunner({
  backend,
  prefix: 'rt',
  hyperparameters: { ...SEED_HYPERPARAMETERS, num_round: 20 },
  onProgress: (event) => {
    if (event.resource === 'TrainingLog' && event.log?.kind === 'log') logLines++;
  },
});
await runner.startJobs(s3Jobs);
const trained = await runner.waitForJobs();
if (trained.failed.length > 0) throw new Error(`training failed: ${JSON.stringify(trained.failed)}`);
phase('six training jobs (from S3 channels, logs streamed)');

// --- retained endpoints; one scored by a second process through Predictor ---
await runner.createModels();
await runner.createEndpoints({ retain: true, tags: tag });
const ready = await runner.waitForEndpoints();
if (ready.failed.length > 0) throw new Error(`endpoints failed: ${JSON.stringify(ready.failed)}`);
await runner.close();
phase('six endpoints deployed (retain: true), runner closed');
const endpointName = ready.succeeded[0]!.endpointName;
const child = await execFileAsync(
  process.execPath,
  [
    '--import',
    'tsx',
    path.join(here, '../test/sagemaker/predict-in-child.ts'),
    url,
    endpointName,
    `${csvRows.join('\n')}\n`,
  ],
  { maxBuffer: 64 * 1024 * 1024 },
);
const childScores = JSON.parse(child.stdout) as number[];
phase(`Predictor in a second process (${childScores.length} rows)`);

// --- a tuning job of 10 trials over the first job's S3 channels ---
await backend.startTuningJob({
  name: 'rt-tune',
  channels: { train: s3Jobs[0]!.train, validation: s3Jobs[0]!.validation },
  hyperparameters: { num_round: '20', objective: 'binary:logistic', eval_metric: 'auc' },
  space: { max_depth: { min: 2, max: 6 }, eta: { min: 0.05, max: 0.5, scale: 'log' } },
  objectiveMetric: 'validation:auc',
  maxJobs: 10,
  maxParallelJobs: 2,
});
const tuning = await backend.waitForTuningJob('rt-tune');
phase(`tuning job, 10 trials (${tuning.status})`);

// --- everything deleted by tag ---
const deleted = await backend.deleteTaggedResources({ tags: tag, withModels: true });
phase('deleted by tag');
const totalMs = performance.now() - started;

// --- the figures ---
const left = loopback.live();
const running = [...loopback.trainingJobs.values()].filter((j) => j.status === 'InProgress').length;
const byResource = new Map<string, number>();
const resourceOf = (operation: string): string =>
  operation === 'InvokeEndpoint'
    ? 'runtime'
    : /HyperParameterTuningJob/.test(operation)
      ? 'tuning job'
      : /TrainingJob/.test(operation)
        ? 'training job'
        : /EndpointConfig/.test(operation)
          ? 'endpoint config'
          : /Endpoint$|Endpoints$/.test(operation)
            ? 'endpoint'
            : /Model/.test(operation)
              ? 'model'
              : operation === 'ListTags'
                ? 'tags'
                : operation;
for (const request of loopback.requests) {
  const key = `${resourceOf(request.operation)}|${request.operation}`;
  byResource.set(key, (byResource.get(key) ?? 0) + 1);
}
const checked = loopback.requests.filter((r) => r.checked).length + logs.requests.filter((r) => r.checked).length;
const refused = loopback.malformed().length + logs.malformed().length;
const total = loopback.requests.length + logs.requests.length;
let commit = 'unknown';
try {
  commit = (await execFileAsync('git', ['rev-parse', '--short', 'HEAD'], { cwd: here })).stdout.trim();
} catch {
  // Not a git checkout: the commit stays unknown.
}

const out: string[] = [];
out.push('## SageMaker round trip on loopback servers (issue 16)');
out.push('');
out.push(
  `Commit ${commit}, ${new Date().toISOString().slice(0, 10)}; 1-minute load average ${load} at the start on ${os.availableParallelism()} cores. ` +
    's3rver, the loopback SageMaker control plane and CloudWatch Logs service, the real AWS SDK v3 clients; ' +
    "each training job's container is the library's LocalBackend reading the channels from s3rver. " +
    `Six jobs of ~${trainFrames.get(firstJob)!.rowCount} sessions (synthetic log of 40K events), num_round 20. ` +
    'The logs are written to s3rver as TSV objects (the training log as a prefix of two parts) and read back with readEventLog.',
);
out.push('');
out.push('| step | wall time |');
out.push('|---|---:|');
for (const [name, ms] of phases) out.push(`| ${name} | ${(ms / 1000).toFixed(2)} s |`);
out.push(`| **total** | **${(totalMs / 1000).toFixed(2)} s** |`);
out.push('');
out.push(
  `Training log lines streamed to the listener: ${logLines}. Predictor in the second process scored ${childScores.length} rows. ` +
    `Tuning: ${tuning.counts.completed} trials completed; best ${tuning.best?.trainingJobName ?? 'none'} ` +
    `(${tuning.best?.metric ?? ''} ${tuning.best?.value ?? ''}). Deleted by tag: ${deleted.endpoints.length} endpoints, ` +
    `${deleted.endpointConfigs.length} endpoint configs, ${deleted.models.length} models.`,
);
out.push('');
out.push('| resource | operation | requests |');
out.push('|---|---|---:|');
for (const [key, count] of [...byResource].sort()) {
  const [resource, operation] = key.split('|');
  out.push(`| ${resource} | ${operation} | ${count} |`);
}
for (const operation of [...new Set(logs.requests.map((r) => r.operation))].sort())
  out.push(`| CloudWatch Logs | ${operation} | ${logs.requests.filter((r) => r.operation === operation).length} |`);
out.push(`| S3 (s3rver) | all commands | ${s3server.commands.length} |`);
out.push('');
out.push(
  `Requests to SageMaker, SageMaker Runtime and CloudWatch Logs: ${total}; checked against botocore's service models: ${checked}; ` +
    `refused as malformed: ${refused}. Left after the run: ${left.endpoints.length} endpoints, ${left.endpointConfigs.length} endpoint configs, ` +
    `${left.models.length} models, ${running} training jobs running.`,
);
process.stdout.write(`${out.join('\n')}\n`);

logsClient.destroy();
clients.sagemaker.destroy();
clients.runtime.destroy();
await backend.close();
await container.close();
await logs.close();
await loopback.close();
await s3server.close();
rmSync(work, { recursive: true, force: true });
if (refused > 0 || left.endpoints.length + left.endpointConfigs.length + left.models.length > 0) process.exitCode = 1;
