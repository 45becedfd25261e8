/**
 * Hostile input to the log reader (the hardening issue, points 6 to 10): each case runs alone in a
 * fresh child process and reports the answer it now gets, its wall time, and the peak memory it
 * added (the child's peak resident set above its resident set just before the case).
 *
 *   npx tsx bench/hostile-reader.bench.ts
 */
import { fork } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { SEED_LOG_HEADER } from '../src/events/log-schema.js';
import { readEventLog } from '../src/events/read-event-log.js';

const self = fileURLToPath(import.meta.url);
const HEADER = SEED_LOG_HEADER.join('\t');
const ROW = (session: string, time: string, act: string): string => `${session}\t${time}\tC1\tG1\tP1\t${act}\t0`;
const T = '2019-07-01 12:00:00.000';

interface Case {
  readonly name: string;
  readonly before: string;
  /** Work before the timed part (writing a file), in the case's folder, which is the working directory. */
  readonly prepare?: () => Promise<void>;
  readonly run: () => Promise<string>;
}

/** `total` bytes of `byte` as a stream of 1 MiB chunks. */
function bytesOf(byte: number, total: number): Readable {
  const chunk = Buffer.alloc(1 << 20, byte);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; sent += chunk.length) yield chunk;
    })(),
  );
}

/** The answer to reading `sources`: the error (class, code, message cut to 160 characters) or what the log holds. */
async function answer(
  sources: Parameters<typeof readEventLog>[0],
  options?: Parameters<typeof readEventLog>[1],
): Promise<string> {
  try {
    const log = await readEventLog(sources, options);
    const skipped = Object.entries(log.skipped.byReason).map(([reason, n]) => `${n} ${reason}`);
    const times = log.times ? ` times ${new Date(log.times[0]!).toISOString()}…` : '';
    return `read: ${log.eventCount} events${skipped.length > 0 ? `, skipped ${skipped.join(', ')}` : ''}${log.replacedText > 0 ? `, fields replaced: ${log.replacedText}` : ''}${times}`;
  } catch (error) {
    const e = error as Error & { code?: string };
    const message = e.message.length > 160 ? `${e.message.slice(0, 160)}… (${e.message.length} characters)` : e.message;
    return `${e.name} ${e.code}: ${message}`;
  }
}

