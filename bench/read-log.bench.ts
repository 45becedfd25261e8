/**
 * Reading a 256K-event log: readEventLog against danfojs-node's readCSV and papaparse on the same
 * file, in the same run (DESIGN.md goal: ≥ 100 MB/s on one core, ≥ 10× danfo), then the memory
 * of reading a 10M-event stream (goal: within ~2 GB).
 *
 *   npx tsx bench/read-log.bench.ts            # prints a Markdown section
 *   READ_LOG_BIG_EVENTS=0 npx tsx bench/read-log.bench.ts   # skip the 10M-event memory run
 *
 * The log is the synthetic generator's known-attacker + mixed-1..3 files (the user's experiment,
 * ~256K events) joined into one TSV with one header. Times are medians of several repetitions,
 * each single-threaded; the machine's other load shows in the spread, so the ratios matter more
 * than absolute figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { parseEventLog, readEventLog } from '../src/events/read-event-log.js';
import { generateLogs } from '../src/synth/generate-logs.js';

const REPS = Number(process.env.READ_LOG_REPS ?? 7);
const DANFO_REPS = Number(process.env.READ_LOG_DANFO_REPS ?? 3);
const BIG_EVENTS = Number(process.env.READ_LOG_BIG_EVENTS ?? 10_000_000);

const bigChild = process.argv.indexOf('--big-child');
if (bigChild >= 0) {
  // The memory run happens in a child process, so its peak RSS is its own and not the readers' above.
  console.log(JSON.stringify(await bigStream(Number(process.argv[bigChild + 1]))));
} else {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sessionsentry-read-log-'));
  try {
    await main(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(dir: string): Promise<void> {
  const startLoad = os.loadavg()[0]!;
  const { files } = generateLogs({ seed: 2019 });
  const parts = (['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'] as const).map((name) => files[name].text);
  const text = parts[0]! + parts.slice(1).map((t) => t.slice(t.indexOf('\n') + 1)).join('');
  const file = path.join(dir, 'experiment.txt');
  writeFileSync(file, text);
  const bytes = statSync(file).size;
  const buffer = readFileSync(file);
  const events = parseEventLog(buffer).eventCount;
  const mb = bytes / 1e6;

  const rows: { name: string; wall: number[]; cpu: number[]; note: string }[] = [];
  const measure = async (name: string, reps: number, note: string, run: () => unknown): Promise<void> => {
    await run(); // warm-up: JIT and file cache
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < reps; r++) {
      globalThis.gc?.();
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await run();
      wall.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
    }
    rows.push({ name, wall, cpu, note });
    process.stderr.write(`read-log: ${name}: median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU\n`);
  };

  await measure('readEventLog(path)', REPS, 'file streamed in 1 MiB chunks; validated, sessions grouped, sorted by time, dictionary-encoded', () => readEventLog(file));
  await measure('parseEventLog(buffer)', REPS, 'same, from bytes already in memory', () => parseEventLog(buffer));
  await measure('papaparse Papa.parse(string)', REPS, 'string already decoded; header, tab; row objects only, no grouping or types', () =>
    Papa.parse(text, { header: true, delimiter: '\t', skipEmptyLines: true }),
  );
  const danfo = (await import('danfojs-node')) as unknown as { readCSV: (file: string, options?: object) => Promise<{ shape: number[] }> };
  await measure('danfojs-node readCSV(path)', DANFO_REPS, 'DataFrame with type inference; no grouping', () => danfo.readCSV(file, { delimiter: '\t' }));

  const oursWall = median(rows[0]!.wall);
  const oursCpu = median(rows[0]!.cpu);
  const load = os.loadavg()[0]!;
  const lines = [
    '## Reading a 256K-event log (bench/read-log.bench.ts)',
    '',
    `Input: the synthetic known-attacker + mixed-1..3 files as one TSV (\`SessionNo LogTime CustID GroupID ProfID Act BadActor\`): ${events.toLocaleString('en-US')} events, ${mb.toFixed(1)} MB. ` +
      `Median of ${REPS} runs (${DANFO_REPS} for danfo) after a warm-up, each single-threaded JavaScript; ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}. ` +
      `Load average ${startLoad.toFixed(1)} at the start and ${load.toFixed(1)} at the end of the run: on a shared machine wall time includes waiting for a core, so CPU time (process.cpuUsage, all threads of the process) is given too and rates are computed from both.`,
    '',
    '| reader | wall ms | CPU ms | MB/s (CPU) | MB/s (wall) | events/s (CPU) | readEventLog speed-up (CPU) | speed-up (wall) | what it does |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(({ name, wall, cpu, note }) => {
      const w = median(wall);
      const c = median(cpu);
      return `| ${name} | ${w.toFixed(1)} | ${c.toFixed(1)} | ${(mb / (c / 1000)).toFixed(0)} | ${(mb / (w / 1000)).toFixed(0)} | ${formatRate(events / (c / 1000))} | ${(c / oursCpu).toFixed(1)}× | ${(w / oursWall).toFixed(1)}× | ${note} |`;
    }),
    '',
    `Goal (DESIGN.md): ≥ 100 MB/s on one core and ≥ 10× danfo. Measured for readEventLog(path): ${(mb / (oursCpu / 1000)).toFixed(0)} MB per CPU-second (${(mb / (oursWall / 1000)).toFixed(0)} MB/s wall), ` +
      `${(median(rows[3]!.cpu) / oursCpu).toFixed(1)}× danfojs-node readCSV and ${(median(rows[2]!.cpu) / oursCpu).toFixed(1)}× papaparse by CPU time ` +
      `(${(median(rows[3]!.wall) / oursWall).toFixed(1)}× and ${(median(rows[2]!.wall) / oursWall).toFixed(1)}× by wall time).`,
  ];
  if (BIG_EVENTS > 0) lines.push('', ...bigStreamSection(BIG_EVENTS));
  console.log(lines.join('\n'));
}

interface BigResult {
  events: number;
  sessions: number;
  bytes: number;
  ms: number;
  maxRssKiB: number;
  baseRssKiB: number;
}

/** Runs {@link bigStream} in a child process and formats its result. */
function bigStreamSection(n: number): string[] {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--big-child', String(n)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`the ${n}-event memory run failed (exit ${child.status})`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as BigResult;
  return [
    `### Streaming ${r.events.toLocaleString('en-US')} events: memory`,
    '',
    'A TSV stream generated on the fly (a small seeded generator in this file: ~50 interleaved sessions of ~20 events, 40 action codes), read by readEventLog from a Readable in a fresh process, so the text is never in memory at once.',
    '',
    '| events | sessions | text | seconds (generation included) | peak RSS of the process | RSS before reading |',
    '|---:|---:|---:|---:|---:|---:|',
    `| ${r.events.toLocaleString('en-US')} | ${r.sessions.toLocaleString('en-US')} | ${(r.bytes / 1e6).toFixed(0)} MB | ${(r.ms / 1000).toFixed(1)} | ${(r.maxRssKiB / 1024).toFixed(0)} MiB | ${(r.baseRssKiB / 1024).toFixed(0)} MiB |`,
    '',
    'Goal: within ~2 GB. Peak RSS is the kernel\'s high-water mark for the process (`process.resourceUsage().maxRSS`).',
  ];
}

