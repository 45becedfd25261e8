import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ParseError } from '../../src/errors.js';
import type { EventLog } from '../../src/events/event-log.js';
import { readEventLog } from '../../src/events/read-event-log.js';
import { S3SourceError, S3UriError } from '../../src/events/s3-errors.js';
import { generateLogs } from '../../src/synth/generate-logs.js';
import { DUMMY_CREDENTIALS, startS3, TEST_BUCKET, type S3TestServer } from '../sagemaker/aws-test-env.js';

/**
 * Logs on S3, read by `readEventLog` through the real `@aws-sdk/client-s3` from s3rver (a real
 * S3-protocol server from npm) on loopback. The reference for every S3 read is the same bytes read
 * from a local file: the log must be identical but for the source names, which are the URIs.
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-s3-logs-'));
const logs = generateLogs({ seed: 7, scale: 0.05 }).files;
const MIXED_1 = logs['mixed-1.txt'].text;
const MIXED_2 = logs['mixed-2.txt'].text;
const SINGLE = logs['single.txt'].text;

let s3: S3TestServer;
const uri = (key: string): string => `s3://${TEST_BUCKET}/${key}`;
const put = (key: string, body: string | Uint8Array): Promise<unknown> =>
  s3.s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: body }));
const local = (name: string, body: string | Uint8Array): string => {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
};

/** Everything a log holds but where it came from. */
function content(log: EventLog): unknown {
  return {
    sessionIds: log.sessionIds,
    offsets: Array.from(log.offsets),
    labels: Array.from(log.labels),
    actions: Array.from(log.actions, (a) => log.actionDictionary[a]),
    times: log.times === null ? null : Array.from(log.times),
    sources: Array.from(log.sources),
    skipped: log.skipped,
  };
}

