import { InvalidArgumentError } from '../errors.js';
import type { EventLog } from '../events/event-log.js';
import type { Frame } from '../frame/frame.js';
import type { UnseenActions } from './flatten-sessions.js';
import type { Job } from './job-grid.js';
import type { SessionFlattener } from './session-flattener.js';
import { type Truncation, splitPrefixes, truncateLog, validateTruncation } from './truncation.js';

/** Options of {@link prepareJobs} and {@link prepareTestJobs}. */
export interface PrepareJobsOptions {
  /** Called after each job with its unseen action codes (see `UnseenActions`). Default: none. */
  onReport?: (job: string, unseen: UnseenActions) => void;
}

/**
 * One feature Frame per job, as the user's `prep_jobs`: each job's truncation applied to the
 * log's sessions, then flattened by the same (fitted) flattener, so every job has the same
 * columns. Job names must be distinct. The map keeps the jobs' order. A job whose truncation ends
 * in `Truncators.prefixes` gives one row per session prefix, with `prefix_length` and `weight`
 * columns (see `flattenPrefixes`); split such a frame with `groupBy` on the session id.
 *
 * @example
 * ```ts
 * const flattener = new SessionFlattener({ vocabulary });
 * const train = prepareJobs(trainLog, standardJobs({ names: ORIGINAL_JOB_NAMES }), flattener);
 * train.get('first10')!.rowCount; // the number of sessions
 * ```
 */
export function prepareJobs(
  log: EventLog,
  jobs: readonly Job[],
  flattener: SessionFlattener,
  options: PrepareJobsOptions = {},
): Map<string, Frame> {
  return run('prepareJobs', log, jobs, flattener, options);
}

/**
 * The honest test side of {@link prepareJobs}: the test log truncated exactly as each job's
 * training data (the same truncation and, for `dropPercent`, the same seed rule: events chosen per
 * (seed, session id)), then flattened. A model trained on the first 10 events of sessions is then
 * scored on the first 10 events of test sessions, not on whole ones. The unseen codes of each
 * job's test data go to `onReport`. A `prefixes` job's test frame holds the test sessions' prefixes
 * too (scoring it row by row is what a live scorer does after each event).
 *
 * @example
 * ```ts
 * const jobs = standardJobs();
 * const train = prepareJobs(trainLog, jobs, flattener);
 * const test = prepareTestJobs(testLog, jobs, flattener, { onReport: (job, u) => u.events && console.warn(job, u.byCode) });
 * ```
 */
export function prepareTestJobs(
  testLog: EventLog,
  jobs: readonly Job[],
  flattener: SessionFlattener,
  options: PrepareJobsOptions = {},
): Map<string, Frame> {
  return run('prepareTestJobs', testLog, jobs, flattener, options);
}

/**
 * A test log truncated the same way as a job's training data (a job or a bare truncation). For a
 * truncation ending in `prefixes`, the steps before it (prefixes expand at flattening: flatten the
 * result with the job's `prefixes` step, or use {@link prepareTestJobs}).
 *
 * @example
 * ```ts
 * const testFirst10 = truncateLike(standardJobs({ names: ['first10'] })[0], testLog);
 * ```
 */
export function truncateLike(job: Job | Truncation, testLog: EventLog): EventLog {
  return truncateLog(testLog, splitPrefixes('truncation' in job ? job.truncation : job).before);
}

function run(
  where: string,
  log: EventLog,
  jobs: readonly Job[],
  flattener: SessionFlattener,
  { onReport }: PrepareJobsOptions,
): Map<string, Frame> {
  const names = new Set<string>();
  jobs.forEach((job, i) => {
    if (typeof job?.name !== 'string' || job.name.length === 0)
      throw new InvalidArgumentError(where, `jobs[${i}].name`, job?.name, 'a non-empty string');
    if (names.has(job.name))
      throw new InvalidArgumentError(where, `jobs[${i}].name`, job.name, 'a name no other job has');
    names.add(job.name);
    validateTruncation(job.truncation, `${where}: jobs[${i}].truncation`);
  });
  const frames = new Map<string, Frame>();
  for (const job of jobs) {
    const { frame, unseen } = flattener.flattenWithReport(log, { truncation: job.truncation });
    onReport?.(job.name, unseen);
    frames.set(job.name, frame);
  }
  return frames;
}
