/**
 * The LocalBackend plays SageMaker's round trip on this machine: training jobs on the CSV channels
 * SageMaker reads, `model.tar.gz` artifacts shaped like the 1.7-1 container's, endpoints speaking
 * the container contract, batch transform writing `<input>.out`. The differential test checks the
 * promise "local = SageMaker" against Debian's XGBoost 1.7.4 (the version inside `1.7-1`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { Booster } from '../../src/model/booster.js';
import { parseScores } from '../../src/serve/parse-scores.js';
import { SEED_HYPERPARAMETERS } from '../../src/train/default-hyperparameters.js';
import { LocalBackend } from '../../src/train/local-backend.js';
import { EndpointInvocationError, ResourceStateError } from '../../src/train/train-errors.js';
import { makeTempDir, writeCsvSet, type CsvSet } from './make-csv.js';

const PYTHON = '/usr/bin/python3';
const hasXgboost =
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import xgboost, numpy; assert xgboost.__version__ == "1.7.4"'], { encoding: 'utf8' })
    .status === 0;

const root = makeTempDir('local-backend');
const workDir = path.join(root, 'work');
let set: CsvSet;
let backend: LocalBackend;

beforeAll(async () => {
  set = writeCsvSet(root, 'data', 101);
  backend = new LocalBackend({ workDir, workers: 2 });
  await backend.startTrainingJob({
    name: 'job-a',
    channels: { train: set.train, validation: set.validation },
    hyperparameters: SEED_HYPERPARAMETERS,
  });
  const outcome = await backend.waitForTrainingJob('job-a');
  if (outcome.status !== 'Completed') throw new Error(`training failed: ${outcome.reason}`);
  await backend.createModel('model-a', outcome.artifact);
  await backend.createEndpoint('endpoint-a', 'model-a');
});

afterAll(async () => {
  await backend.close();
  rmSync(root, { recursive: true, force: true });
});

function testInput(s: CsvSet) {
  return { data: Float64Array.from(s.testMatrix.flat()), rows: s.testMatrix.length, columns: 5 };
}

describe('LocalBackend training jobs', () => {
  it('writes <workDir>/<job>/output/model.tar.gz holding xgboost-model (legacy binary) and model.json', async () => {
    const outcome = await backend.waitForTrainingJob('job-a');
    expect(outcome).toMatchObject({
      status: 'Completed',
      jobName: 'job-a',
      artifact: path.join(workDir, 'job-a', 'output', 'model.tar.gz'),
    });
    const tar = gunzipSync(readFileSync(path.join(workDir, 'job-a', 'output', 'model.tar.gz')));
    // ustar header: member name in the first 100 bytes; the legacy binary starts with "binf".
    expect(tar.subarray(0, 100).toString('latin1').replace(/\0+$/, '')).toBe('xgboost-model');
    expect(tar.subarray(512, 516).toString('latin1')).toBe('binf');
    const json = JSON.parse(readFileSync(path.join(workDir, 'job-a', 'output', 'model.json'), 'utf8')) as {
      version: number[];
    };
    expect(json.version).toEqual([1, 7, 4]);
    expect(backend.trainingDetails('job-a')?.threadId).toBeGreaterThan(0);
    expect(backend.trainingMode).toBe('worker');
  });

  it('reports a job with a malformed channel as Failed with the file, line and column', async () => {
    const bad = path.join(root, 'bad.csv');
    writeFileSync(bad, '1,2,3\n0,2,x\n');
    await backend.startTrainingJob({
      name: 'job-bad',
      channels: { train: bad },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    const outcome = await backend.waitForTrainingJob('job-bad');
    expect(outcome.status).toBe('Failed');
    expect(outcome.status === 'Failed' && outcome.reason).toContain(`${bad}:2:3: field is not a number "x"`);
  });

  it('reports a bad hyperparameter as Failed with its name and value', async () => {
    await backend.startTrainingJob({
      name: 'job-eta',
      channels: { train: set.train },
      hyperparameters: { ...SEED_HYPERPARAMETERS, eta: '-1' },
    });
    const outcome = await backend.waitForTrainingJob('job-eta');
    expect(outcome.status === 'Failed' && outcome.reason).toMatch(/eta: must be .*got "-1"/);
  });

  it('stops a running job on request (status Stopped)', async () => {
    await backend.startTrainingJob({
      name: 'job-long',
      channels: { train: set.train },
      hyperparameters: { ...SEED_HYPERPARAMETERS, num_round: '100000' },
    });
    await backend.stopTrainingJob('job-long');
    const outcome = await backend.waitForTrainingJob('job-long');
    expect(outcome.status).toBe('Stopped');
  });

  it('reads a channel folder like SageMaker: files in name order, names starting with . or _ skipped', async () => {
    const folder = path.join(root, 'channel');
    const lines = readFileSync(set.train, 'utf8').trim().split('\n');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'part-1.csv'), `${lines.slice(0, 150).join('\n')}\n`);
    writeFileSync(path.join(folder, 'part-2.csv'), `${lines.slice(150).join('\n')}\n`);
    writeFileSync(path.join(folder, '_SUCCESS'), 'not,a,csv\n');
    writeFileSync(path.join(folder, '.hidden.csv'), 'x\n');
    await backend.startTrainingJob({
      name: 'job-folder',
      channels: { train: folder },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    await backend.startTrainingJob({
      name: 'job-file',
      channels: { train: set.train },
      hyperparameters: SEED_HYPERPARAMETERS,
    });
    const [fromFolder, fromFile] = await Promise.all([
      backend.waitForTrainingJob('job-folder'),
      backend.waitForTrainingJob('job-file'),
    ]);
    expect(fromFolder.status).toBe('Completed');
    const modelJson = (o: typeof fromFolder) =>
      readFileSync(path.join(path.dirname(o.status === 'Completed' ? o.artifact : ''), 'model.json'), 'utf8');
    expect(modelJson(fromFolder)).toBe(modelJson(fromFile));
  });

  it('refuses a job name that already exists, as SageMaker does', async () => {
    await expect(
      backend.startTrainingJob({
        name: 'job-a',
        channels: { train: set.train },
        hyperparameters: SEED_HYPERPARAMETERS,
      }),
    ).rejects.toBeInstanceOf(ResourceStateError);
  });
});

describe('LocalBackend endpoints', () => {
  it('brings the endpoint in service and scores like Booster.predict on the artifact', async () => {
    const outcome = await backend.waitForEndpoint('endpoint-a');
    expect(outcome).toEqual({ status: 'InService', endpointName: 'endpoint-a' });
    const scores = await backend.invokeEndpoint('endpoint-a', set.testFeatures);
    const booster = Booster.fromTarGz(readFileSync(path.join(workDir, 'job-a', 'output', 'model.tar.gz')));
    expect(Array.from(scores)).toEqual(Array.from(booster.predict(testInput(set))));
  });

  it('serves the container contract at its URL', async () => {
    const url = backend.endpointUrl('endpoint-a');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ping = await fetch(`${url}/ping`);
    expect(ping.status).toBe(200);
    await ping.arrayBuffer();
  });

  it('answers the real SageMakerRuntimeClient at its URL, by endpoint name', async () => {
    const client = new SageMakerRuntimeClient({
      endpoint: backend.endpointUrl('endpoint-a'),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const out = await client.send(
        new InvokeEndpointCommand({ EndpointName: 'endpoint-a', ContentType: 'text/csv', Body: set.testFeatures }),
      );
      const direct = await backend.invokeEndpoint('endpoint-a', set.testFeatures);
      expect(Array.from(parseScores(new TextDecoder().decode(out.Body)))).toEqual(Array.from(direct));
    } finally {
      client.destroy();
    }
  });

  it('raises EndpointInvocationError with the container status for a payload with the label left in', async () => {
    const error = await backend.invokeEndpoint('endpoint-a', '0,1,2,3,4,5\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointInvocationError);
    expect((error as EndpointInvocationError).status).toBe(400);
  });

  it('batch-transforms a CSV file by line into <input>.out, one score per line', async () => {
    const input = path.join(root, 'transform-input.csv');
    writeFileSync(input, set.testFeatures);
    const outcome = await backend.batchTransform({
      modelName: 'model-a',
      input,
      outputDir: path.join(root, 'transform-out'),
      jobName: 'bt-1',
    });
    expect(outcome).toEqual({
      status: 'Completed',
      output: path.join(root, 'transform-out', 'transform-input.csv.out'),
    });
    const text = readFileSync(outcome.output, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const booster = Booster.fromTarGz(readFileSync(path.join(workDir, 'job-a', 'output', 'model.tar.gz')));
    expect(text.trim().split('\n').map(Number)).toEqual(Array.from(booster.predict(testInput(set))));
  });

  it('reports a batch transform over a malformed file as Failed with the reason', async () => {
    const input = path.join(root, 'transform-bad.csv');
    writeFileSync(input, '1,2,3,4,5\n1,x,3,4,5\n');
    const outcome = await backend.batchTransform({ modelName: 'model-a', input, outputDir: root, jobName: 'bt-2' });
    expect(outcome.status).toBe('Failed');
    expect(outcome.reason).toContain('415');
  });

  it('closes the server when the endpoint is deleted: its port refuses connections', async () => {
    await backend.createEndpoint('endpoint-tmp', 'model-a');
    await backend.waitForEndpoint('endpoint-tmp');
    const url = backend.endpointUrl('endpoint-tmp');
    await backend.deleteEndpoint('endpoint-tmp');
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
    await expect(backend.invokeEndpoint('endpoint-tmp', '1,2,3,4,5\n')).rejects.toBeInstanceOf(ResourceStateError);
    await backend.deleteEndpoint('endpoint-tmp');
  });

  it('reports an endpoint that cannot start as Failed with the reason', async () => {
    const unreachable = new LocalBackend({
      workDir: path.join(root, 'unreachable'),
      host: '203.0.113.7',
      training: 'in-process',
    });
    try {
      await unreachable.createModel('m', path.join(workDir, 'job-a', 'output', 'model.tar.gz'));
      await unreachable.createEndpoint('e', 'm');
      const outcome = await unreachable.waitForEndpoint('e');
      expect(outcome.status).toBe('Failed');
      expect(outcome.status === 'Failed' && outcome.reason).toMatch(/cannot listen on 203\.0\.113\.7/);
    } finally {
      await unreachable.close();
    }
  });
});

describe('LocalBackend work directory', () => {
  it('reports training rounds and the metrics of the last finished round as the job trains, ending at num_round', async () => {
    for (const training of ['worker', 'in-process'] as const) {
      const b = new LocalBackend({ workDir: path.join(root, `progress-${training}`), workers: 1, training });
      const seen: { round: number; rounds: number; metrics: Readonly<Record<string, number>> }[] = [];
      await b.startTrainingJob(
        {
          name: 'rounds',
          channels: { train: set.train, validation: set.validation },
          hyperparameters: { num_round: '30', max_depth: '3' },
        },
        {
          onState: (_state, _detail, progress) => {
            if (progress) seen.push(progress);
          },
        },
      );
      const outcome = await b.waitForTrainingJob('rounds');
      await b.close();
      expect(outcome.status, training).toBe('Completed');
      expect(seen.length, training).toBeGreaterThan(0);
      expect(seen.at(-1), training).toMatchObject({ round: 30, rounds: 30 });
      expect(Object.keys(seen.at(-1)!.metrics).sort(), training).toEqual(['train-logloss', 'validation-logloss']);
      // The last report is the final model's metric, as the task result records it.
      expect(seen.at(-1)!.metrics['validation-logloss'], training).toBeCloseTo(
        b.trainingDetails('rounds')!.finalMetrics.validation!.logloss!,
        12,
      );
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.round).toBeGreaterThan(seen[i - 1]!.round);
    }
  });

  it('removes the temporary work directory it created when closed, and keeps one the caller gave', async () => {
    const own = new LocalBackend({ workers: 1, training: 'in-process' });
    await own.startTrainingJob({
      name: 'tmp-job',
      channels: { train: set.train },
      hyperparameters: { num_round: '2' },
    });
    const outcome = await own.waitForTrainingJob('tmp-job');
    expect(outcome.status).toBe('Completed');
    const made = await own.workDir();
    expect(path.basename(made)).toMatch(/^sessionsentry-/);
    expect(existsSync(made)).toBe(true);
    await own.close();
    expect(existsSync(made)).toBe(false);
    const given = path.join(root, 'given-work');
    const theirs = new LocalBackend({ workDir: given, workers: 1, training: 'in-process' });
    await theirs.startTrainingJob({
      name: 'kept-job',
      channels: { train: set.train },
      hyperparameters: { num_round: '2' },
    });
    await theirs.waitForTrainingJob('kept-job');
    await theirs.close();
    expect(existsSync(path.join(given, 'kept-job', 'output', 'model.tar.gz'))).toBe(true);
  });
});

describe('LocalBackend against XGBoost 1.7.4 (the SageMaker 1.7-1 container)', () => {
  it.skipIf(!hasXgboost)(
    'trains the model XGBoost trains on the same CSV channel and hyperparameters, and XGBoost reads its artifact (skipped without /usr/bin/python3 and xgboost 1.7.4)',
    async () => {
      const tarDir = path.join(root, 'untarred');
      const script = `
import sys, tarfile, numpy as np, xgboost as xgb
train_csv, test_csv, tar_path, out_dir = sys.argv[1:5]
def load(path, label_first):
    rows = [[float(f) if f != '' else np.nan for f in line.split(',')] for line in open(path).read().strip().split('\\n')]
    a = np.array(rows, dtype=np.float64)
    return (a[:, 1:], a[:, 0]) if label_first else (a, None)
X, y = load(train_csv, True)
T, _ = load(test_csv, False)
params = {'max_depth': 5, 'eta': 0.2, 'gamma': 4, 'min_child_weight': 6, 'subsample': 0.7, 'objective': 'binary:logistic', 'nthread': 1}
ours = tarfile.open(tar_path)
ours.extractall(out_dir)
theirs = xgb.train(params, xgb.DMatrix(X, label=y), num_boost_round=50)
loaded = xgb.Booster(model_file=out_dir + '/xgboost-model')
for name, b in (('trained', theirs), ('loaded', loaded)):
    print(name + ':' + ','.join(str(float(p)) for p in b.predict(xgb.DMatrix(T))))
`;
      const testFile = path.join(root, 'xgb-test.csv');
      writeFileSync(testFile, set.testFeatures);
      await backend.startTrainingJob({
        name: 'job-xgb',
        channels: { train: set.train },
        hyperparameters: SEED_HYPERPARAMETERS,
      });
      const outcome = await backend.waitForTrainingJob('job-xgb');
      if (outcome.status !== 'Completed') throw new Error(outcome.reason);
      const run = spawnSync(PYTHON, ['-c', script, set.train, testFile, outcome.artifact, tarDir], {
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      const lines = Object.fromEntries(
        run.stdout
          .trim()
          .split('\n')
          .map((line) => line.split(':') as [string, string]),
      );
      await backend.createModel('model-xgb', outcome.artifact);
      await backend.createEndpoint('endpoint-xgb', 'model-xgb');
      await backend.waitForEndpoint('endpoint-xgb');
      const response = await fetch(`${backend.endpointUrl('endpoint-xgb')}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: set.testFeatures,
      });
      const served = (await response.text()).trim().split('\n').join(',');
      expect(served).toBe(lines.trained);
      expect(served).toBe(lines.loaded);
    },
  );
});
