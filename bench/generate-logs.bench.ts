/**
 * How fast the synthetic log generator makes the user's file set (`generateLogs`) and a log of
 * the flattening benchmark's size (`generateEvents`, 256K events), and the realistic test week
 * (`generateTestWeek`, 64,600 sessions, ~600K events), best of several runs, in wall
 * and CPU time. No anchor exists for this work; the goal is the full set in well under two seconds.
 *
 *   npx tsx bench/generate-logs.bench.ts
 */
import os from 'node:os';
import { generateEvents } from '../src/synth/generate-events.js';
import { generateLogs } from '../src/synth/generate-logs.js';
import { generateTestWeek } from '../src/synth/generate-week.js';
import { formatLogTsvBytes, syntheticEventLog } from '../src/synth/synthetic-log.js';

const RUNS = 5;

interface Timing {
  wall: number;
  cpu: number;
}

function measure(run: () => void): Timing {
  let best: Timing = { wall: Infinity, cpu: Infinity };
  for (let i = 0; i < RUNS; i++) {
    globalThis.gc?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu0);
    const cpu = (used.user + used.system) / 1e6;
    best = { wall: Math.min(best.wall, wall), cpu: Math.min(best.cpu, cpu) };
  }
  return best;
}

const fmt = (seconds: number): string =>
  seconds < 1 ? `${(seconds * 1000).toFixed(0)} ms` : `${seconds.toFixed(2)} s`;
const loadBefore = os.loadavg()[0]!;

const full = generateLogs({ seed: 1 });
const totalEvents = full.summary.reduce((n, s) => n + s.events, 0);
const totalSessions = full.summary.reduce((n, s) => n + s.sessions, 0);
const totalBytes = Object.values(full.files).reduce((n, f) => n + Buffer.byteLength(f.text), 0);
const setTime = measure(() => generateLogs({ seed: 1 }));

const big = generateEvents({ seed: 1 });
const eventsTime = measure(() => generateEvents({ seed: 1 }));
let bytes = 0;
const tsvTime = measure(() => {
  bytes = formatLogTsvBytes(big).length;
});
const eventLogTime = measure(() => syntheticEventLog(big));
const week = generateTestWeek({ seed: 1 });
const weekTime = measure(() => generateTestWeek({ seed: 1 }));

const rate = (n: number, t: number): string => `${(n / t / 1e6).toFixed(2)} M/s`;
const lines = [
  '## Synthetic logs (`generateLogs`, `generateEvents`, `generateTestWeek`)',
  '',
  `${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}; best of ${RUNS} runs; 1-minute load average ${loadBefore.toFixed(1)} when it started (a shared machine: wall times include waiting for a core, CPU times less so).`,
  'No anchor is named for this work; the goal is the whole file set in well under two seconds.',
  '',
  '| work | size | wall | CPU | events/s (wall) |',
  '|---|---|---:|---:|---:|',
  `| generateLogs, scale 1 (five files, TSV text) | ${totalEvents.toLocaleString('en-US')} events, ${totalSessions.toLocaleString('en-US')} sessions, ${(totalBytes / 1e6).toFixed(1)} MB | ${fmt(setTime.wall)} | ${fmt(setTime.cpu)} | ${rate(totalEvents, setTime.wall)} |`,
  `| generateEvents, default size (columns only) | ${big.eventCount.toLocaleString('en-US')} events, ${big.sessionCount.toLocaleString('en-US')} sessions | ${fmt(eventsTime.wall)} | ${fmt(eventsTime.cpu)} | ${rate(big.eventCount, eventsTime.wall)} |`,
  `| formatLogTsvBytes of that log | ${(bytes / 1e6).toFixed(1)} MB | ${fmt(tsvTime.wall)} | ${fmt(tsvTime.cpu)} | ${rate(big.eventCount, tsvTime.wall)} |`,
  `| syntheticEventLog of that log | ${big.sessionCount.toLocaleString('en-US')} sessions | ${fmt(eventLogTime.wall)} | ${fmt(eventLogTime.cpu)} | ${rate(big.eventCount, eventLogTime.wall)} |`,
  `| generateTestWeek, defaults (columns only) | ${week.eventCount.toLocaleString('en-US')} events, ${week.sessionCount.toLocaleString('en-US')} sessions | ${fmt(weekTime.wall)} | ${fmt(weekTime.cpu)} | ${rate(week.eventCount, weekTime.wall)} |`,
  '',
  `Goal (whole set well under 2 s): ${setTime.cpu < 2 ? 'met' : 'missed'} in CPU time, ${setTime.wall < 2 ? 'met' : 'missed'} in wall time.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
