import { type Dirent, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { listS3Objects } from '../../src/events/s3-source.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { readS3Text } from '../../src/train/s3-channel.js';
import { DUMMY_CREDENTIALS, startS3, TEST_BUCKET, type S3TestServer } from '../sagemaker/aws-test-env.js';
import { captureIO } from './capture-io.js';

/**
 * The command line reads logs from S3 wherever it reads log files: s3rver on loopback, reached
 * through the AWS environment (AWS_ENDPOINT_URL_S3, AWS_REGION, keys) as a user's shell would.
 * The reference is the same command on the same bytes in local files.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'ss-s3-cli-'));
const generated = generateLogs({ seed: 8, scale: 0.05, outDir: path.join(dir, 'logs') });
const ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const saved: Record<string, string | undefined> = {};
let s3: S3TestServer;
const uri = (key: string): string => `s3://${TEST_BUCKET}/${key}`;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(dir);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  s3 = await startS3();
  for (const [key, value] of Object.entries({ ...ENV, AWS_ENDPOINT_URL_S3: s3.url })) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  const put = (key: string, body: string | Uint8Array) =>
    s3.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body }));
  const files = generated.files;
  await put('logs/known-attacker.txt', files['known-attacker.txt'].text);
  await put('logs/mixed-1.txt.gz', gzipSync(files['mixed-1.txt'].text));
  await put('logs/mixed-2.txt', files['mixed-2.txt'].text);
  await put('logs/mixed-3.txt', files['mixed-3.txt'].text);
  await put('logs/single.txt', files['single.txt'].text);
  await put('day/single.txt', files['single.txt'].text);
  writeFileSync(path.join(dir, 'logs', 'mixed-1.txt.gz'), gzipSync(files['mixed-1.txt'].text));
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sessionsentry with s3:// logs (s3rver, credentials and endpoint from the environment)', () => {
  it('flatten s3://bucket/prefix/ writes the CSV that flatten of the same files writes, and records the URI', async () => {
    const local = ['known-attacker.txt', 'mixed-1.txt.gz', 'mixed-2.txt', 'mixed-3.txt', 'single.txt'].map((f) =>
      path.join('logs', f),
    );
    const fromFiles = await cli('flatten', ...local, '--truncation', 'first5', '--out', 'files/first5.csv');
    const fromS3 = await cli('flatten', uri('logs/'), '--truncation', 'first5', '--out', 's3/first5.csv');
    expect(fromFiles.code, fromFiles.err).toBe(0);
    expect(fromS3.code, fromS3.err).toBe(0);
    expect(readFileSync(path.join(dir, 's3/first5.csv'), 'utf8')).toBe(
      readFileSync(path.join(dir, 'files/first5.csv'), 'utf8'),
    );
    const record = JSON.parse(readFileSync(path.join(dir, 's3/first5.flatten.json'), 'utf8')) as { logs: string[] };
    expect(record.logs).toEqual([uri('logs/')]);
  });

  it('run refuses an output bucket that does not exist before any work', async () => {
    writeFileSync(
      path.join(dir, 'nowhere.yaml'),
      `data:\n  dir: ${uri('logs')}\noutput: s3://no-such-bucket-here/out/\n`,
    );
    const result = await cli('run', 'nowhere.yaml');
    expect(result.code).not.toBe(0);
    expect(result.err).toContain('s3://no-such-bucket-here/out/: no such bucket');
    expect(result.err).not.toContain('read ');
  });

  it('flatten names the missing object and exits non-zero, writing nothing', async () => {
    const missing = await cli('flatten', uri('logs/mixed-9.txt'), '--out', 'missing/x.csv');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain(`${uri('logs/mixed-9.txt')}: no such object`);
    expect(() => readFileSync(path.join(dir, 'missing/x.csv'))).toThrow();
  });

  describe('run reads an experiment whose data folder is an S3 prefix; score and replay read s3:// logs', () => {
    const config = (data: string): string =>
      [
        'name: trial',
        'data:',
        `  dir: ${data}`,
        '  train: [mixed-1.txt.gz, mixed-2.txt, mixed-3.txt, known-attacker.txt]',
        '  test: single.txt',
        'truncations: [drop0, first5]',
        'split: { train: 0.75, validation: 0.25, seed: 3 }',
        'hyperparameters: { num_round: 4, tree_method: hist }',
        'backend: { kind: local, workers: 1 }',
        'operatingPoints: [{ maxFalsePositiveRate: 0.05 }]',
        '',
      ].join('\n');
    let fromFiles: { code: number; err: string };
    let fromS3: { code: number; err: string };
    beforeAll(async () => {
      writeFileSync(path.join(dir, 'files.yaml'), `${config('logs')}output: out-files\n`);
      writeFileSync(path.join(dir, 's3.yaml'), `${config(uri('logs'))}output: out-s3\n`);
      fromFiles = await cli('run', 'files.yaml');
      fromS3 = await cli('run', 's3.yaml');
    }, 120_000);

    it('trains the same models and reaches the same comparison as from local files', () => {
      expect(fromFiles.code, fromFiles.err).toBe(0);
      expect(fromS3.code, fromS3.err).toBe(0);
      const summary = (out: string) =>
        JSON.parse(readFileSync(path.join(dir, out, 'summary.json'), 'utf8')) as {
          comparisons: unknown;
          dataFiles?: string[];
        };
      expect(summary('out-s3').comparisons).toEqual(summary('out-files').comparisons);
      for (const job of ['drop0', 'first5'])
        expect(readFileSync(path.join(dir, 'out-s3/scores', `${job}.test.csv`), 'utf8')).toBe(
          readFileSync(path.join(dir, 'out-files/scores', `${job}.test.csv`), 'utf8'),
        );
      const manifest = JSON.parse(readFileSync(path.join(dir, 'out-s3/models/first5/manifest.json'), 'utf8')) as {
        data?: { files?: string[] };
      };
      expect(manifest.data?.files).toContain(uri('logs/single.txt'));
    });

    it('run --out s3://bucket/prefix/ puts every output file under the prefix, the files a local run writes, and names them', async () => {
      const started = performance.now();
      const toS3 = await cli('run', 's3.yaml', '--out', uri('results/trial/'));
      const seconds = (performance.now() - started) / 1000;
      expect(toS3.code, toS3.err).toBe(0);
      expect(toS3.out).toContain(`Report:  ${uri('results/trial/report.html')}`);
      const listed = await listS3Objects(s3.s3, [uri('results/trial/')]);
      const localFiles = (readdirSync(path.join(dir, 'out-s3'), { recursive: true, withFileTypes: true }) as Dirent[])
        .filter((e) => e.isFile())
        .map((e) => path.relative(path.join(dir, 'out-s3'), path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .sort();
      expect(listed.map((o) => o.key.slice('results/trial/'.length)).sort()).toEqual(localFiles);
      const summary = JSON.parse(await readS3Text(uri('results/trial/summary.json'), s3.s3)) as {
        comparisons: unknown;
      };
      const local = JSON.parse(readFileSync(path.join(dir, 'out-s3', 'summary.json'), 'utf8')) as {
        comparisons: unknown;
      };
      expect(summary.comparisons).toEqual(local.comparisons);
      // The round trip, the part that reads logs from and writes results to S3: its wall time.
      console.log(`run from and to S3 (s3rver): ${seconds.toFixed(2)} s`);
    });

    it('score and replay take an s3:// log and print what they print for the local file', async () => {
      for (const command of [
        ['score', '--model', 'out-s3/models/first5'],
        ['replay', '--model', 'out-s3/models/first5', '--json'],
      ]) {
        const local = await cli(...command, 'logs/single.txt');
        const remote = await cli(...command, uri('day/single.txt'));
        expect(remote.code, remote.err).toBe(0);
        // The replay report's own speed (wallMs, eventsPerSecond) differs run to run.
        const timeless = (out: string): unknown =>
          command[0] === 'replay' ? { ...JSON.parse(out), wallMs: 0, eventsPerSecond: 0 } : out;
        expect(timeless(remote.out)).toEqual(timeless(local.out));
      }
    });
  });
});
