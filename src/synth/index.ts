/**
 * `sessionsentry/synth`: synthetic logs beyond the user's five files — a log of a chosen size with
 * the same profiles and attacker styles (for tests and benchmarks), the larger test week, and the
 * two ways to use a generated log: as the user's TSV text or straight as an `EventLog`. The
 * user's file set (`generateLogs`) is in the root entry.
 *
 * @example
 * ```ts
 * import { generateTestWeek, syntheticEventLog } from 'sessionsentry/synth';
 * const week = syntheticEventLog(generateTestWeek({ seed: 1 }), 'week'); // 64,600 sessions
 * week.sessionCount;
 * ```
 *
 * @module sessionsentry/synth
 */

// --- Generated logs ---
export { generateEvents, DEFAULT_HELD_OUT_STYLES } from './generate-events.js';
export type { GenerateEventsOptions } from './generate-events.js';
export { generateTestWeek } from './generate-week.js';
export type { GenerateTestWeekOptions } from './generate-week.js';

// --- Using a generated log ---
export { syntheticEventLog, formatLogTsv } from './synthetic-log.js';