beforeAll(async () => {
  s3 = await startS3();
  await put('logs/2019-07/mixed-2.txt', MIXED_2);
  await put('logs/2019-07/mixed-1.txt.gz', gzipSync(MIXED_1));
  await put('logs/2019-07/', ''); // a folder marker, as the S3 console creates
  await put('logs/2019-07/more/single.txt', SINGLE);
  await put('logs/2019-07-extra/not-under-the-prefix.txt', 'SessionNo\n');
  await put('single.txt', SINGLE);
  await put('gzip-without-suffix.txt', gzipSync(SINGLE));
  await put('bad-row.txt', `${MIXED_2.split('\n').slice(0, 4).join('\n')}\n99\tnot a time\tC1\tG1\tP1\t111\t0\n`);
  await put('empty-folder/', '');
});
afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('readEventLog from S3 (s3rver, the real S3Client)', () => {
  it('reads one object as it reads the same bytes from a file, naming it by its URI', async () => {
    s3.commands.length = 0;
    const fromS3 = await readEventLog(uri('single.txt'), { s3: { client: s3.s3 } });
    const fromFile = await readEventLog(local('single.txt', SINGLE));
    expect(content(fromS3)).toEqual(content(fromFile));
    expect(fromS3.sourceNames).toEqual([uri('single.txt')]);
    expect(fromS3.sessionCount).toBe(logs['single.txt'].summary.sessions);
    expect(s3.commands).toEqual(['HeadObjectCommand', 'GetObjectCommand']);
  });

  it('reads every object under a prefix in key order, gzip or not, leaving out folder markers and sibling prefixes', async () => {
    const fromS3 = await readEventLog(uri('logs/2019-07/'), { s3: { client: s3.s3 } });
    // Key order: mixed-1.txt.gz < mixed-2.txt < more/single.txt ('1' < '2' < 'm').
    expect(fromS3.sourceNames).toEqual([
      uri('logs/2019-07/mixed-1.txt.gz'),
      uri('logs/2019-07/mixed-2.txt'),
      uri('logs/2019-07/more/single.txt'),
    ]);
    const fromFiles = await readEventLog([
      local('mixed-1.txt.gz', gzipSync(MIXED_1)),
      local('mixed-2.txt', MIXED_2),
      local('single-2.txt', SINGLE),
    ]);
    expect(content(fromS3)).toEqual(content(fromFiles));
  });

  it('decides gzip by the magic bytes, as for local files: a gzip object without .gz reads too', async () => {
    const log = await readEventLog(uri('gzip-without-suffix.txt'), { s3: { client: s3.s3 } });
    expect(content(log)).toEqual(content(await readEventLog(local('single-3.txt', SINGLE))));
  });

  it('takes a list mixing S3 objects, prefixes, { path: s3://… } and local files, in the order given', async () => {
    const log = await readEventLog(
      [{ path: uri('logs/2019-07/mixed-2.txt') }, local('single-4.txt', SINGLE), uri('logs/2019-07/more/')],
      { s3: { client: s3.s3 } },
    );
    expect(log.sourceNames).toEqual([
      uri('logs/2019-07/mixed-2.txt'),
      path.join(dir, 'single-4.txt'),
      uri('logs/2019-07/more/single.txt'),
    ]);
  });

  it('names the S3 URI, line and column of a bad row, as for a file', async () => {
    const error = await readEventLog(uri('bad-row.txt'), { s3: { client: s3.s3 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).file).toBe(uri('bad-row.txt'));
    expect((error as Error).message).toMatch(
      new RegExp(`^s3://${TEST_BUCKET}/bad-row\\.txt:5:2: column LogTime .*"not a time"`),
    );
  });
});

describe('readEventLog from S3: bad input fails with typed errors naming the URI, before any object is read', () => {
  it('rejects a malformed URI with S3UriError', async () => {
    for (const bad of ['s3://Bad_Bucket/x.txt', 's3://', 's3:///key.txt']) {
      const error = await readEventLog(bad, { s3: { client: s3.s3 } }).catch((e: unknown) => e);
      expect(error, bad).toBeInstanceOf(S3UriError);
      expect((error as S3UriError).uri).toBe(bad);
      expect((error as Error).message).toContain('readEventLog: sources must be an S3 URI of the form s3://bucket/key');
    }
  });

  it('a missing object: S3SourceError no-such-object, after reading nothing of the objects before it', async () => {
    s3.commands.length = 0;
    const error = await readEventLog([uri('single.txt'), uri('logs/2019-07/missing.txt')], {
      s3: { client: s3.s3 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3SourceError);
    expect(error).toMatchObject({
      code: 'ERR_S3_SOURCE',
      problem: 'no-such-object',
      uri: uri('logs/2019-07/missing.txt'),
    });
    expect((error as Error).message).toMatch(/^s3:\/\/sentry-test-bucket\/logs\/2019-07\/missing\.txt: no such object/);
    expect(s3.commands).not.toContain('GetObjectCommand');
  });

  it('a folder named without its trailing slash: the error says to add it', async () => {
    const error = await readEventLog(uri('logs/2019-07'), { s3: { client: s3.s3 } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'no-such-object' });
    expect((error as Error).message).toContain(`${uri('logs/2019-07/')} holds objects (end the URI with /`);
  });

  it('an empty prefix (nothing, or only a folder marker): S3SourceError empty-prefix', async () => {
    for (const prefix of [uri('nothing-here/'), uri('empty-folder/')]) {
      const error = await readEventLog(prefix, { s3: { client: s3.s3 } }).catch((e: unknown) => e);
      expect(error, prefix).toMatchObject({ problem: 'empty-prefix', uri: prefix });
    }
  });

  it('a bucket that does not exist: S3SourceError no-such-bucket for a prefix, no-such-object for an object', async () => {
    const prefix = await readEventLog('s3://no-such-bucket-here/logs/', { s3: { client: s3.s3 } }).catch((e) => e);
    expect(prefix).toMatchObject({ problem: 'no-such-bucket', s3Code: 'NoSuchBucket', httpStatus: 404 });
    const object = await readEventLog('s3://no-such-bucket-here/x.txt', { s3: { client: s3.s3 } }).catch((e) => e);
    expect(object).toMatchObject({ problem: 'no-such-object', httpStatus: 404 });
  });

  it('credentials s3rver does not know: S3SourceError access-denied (InvalidAccessKeyId, HTTP 403)', async () => {
    const stranger = new S3Client({
      region: 'us-east-1',
      endpoint: s3.url,
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'nope' },
    });
    try {
      const error = await readEventLog(uri('logs/2019-07/'), { s3: { client: stranger } }).catch((e) => e);
      expect(error).toBeInstanceOf(S3SourceError);
      expect(error).toMatchObject({ problem: 'access-denied', s3Code: 'InvalidAccessKeyId', httpStatus: 403 });
      expect((error as Error).message).toMatch(/^s3:\/\/sentry-test-bucket\/logs\/2019-07\/: access denied by S3/);
    } finally {
      stranger.destroy();
    }
  });

  describe('a bucket policy that denies access (a loopback endpoint answering as S3 does: 403 AccessDenied)', () => {
    let server: Server;
    let client: S3Client;
    beforeAll(async () => {
      // S3's answer to a denied request: HTTP 403 with an XML Error body (no body for HEAD).
      server = createServer((request, response) => {
        response.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': 'LOOPBACK1' });
        if (request.method === 'HEAD') return void response.end();
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>' +
            '<RequestId>LOOPBACK1</RequestId><HostId>loopback</HostId></Error>',
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      client = new S3Client({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        forcePathStyle: true,
        credentials: DUMMY_CREDENTIALS,
        maxAttempts: 1,
      });
    });
    afterAll(async () => {
      client?.destroy();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('a prefix: access-denied with S3 code AccessDenied; an object (HEAD, no body): access-denied with HTTP 403', async () => {
      const listed = await readEventLog(uri('logs/'), { s3: { client } }).catch((e) => e);
      expect(listed).toMatchObject({
        problem: 'access-denied',
        s3Code: 'AccessDenied',
        httpStatus: 403,
        uri: uri('logs/'),
      });
      const headed = await readEventLog(uri('single.txt'), { s3: { client } }).catch((e) => e);
      expect(headed).toMatchObject({ problem: 'access-denied', httpStatus: 403, uri: uri('single.txt') });
    });
  });

  it('the same object twice (by itself and through a prefix): InvalidArgumentError, as for a file given twice', async () => {
    const error = await readEventLog([uri('logs/2019-07/mixed-2.txt'), uri('logs/2019-07/')], {
      s3: { client: s3.s3 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('each object once');
  });
});

describe('listS3Objects', () => {
  it('follows ListObjectsV2 continuation tokens page by page, and returns the objects in key order', async () => {
    // s3rver makes its continuation tokens with DES, which Node's OpenSSL 3 only offers with the
    // legacy provider: the paged listing runs in a child process that has it.
    const child = await promisify(execFile)(
      process.execPath,
      ['--openssl-legacy-provider', '--import', 'tsx', path.join(repoRoot, 'test/events/list-pages-in-child.ts')],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    const { keys, listed, commands } = JSON.parse(child.stdout) as {
      keys: string[];
      listed: string[];
      commands: string[];
    };
    expect(keys).toHaveLength(25);
    expect(listed).toEqual([...keys].sort());
    expect(commands).toEqual(['ListObjectsV2Command', 'ListObjectsV2Command', 'ListObjectsV2Command']);
  });
});

describe('readEventLog from S3 streams the object', () => {
  it('reads a 32 MiB object (32 times the file reader chunk) holding no more memory than reading it from a file, plus 8 MiB', async () => {
    // A child process reads with the default client from the AWS environment (endpoint, region,
    // keys), sampling its memory after a full collection every 5 ms. The rows are one event
    // repeated, so the log keeps one event; the reader sizes its arrays from the byte count, so the
    // anchor is the same bytes read from a local file (1 MiB chunks) in the same process. An
    // object held whole would add its 32 MiB.
    const row = '7\t2019-07-01 12:00:00.000\tC1\tG1\tP1\t111\t0\n';
    const header = 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n';
    const rows = Math.ceil((32 * 1024 * 1024) / row.length);
    const body = Buffer.alloc(header.length + rows * row.length);
    body.write(header);
    for (let i = 0, at = header.length; i < rows; i++, at += row.length) body.write(row, at);
    await put('big/one-event-repeated.txt', body);
    const file = local('one-event-repeated.txt', body);
    const script = `
      import { readEventLog } from ${JSON.stringify(path.join(repoRoot, 'src/events/read-event-log.ts'))};
      async function peakOf(source) {
        globalThis.gc();
        const base = process.memoryUsage();
        let peak = 0;
        const sample = () => { globalThis.gc(); const m = process.memoryUsage(); peak = Math.max(peak, m.arrayBuffers + m.heapUsed - base.arrayBuffers - base.heapUsed); };
        const timer = setInterval(sample, 5);
        const log = await readEventLog(source);
        sample();
        clearInterval(timer);
        return { peak, events: log.eventCount, duplicates: log.skipped.byReason['duplicate event'], names: log.sourceNames };
      }
      const [file, uri] = process.argv.slice(-2);
      console.log(JSON.stringify({ file: await peakOf(file), s3: await peakOf(uri) }));
    `;
    // Asynchronously: s3rver answers from this process's event loop.
    const child = await promisify(execFile)(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script, file, uri('big/one-event-repeated.txt')],
      {
        cwd: repoRoot,
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_S3: s3.url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      },
    );
    type Read = { peak: number; events: number; duplicates: number; names: string[] };
    const result = JSON.parse(child.stdout) as { file: Read; s3: Read };
    expect(result.s3).toMatchObject({ events: 1, duplicates: rows - 1, names: [uri('big/one-event-repeated.txt')] });
    expect(result.file).toMatchObject({ events: 1, duplicates: rows - 1 });
    expect(result.s3.peak - result.file.peak).toBeLessThan(8 * 1024 * 1024);
  });
});
