import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findProblems, serviceModelForServer, validationMessage, type ServiceModel } from './service-model.js';

/**
 * A CloudWatch Logs service on 127.0.0.1 for tests, driven by the real `CloudWatchLogsClient`
 * through its `endpoint` option. It speaks the AWS JSON 1.1 protocol (`X-Amz-Target:
 * Logs_20140328.<Operation>`), checks every request against botocore's `logs` service model
 * (answering a malformed one with a `ValidationException` listing the constraints), and answers
 * the reads SageMaker's log tailing needs: `DescribeLogStreams` (prefix, name order, limit,
 * pages) and `GetLogEvents` (from the head, from a start time, pages with `nextForwardToken`,
 * the same token and no events at the end, as the service does). A missing group or stream is
 * `ResourceNotFoundException`.
 */

export interface RecordedLogsRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  status: number;
  problems: string[];
  checked: boolean;
}

interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
}

class LogsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Options of {@link LoopbackLogsServer}. */
export interface LoopbackLogsOptions {
  /** Events per GetLogEvents page (the service's default is up to 10,000). Default 10000. */
  readonly pageSize?: number;
  /** Check requests against botocore's model. Default true (under CI=true a missing model is an error). */
  readonly checkRequests?: boolean;
}

/**
 * @example
 * ```ts
 * const logs = new LoopbackLogsServer({ pageSize: 2 });
 * const client = new CloudWatchLogsClient({ endpoint: await logs.listen(), region: 'us-east-1', credentials });
 * logs.append('/aws/sagemaker/TrainingJobs', 'job-1/algo-1-1700000000', [{ timestamp: 1, message: 'hello' }]);
 * ```
 */
export class LoopbackLogsServer {
  readonly requests: RecordedLogsRequest[] = [];
  readonly #groups = new Map<string, Map<string, LogEvent[]>>();
  readonly #server: Server;
  readonly #model: ServiceModel | undefined;
  readonly #pageSize: number;

  constructor(options: LoopbackLogsOptions = {}) {
    this.#pageSize = options.pageSize ?? 10_000;
    this.#model = (options.checkRequests ?? true) ? serviceModelForServer('logs') : undefined;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** Whether requests are checked against botocore's `logs` model. */
  get checksRequests(): boolean {
    return this.#model !== undefined;
  }

  /** Adds events to a stream (creating the group and stream), as a container writing its output. */
  append(group: string, stream: string, events: readonly { timestamp: number; message: string }[]): void {
    let streams = this.#groups.get(group);
    if (streams === undefined) {
      streams = new Map();
      this.#groups.set(group, streams);
    }
    const list = streams.get(stream) ?? [];
    for (const event of events) list.push({ ...event, ingestionTime: event.timestamp + 1 });
    // The service keeps a stream's events in timestamp order.
    list.sort((a, b) => a.timestamp - b.timestamp);
    streams.set(stream, list);
  }

  /** Requests the model found malformed. */
  malformed(): RecordedLogsRequest[] {
    return this.requests.filter((r) => r.problems.length > 0);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('Logs_20140328.') ? target.slice('Logs_20140328.'.length) : target;
    const record: RecordedLogsRequest = { operation, body: {}, status: 0, problems: [], checked: false };
    this.requests.push(record);
    try {
      if (req.headers['content-type'] !== 'application/x-amz-json-1.1')
        throw new LogsError('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '))
        throw new LogsError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      (record as { body: Record<string, unknown> }).body = body;
      if (this.#model !== undefined) {
        record.checked = true;
        const problems = findProblems(this.#model, operation, body, true);
        if (problems.length > 0) {
          record.problems = problems.map((p) => `${p.where}: ${p.what}`);
          throw new LogsError('ValidationException', validationMessage(problems));
        }
      }
      const output = this.#dispatch(operation, body);
      record.status = 200;
      send(res, 200, output);
    } catch (err) {
      const error = err instanceof LogsError ? err : new LogsError('ServiceUnavailableException', String(err), 500);
      record.status = error.status;
      send(res, error.status, { __type: error.type, message: error.message }, { 'x-amzn-ErrorType': error.type });
    }
  }

  #dispatch(operation: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (operation) {
      case 'DescribeLogStreams': {
        const streams = this.#group(String(body.logGroupName));
        const prefix = typeof body.logStreamNamePrefix === 'string' ? body.logStreamNamePrefix : '';
        if (prefix !== '' && body.orderBy === 'LastEventTime')
          throw new LogsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
        const names = [...streams.keys()].filter((name) => name.startsWith(prefix)).sort();
        const start = typeof body.nextToken === 'string' ? Number(body.nextToken) : 0;
        const limit = typeof body.limit === 'number' ? body.limit : 50;
        const page = names.slice(start, start + limit);
        return {
          logStreams: page.map((name) => {
            const events = streams.get(name)!;
            return {
              logStreamName: name,
              creationTime: events[0]?.timestamp ?? 0,
              ...(events.length > 0
                ? { firstEventTimestamp: events[0]!.timestamp, lastEventTimestamp: events.at(-1)!.timestamp }
                : {}),
              arn: `arn:aws:logs:us-east-1:123456789012:log-group:${String(body.logGroupName)}:log-stream:${name}`,
            };
          }),
          ...(start + limit < names.length ? { nextToken: String(start + limit) } : {}),
        };
      }
      case 'GetLogEvents': {
        const group = this.#group(String(body.logGroupName));
        const events = group.get(String(body.logStreamName));
        if (events === undefined)
          throw new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.');
        if (body.startFromHead !== true)
          throw new LogsError('InvalidParameterException', 'this test server reads from the head only');
        const startTime = typeof body.startTime === 'number' ? body.startTime : 0;
        const matching = events.filter((e) => e.timestamp >= startTime);
        const token = typeof body.nextToken === 'string' ? body.nextToken : undefined;
        const from = token === undefined ? 0 : Number(token.slice(2));
        const limit = Math.min(typeof body.limit === 'number' ? body.limit : this.#pageSize, this.#pageSize);
        const page = matching.slice(from, from + limit);
        const next = `f/${String(from + page.length).padStart(20, '0')}`;
        return { events: page, nextForwardToken: next, nextBackwardToken: `b/${String(from).padStart(20, '0')}` };
      }
      default:
        throw new LogsError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  #group(name: string): Map<string, LogEvent[]> {
    const group = this.#groups.get(name);
    if (group === undefined)
      throw new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': `req-${Math.floor(Math.random() * 1e9)}`,
    ...headers,
  });
  res.end(text);
}