/** Reads a generated stream of `n` events (never held in memory as text); reports time and peak memory. */
async function bigStream(n: number): Promise<BigResult> {
  const baseRssKiB = process.resourceUsage().maxRSS;
  let bytes = 0;
  const start = performance.now();
  const log = await readEventLog({ stream: Readable.from(generateLines(n, (b) => (bytes += b))), name: 'big.txt' });
  const ms = performance.now() - start;
  return { events: log.eventCount, sessions: log.sessionCount, bytes, ms, maxRssKiB: process.resourceUsage().maxRSS, baseRssKiB };
}

function* generateLines(n: number, count: (bytes: number) => void): Generator<Buffer> {
  let seed = 12345;
  const next = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const open: number[] = [];
  let nextSession = 1_000_000;
  let time = Date.UTC(2019, 6, 1);
  let chunk = 'SessionNo\tLogTime\tCustID\tGroupID\tProfID\tAct\tBadActor\n';
  for (let i = 0; i < n; i++) {
    if (open.length < 50 || next() < 0.05) open.push(nextSession++);
    const k = Math.floor(next() * open.length);
    const id = open[k]!;
    if (next() < 0.05) open.splice(k, 1);
    time += Math.floor(next() * 20);
    chunk += `${id}\t${new Date(time).toISOString().slice(0, 23).replace('T', ' ')}\tC${id % 397}\tG${id % 41}\tP${id % 1009}\t${100 + Math.floor(next() * 40) * 7}\t${id % 500 === 0 ? 1 : 0}\n`;
    if (chunk.length > 1 << 20) {
      const bytes = Buffer.from(chunk);
      count(bytes.length);
      yield bytes;
      chunk = '';
    }
  }
  const bytes = Buffer.from(chunk);
  count(bytes.length);
  yield bytes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function formatRate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)}M` : `${(perSecond / 1e3).toFixed(0)}K`;
}
