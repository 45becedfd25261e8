/**
 * Prefix-rows benchmark (live detection, part 1): the training set of the user's experiment from
 * the synthetic generator (`generateLogs({ seed: 42 })`: the known-attacker file and the three
 * mixed files, ~256K events, read with `parseEventLog`) expanded into one row per prefix of 1..40
 * events (`flattenPrefixes`, counts + timing), against two anchors measured in the same run: one
 * whole-session flatten of the same log (`flattenSessions`, the work per session the prefixes
 * extend), and the way without incremental state, flattening `firstN(k)` for every k = 1..40 and
 * keeping each session's rows up to its length (one run).
 *
 * The whole-session flatten and the prefixes alternate, 7 rounds after one warm-up round; the
 * table gives the median, the spread (best and worst) and the CPU time of the process.
 *
 *   npx tsx bench/prefixes.bench.ts
 */
import os from 'node:os';
import { parseEventLog } from '../src/events/read-event-log.js';
import { ActionVocabulary } from '../src/sessions/action-vocabulary.js';
import { flattenPrefixes } from '../src/sessions/flatten-prefixes.js';
import { flattenSessions } from '../src/sessions/flatten-sessions.js';
import { SessionFlattener } from '../src/sessions/session-flattener.js';
import { truncateLog } from '../src/sessions/truncation.js';
import { Truncators } from '../src/sessions/truncators.js';
import { generateLogs } from '../src/synth/generate-logs.js';

const GOAL_SECONDS = 0.25;
const REPEATS = 7;
const MAX = 40;

const fmt = (seconds: number): string =>
  seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
};
const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

const { files } = generateLogs({ seed: 42 });
const training = ['known-attacker.txt', 'mixed-1.txt', 'mixed-2.txt', 'mixed-3.txt'] as const;
const log = parseEventLog(training.map((name) => ({ text: files[name].text, name })));
const schema = new SessionFlattener({ vocabulary: ActionVocabulary.fromLogs(log) }).toSchema();

const whole: number[] = [];
const prefixes: number[] = [];
const prefixesCpu: number[] = [];
let rows = 0;
const loadBefore = os.loadavg()[0]!;
for (let r = 0; r <= REPEATS; r++) {
  let started = performance.now();
  const sessions = flattenSessions(log, schema).frame;
  const wholeSeconds = (performance.now() - started) / 1000;
  if (sessions.rowCount !== log.sessionCount) throw new Error(`whole-session flatten gave ${sessions.rowCount} rows`);
  globalThis.gc?.();
  started = performance.now();
  const cpuStarted = cpuSeconds();
  const frame = flattenPrefixes(log, schema, { max: MAX }).frame;
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds() - cpuStarted;
  rows = frame.rowCount;
  globalThis.gc?.();
  if (r === 0) continue; // the first round warms the JIT up
  whole.push(wholeSeconds);
  prefixes.push(seconds);
  prefixesCpu.push(cpu);
}
const loadAfter = os.loadavg()[0]!;

// Without incremental state: every firstN(k) flattened in full, each session's rows k ≤ its length kept.
let naiveRows = 0;
const naiveStarted = performance.now();
for (let k = 1; k <= MAX; k++) {
  const frame = flattenSessions(truncateLog(log, Truncators.firstN(k)), schema).frame;
  const counts = frame.numbers('event_count');
  for (let s = 0; s < counts.length; s++) if (counts[s] === k) naiveRows++;
}
const naive = (performance.now() - naiveStarted) / 1000;
if (naiveRows !== rows) throw new Error(`re-flattening gave ${naiveRows} rows, flattenPrefixes ${rows}`);

const typical = median(prefixes);
const typicalCpu = median(prefixesCpu);
const typicalWhole = median(whole);
const verdict = (seconds: number): string =>
  seconds <= GOAL_SECONDS ? 'met' : `missed by ${fmt(seconds - GOAL_SECONDS)}`;
const lines: string[] = [];
lines.push('## Prefix rows: every prefix of 1..40 events of the training set (live detection issue)');
lines.push('');
lines.push(
  `Input: ${log.eventCount.toLocaleString('en-US')} events, ${log.sessionCount.toLocaleString('en-US')} sessions (${training.join(', ')} of \`generateLogs({ seed: 42 })\`, read with parseEventLog); ` +
    `${schema.featureNames.length} feature columns (counts, other_actions, 10 timing features). Output: ${rows.toLocaleString('en-US')} rows. One thread; ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}. ` +
    `${REPEATS} alternating rounds after one warm-up round; 1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after.`,
);
lines.push('');
lines.push('| case | rows | median | best | worst | rows/s (median) |');
lines.push('|---|---:|---:|---:|---:|---:|');
lines.push(
  `| **flattenPrefixes, max 40** | ${rows.toLocaleString('en-US')} | **${fmt(typical)}** | ${fmt(Math.min(...prefixes))} | ${fmt(Math.max(...prefixes))} | ${(rows / typical / 1e6).toFixed(2)}M |`,
);
lines.push(
  `| flattenPrefixes, CPU time of the process (user + system) | | ${fmt(typicalCpu)} | ${fmt(Math.min(...prefixesCpu))} | ${fmt(Math.max(...prefixesCpu))} | |`,
);
lines.push(
  `| anchor: whole-session flatten of the same log | ${log.sessionCount.toLocaleString('en-US')} | ${fmt(typicalWhole)} | ${fmt(Math.min(...whole))} | ${fmt(Math.max(...whole))} | ${(log.sessionCount / typicalWhole / 1e6).toFixed(2)}M |`,
);
lines.push(
  `| anchor: re-flattening firstN(k) for k = 1..40, 1 run | ${naiveRows.toLocaleString('en-US')} | ${fmt(naive)} | | | ${(naiveRows / naive / 1e6).toFixed(2)}M |`,
);
lines.push('');
lines.push(
  `${rows.toLocaleString('en-US')} prefix rows in ${fmt(typical)} wall time and ${fmt(typicalCpu)} CPU time (medians): ${(typical / typicalWhole).toFixed(1)}× the time of one whole-session flatten of the same log ` +
    `(${(rows / log.sessionCount).toFixed(1)}× its rows), ${(naive / typical).toFixed(1)}× faster than re-flattening every firstN(k). Goal ≤ ${GOAL_SECONDS} s: ${verdict(typicalCpu)} in CPU time, ${verdict(typical)} in wall time. ` +
    'The machine is shared (see the load average), so wall times include waiting for a core; the work is single-threaded.',
);
process.stdout.write(`${lines.join('\n')}\n`);
