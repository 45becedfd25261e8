import type { CloudWatchLogsClient, GetLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type { DescribeTrainingJobCommandOutput } from '@aws-sdk/client-sagemaker';
import type { TrainingLogEntry, TrainingProgress } from '../train/progress.js';
import { AwsRequestError, awsErrorInfo } from './sagemaker-errors.js';

/** The CloudWatch Logs group SageMaker training containers write to. */
export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

/** Options of {@link TrainingLogTail}. */
export interface TrainingLogTailOptions {
  /** Instances the job runs on: streams are looked up until there is one per instance. Default 1. */
  readonly instanceCount?: number;
  /** Log group. Default {@link TRAINING_LOG_GROUP}. */
  readonly logGroup?: string;
  /** Stops a flush between requests. */
  readonly signal?: AbortSignal;
}

type LogsModule = typeof import('@aws-sdk/client-cloudwatch-logs');
let logsModule: Promise<LogsModule> | undefined;

/** The CloudWatch Logs SDK, loaded on first use so that importing the library does not load it. */
export function loadCloudWatchLogs(): Promise<LogsModule> {
  logsModule ??= import('@aws-sdk/client-cloudwatch-logs');
  return logsModule;
}

/**
 * Reads a training job's CloudWatch log streams (`<job>/algo-<n>-<ts>` in
 * `/aws/sagemaker/TrainingJobs`) as the SageMaker Python SDK's `logs=True` does: each
 * {@link flush} looks the streams up (`DescribeLogStreams` with the `<job>/` prefix, ordered by
 * name) until there is one per instance, reads every stream from where the last flush stopped
 * (`GetLogEvents` from the head, at the last timestamp read, skipping the events already read at
 * that timestamp, page after page until a page is empty) and returns the new events of all streams
 * merged in timestamp order (ties in stream order). A log group that does not exist yet (the first
 * job of an account, before its container logs) reads as no events.
 *
 * @example
 * ```ts
 * const tail = new TrainingLogTail(new CloudWatchLogsClient({}), 'exp1-first-5', { instanceCount: 2 });
 * for (const line of await tail.flush()) console.log(`[algo-${line.instance + 1}] ${line.message}`);
 * ```
 */
export class TrainingLogTail {
  readonly client: CloudWatchLogsClient;
  readonly jobName: string;
  readonly logGroup: string;
  instanceCount: number;
  readonly #streams: string[] = [];
  readonly #positions = new Map<string, { timestamp: number; skip: number }>();

  constructor(client: CloudWatchLogsClient, jobName: string, options: TrainingLogTailOptions = {}) {
    this.client = client;
    this.jobName = jobName;
    this.logGroup = options.logGroup ?? TRAINING_LOG_GROUP;
    this.instanceCount = options.instanceCount ?? 1;
  }

  /** The streams found so far, in name order (the `instance` of a line is its index here). */
  get streams(): readonly string[] {
    return this.#streams;
  }

  /**
   * The events logged since the last flush, in timestamp order.
   *
   * @throws {AwsRequestError} when CloudWatch Logs refuses (other than a missing log group).
   */
  async flush(signal?: AbortSignal): Promise<Extract<TrainingLogEntry, { kind: 'log' }>[]> {
    const { DescribeLogStreamsCommand, GetLogEventsCommand } = await loadCloudWatchLogs();
    if (this.#streams.length < this.instanceCount) {
      // Streams appear as containers start writing, so the list grows until every instance has one.
      try {
        let token: string | undefined;
        const names: string[] = [];
        do {
          const page = await this.client.send(
            new DescribeLogStreamsCommand({
              logGroupName: this.logGroup,
              logStreamNamePrefix: `${this.jobName}/`,
              orderBy: 'LogStreamName',
              limit: token === undefined ? Math.min(this.instanceCount, 50) : 50,
              ...(token === undefined ? {} : { nextToken: token }),
            }),
            { abortSignal: signal },
          );
          for (const stream of page.logStreams ?? []) if (stream.logStreamName) names.push(stream.logStreamName);
          token = page.nextToken;
        } while (token !== undefined);
        for (const name of names) {
          if (this.#positions.has(name)) continue;
          this.#positions.set(name, { timestamp: 0, skip: 0 });
          this.#streams.push(name);
        }
      } catch (err) {
        if (awsErrorInfo(err).name !== 'ResourceNotFoundException')
          throw new AwsRequestError('DescribeLogStreams', `${this.logGroup}/${this.jobName}`, err);
      }
    }
    const perStream: { instance: number; events: { timestamp: number; message: string }[] }[] = [];
    for (const [instance, stream] of this.#streams.entries()) {
      const position = this.#positions.get(stream)!;
      let skip = position.skip;
      let token: string | undefined;
      const events: { timestamp: number; message: string }[] = [];
      for (;;) {
        let page: GetLogEventsCommandOutput;
        try {
          page = await this.client.send(
            new GetLogEventsCommand({
              logGroupName: this.logGroup,
              logStreamName: stream,
              startTime: position.timestamp,
              startFromHead: true,
              ...(token === undefined ? {} : { nextToken: token }),
            }),
            { abortSignal: signal },
          );
        } catch (err) {
          throw new AwsRequestError('GetLogEvents', `${this.logGroup}/${stream}`, err);
        }
        let got = page.events ?? [];
        if (got.length === 0) break;
        if (got.length > skip) {
          got = got.slice(skip);
          skip = 0;
        } else {
          skip -= got.length;
          got = [];
        }
        for (const event of got) events.push({ timestamp: event.timestamp ?? 0, message: event.message ?? '' });
        if (page.nextForwardToken === undefined || page.nextForwardToken === token) break;
        token = page.nextForwardToken;
      }
      perStream.push({ instance, events });
    }
    const merged: Extract<TrainingLogEntry, { kind: 'log' }>[] = [];
    const next = perStream.map(() => 0);
    for (;;) {
      let pick = -1;
      for (const [i, { events }] of perStream.entries()) {
        const event = events[next[i]!];
        if (event !== undefined && (pick < 0 || event.timestamp < perStream[pick]!.events[next[pick]!]!.timestamp))
          pick = i;
      }
      if (pick < 0) break;
      const { instance, events } = perStream[pick]!;
      const event = events[next[pick]!]!;
      next[pick]!++;
      const stream = this.#streams[instance]!;
      const position = this.#positions.get(stream)!;
      this.#positions.set(
        stream,
        event.timestamp === position.timestamp
          ? { timestamp: position.timestamp, skip: position.skip + 1 }
          : { timestamp: event.timestamp, skip: 1 },
      );
      merged.push({ kind: 'log', stream, instance, timestamp: event.timestamp, message: event.message });
    }
    return merged;
  }
}

/**
 * The round and metrics of an XGBoost evaluation line as the built-in container logs it
 * (`[12]#011train-auc:0.98#011validation-auc:0.95`: CloudWatch shows the tabs as `#011`), or
 * undefined for any other line. `round` counts finished rounds (the line's index plus one).
 *
 * @example
 * ```ts
 * parseXgboostRound('[4]#011train-logloss:0.41#011validation-logloss:0.44', 50);
 * // { round: 5, rounds: 50, metrics: { 'train-logloss': 0.41, 'validation-logloss': 0.44 } }
 * ```
 */
export function parseXgboostRound(message: string, rounds: number): TrainingProgress | undefined {
  const match = /^\[(\d+)\]((?:(?:#011|\t)[\w.@-]+:[^\s#]+)+)\s*$/.exec(message);
  if (match === null) return undefined;
  const metrics: Record<string, number> = {};
  for (const part of match[2]!.split(/#011|\t/)) {
    if (part === '') continue;
    const colon = part.lastIndexOf(':');
    const value = Number(part.slice(colon + 1));
    if (colon <= 0 || Number.isNaN(value)) return undefined;
    metrics[part.slice(0, colon)] = value;
  }
  return { round: Number(match[1]) + 1, rounds, metrics };
}

/**
 * The secondary status transitions of a `DescribeTrainingJob` not yet in `seen` (keys
 * `status|message`, updated), as the Python SDK prints them while it waits: a new status, or a new
 * message of the current one.
 *
 * @example
 * ```ts
 * const seen = new Set<string>();
 * for (const t of newStatusTransitions(description, seen)) console.log(`${t.status} - ${t.message}`);
 * ```
 */
export function newStatusTransitions(
  description: Pick<DescribeTrainingJobCommandOutput, 'SecondaryStatusTransitions'>,
  seen: Set<string>,
): Extract<TrainingLogEntry, { kind: 'status' }>[] {
  const entries: Extract<TrainingLogEntry, { kind: 'status' }>[] = [];
  for (const transition of description.SecondaryStatusTransitions ?? []) {
    const status = transition.Status ?? '';
    const message = transition.StatusMessage ?? '';
    const key = `${status}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const start = transition.StartTime;
    entries.push({ kind: 'status', status, message, timestamp: start instanceof Date ? start.getTime() : 0 });
  }
  return entries;
}

/**
 * The final metrics of a finished `DescribeTrainingJob` (`FinalMetricDataList`, e.g.
 * `{ 'validation:auc': 0.97 }`), with its training and billable seconds times the instance count,
 * as the Python SDK reports them; undefined when the job reports none of them.
 *
 * @example
 * ```ts
 * const summary = finalMetrics(await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName })));
 * console.log(summary?.metrics['validation:auc']);
 * ```
 */
export function finalMetrics(
  description: Pick<
    DescribeTrainingJobCommandOutput,
    'FinalMetricDataList' | 'TrainingTimeInSeconds' | 'BillableTimeInSeconds' | 'ResourceConfig'
  >,
): Extract<TrainingLogEntry, { kind: 'metrics' }> | undefined {
  const metrics: Record<string, number> = {};
  for (const metric of description.FinalMetricDataList ?? [])
    if (metric.MetricName !== undefined && metric.Value !== undefined) metrics[metric.MetricName] = metric.Value;
  const instances = description.ResourceConfig?.InstanceCount ?? 1;
  const training = description.TrainingTimeInSeconds;
  const billable = description.BillableTimeInSeconds;
  if (Object.keys(metrics).length === 0 && training === undefined && billable === undefined) return undefined;
  return {
    kind: 'metrics',
    metrics,
    ...(training === undefined ? {} : { trainingSeconds: training * instances }),
    ...(billable === undefined ? {} : { billableSeconds: billable * instances }),
  };
}