const CASES: Case[] = [
  {
    name: '6. a 1 GiB line with no line break, streamed',
    before: 'read until memory ran out (quadratic re-parsing, no limit)',
    run: () => answer({ stream: bytesOf(0x61, 1 << 30), name: 'endless.txt' }),
  },
  {
    name: '6. a 1 GiB line in a ~1 MB gzip file',
    before: 'did not finish in 25 s',
    prepare: () => pipeline(bytesOf(0x61, 1 << 30), createGzip({ level: 1 }), createWriteStream('bomb.txt.gz')),
    run: () => answer('bomb.txt.gz'),
  },
  {
    name: '6. a 50 MB line, limits raised to 64 MiB (time is linear)',
    before: '8.3 s (12 and 25 MB: 1.0 and 2.5 s)',
    run: () => {
      const chunk = Buffer.alloc(1e6, 0x61);
      const lines = (function* () {
        yield Buffer.from(`${HEADER}\n1\t${T}\tC1\tG1\tP1\t`);
        for (let i = 0; i < 50; i++) yield chunk;
        yield Buffer.from('\t0\n');
      })();
      const options = { maxLineBytes: 64 << 20, maxFieldBytes: 64 << 20 };
      return answer({ stream: Readable.from(lines), name: 'long.txt' }, options).then((a) =>
        a.replace(/^read: /, 'read (an Act of 50 MB): '),
      );
    },
  },
  { name: '6. /dev/zero', before: 'grew to 715 MB', run: () => answer('/dev/zero') },
  {
    name: '7. a 45 MB log of CR only',
    before: 'a 51.8 MB error message',
    run: () => answer({ stream: bytesOf(0x0d, 45e6), name: 'cr.txt' }),
  },
  {
    name: '7. 5 MB of garbage on one line, limits raised to 8 MiB',
    before: 'a 5.7 MB error message',
    run: () =>
      answer({ stream: bytesOf(0x7e, 5e6), name: 'garbage.txt' }, { maxLineBytes: 8 << 20, maxFieldBytes: 8 << 20 }),
  },
  {
    name: '8. action codes `\\xff1` and `\\xfe1`',
    before: 'both read as `\\ufffd1`: two codes merged',
    run: () =>
      answer({
        bytes: Buffer.concat([
          Buffer.from(`${HEADER}\n${ROW('1', T, '111')}\n1\t${T}\tC1\tG1\tP1\t`),
          Buffer.from([0xff, 0x31]),
          Buffer.from('\t0\n'),
        ]),
        name: 'utf8.txt',
      }),
  },
  {
    name: "8. the same, invalidUtf8: 'replace'",
    before: '(no such option)',
    run: () =>
      answer(
        {
          bytes: Buffer.concat([
            Buffer.from(`${HEADER}\n${ROW('1', T, '111')}\n1\t${T}\tC1\tG1\tP1\t`),
            Buffer.from([0xff, 0x31]),
            Buffer.from('\t0\n'),
          ]),
          name: 'utf8.txt',
        },
        { invalidUtf8: 'replace' },
      ),
  },
  {
    name: '8. a NUL byte in a session id',
    before: 'accepted',
    run: () => answer({ text: `${HEADER}\n${ROW('a\0b', T, '111')}\n`, name: 'nul.txt' }),
  },
  {
    name: '9. the same file twice (flatten single.txt single.txt)',
    before: "every session's events doubled",
    prepare: async () => writeFileSync('single.txt', `${HEADER}\n${ROW('1', T, '111')}\n`),
    run: () => answer(['single.txt', 'single.txt']),
  },
  {
    name: '9. an exact duplicate row',
    before: 'counted as an event in batch, dropped live (train/serve skew)',
    run: () =>
      answer({
        text: `${HEADER}\n${ROW('1', T, '111')}\n${ROW('1', T, '111')}\n${ROW('1', '2019-07-01 12:00:01.000', '201')}\n`,
        name: 'dup.txt',
      }),
  },
  {
    name: '10. 10-digit epoch seconds (1561982400)',
    before: 'read as milliseconds: 1970-01-19',
    run: () => answer({ text: `${HEADER}\n${ROW('1', '1561982400', '111')}\n`, name: 'epoch.txt' }),
  },
  {
    name: '10. LogTime 1e300',
    before: 'accepted',
    run: () => answer({ text: `${HEADER}\n${ROW('1', '1e300', '111')}\n`, name: 'far.txt' }),
  },
];

interface CaseResult {
  readonly answer: string;
  readonly ms: number;
  readonly peakMB: number;
}

async function runCase(index: number, dir: string): Promise<void> {
  process.chdir(dir);
  await CASES[index]!.prepare?.();
  const base = process.memoryUsage().rss;
  const start = performance.now();
  const text = await CASES[index]!.run();
  const ms = performance.now() - start;
  const peak = process.resourceUsage().maxRSS * 1024;
  const result: CaseResult = { answer: text, ms, peakMB: Math.max(0, peak - base) / 2 ** 20 };
  process.send!(result, () => process.exit(0));
}

function runChild(index: number, dir: string): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(self, ['--case', String(index), dir], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => resolve(m as CaseResult));
    child.once('exit', (code) => code !== 0 && reject(new Error(`case ${index} exited with ${code}`)));
  });
}

if (process.argv[2] === '--case') {
  await runCase(Number(process.argv[3]), process.argv[4]!);
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-hostile-reader-'));
  try {
    const rows: string[] = [];
    for (let i = 0; i < CASES.length; i++) {
      const r = await runChild(i, dir);
      process.stderr.write(`hostile-reader: ${CASES[i]!.name}: ${r.ms.toFixed(0)} ms\n`);
      const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
      rows.push(
        `| ${cell(CASES[i]!.name)} | ${cell(CASES[i]!.before)} | ${cell(r.answer)} | ${r.ms < 10 ? r.ms.toFixed(2) : r.ms.toFixed(0)} ms | ${r.peakMB.toFixed(1)} MB |`,
      );
    }
    console.log(
      [
        '## Hostile input to the log reader (hardening issue, points 6–10)',
        '',
        `Each case alone in a fresh child process; time is its wall time (reading only: the gzip file is written before), memory the peak resident set it added above the resident set before it. 2 cores, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the end (a shared machine: wall times inflated). Regression tests: test/hostile/reader.test.ts.`,
        '',
        '| case (issue point) | before (as the issue measured) | answer now | time | peak memory |',
        '|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
