import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  findProblems,
  restInput,
  serviceModelForServer,
  validationMessage,
  type ServiceModel,
} from './service-model.js';

/**
 * A SageMaker control plane on 127.0.0.1 for tests, driven by the real `SageMakerClient` through
 * its `endpoint` option. It speaks the AWS JSON 1.1 protocol (`POST /` with
 * `X-Amz-Target: SageMaker.<Operation>` and `Content-Type: application/x-amz-json-1.1`; errors as
 * `{"__type":"ValidationException","message":…}` with the HTTP status and an `x-amzn-ErrorType`
 * header), checks every request against botocore's SageMaker service model (required members,
 * patterns, enums, ranges, lengths; a request that breaks it is answered as AWS answers it, with a
 * `ValidationException` whose message lists each violated constraint, and InvokeEndpoint against the
 * SageMaker Runtime model, answered with its `ValidationError`), plays the job, endpoint and transform state
 * machines, records every request, and injects throttling, 5xx, failed jobs and failed endpoints
 * on demand. `POST /endpoints/{name}/invocations` plays the SageMaker Runtime's InvokeEndpoint.
 */

/** One request as the server saw it. */
export interface RecordedRequest {
  /** The operation (`CreateTrainingJob`, …) or `InvokeEndpoint`. */
  readonly operation: string;
  /** The parsed JSON body (for InvokeEndpoint, the body text). */
  readonly body: Record<string, unknown>;
  readonly rawBody: string;
  readonly headers: IncomingHttpHeaders;
  /** The HTTP status answered. */
  status: number;
  /** What botocore's service model found wrong with it (empty when valid or not checked). */
  problems: string[];
  /** Whether it was checked against the service model. */
  checked: boolean;
}

/** An error the server answers with instead of running the operation. */
export interface InjectedError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** Ready-made injected errors, as the real service sends them. */
export const THROTTLING: InjectedError = { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
export const INTERNAL_FAILURE: InjectedError = {
  status: 500,
  type: 'InternalFailure',
  message: 'An internal error occurred.',
};
export const SERVICE_UNAVAILABLE: InjectedError = {
  status: 503,
  type: 'ServiceUnavailable',
  message: 'Service is unavailable.',
};

/** Options of {@link LoopbackSageMakerServer}. */
export interface LoopbackSageMakerOptions {
  /** Describe calls that still show a training job InProgress before its final status. Default 1. */
  readonly trainingDescribes?: number;
  /** Describe calls that show an endpoint Creating before InService/Failed. Default 1. */
  readonly endpointDescribes?: number;
  /** Describe calls that show an endpoint Deleting before it is gone. Default 1. */
  readonly deleteDescribes?: number;
  /** Describe calls that show a transform job InProgress. Default 1. */
  readonly transformDescribes?: number;
  /** Runs when a training job completes (before the Describe answering Completed), e.g. to put its artifact into S3. */
  readonly onTrainingJobCompleted?: (job: TrainingJobState) => Promise<void> | void;
  /** Runs on every DescribeTrainingJob before it is answered, e.g. to write the job's log lines as it runs. */
  readonly onTrainingJobDescribed?: (job: TrainingJobState) => Promise<void> | void;
  /** The FinalMetricDataList of a completed job (as the XGBoost container's metric definitions report them). */
  readonly finalMetrics?: (job: TrainingJobState) => { MetricName: string; Value: number }[];
  /** Describes of a tuning job between two steps of its trials. Default 1. */
  readonly tuningDescribes?: number;
  /** The objective metric value a tuning trial reaches (default a fixed spread over the trials). */
  readonly trialMetric?: (hyperparameters: Readonly<Record<string, string>>, index: number) => number;
  /*
   * When `finalMetrics` reports the tuning objective for a completed trial, that value is the
   * trial's objective (what the container's training reached), in place of `trialMetric`.
   */
  /** Runs when a transform job completes, e.g. to write its `.out` file into S3. */
  readonly onTransformJobCompleted?: (job: TransformJobState) => Promise<void> | void;
  /** Entries per page of the List operations (SageMaker's MaxResults default is 10). Default 10. */
  readonly pageSize?: number;
  /**
   * Check requests against botocore's service models. Default true; under CI=true a missing model
   * is an error, locally the server warns and does not check.
   */
  readonly checkRequests?: boolean;
  /** Answers InvokeEndpoint for an InService endpoint. */
  readonly invoke?: (
    endpointName: string,
    body: string,
    headers: IncomingHttpHeaders,
  ) => { status: number; contentType: string; body: string };
}

export interface TrainingJobState {
  readonly name: string;
  readonly request: Record<string, unknown>;
  readonly artifact: string;
  status: 'InProgress' | 'Stopping' | 'Completed' | 'Failed' | 'Stopped';
  secondary: string;
  /** SecondaryStatusTransitions so far (StartTime in epoch seconds). */
  readonly transitions: { Status: string; StartTime: number; EndTime?: number; StatusMessage: string }[];
  describes: number;
  final: { status: 'Completed' } | { status: 'Failed'; reason: string } | { status: 'Stopped'; secondary: string };
  failureReason?: string;
}

export interface TuningJobState {
  readonly name: string;
  readonly request: Record<string, unknown>;
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  /** Trials started so far, in order. */
  readonly trials: string[];
  describes: number;
}

interface TuningRange {
  readonly Name: string;
  readonly MinValue: string;
  readonly MaxValue: string;
  readonly ScalingType?: string;
}

interface TuningConfig {
  readonly ResourceLimits: { readonly MaxNumberOfTrainingJobs: number; readonly MaxParallelTrainingJobs: number };
  readonly HyperParameterTuningJobObjective: { readonly Type: string; readonly MetricName: string };
  readonly ParameterRanges?: {
    readonly IntegerParameterRanges?: readonly TuningRange[];
    readonly ContinuousParameterRanges?: readonly TuningRange[];
    readonly CategoricalParameterRanges?: readonly { readonly Name: string; readonly Values: readonly string[] }[];
  };
}

interface TuningDefinition {
  readonly AlgorithmSpecification: Record<string, string>;
  readonly StaticHyperParameters?: Record<string, string>;
  readonly RoleArn: string;
  readonly InputDataConfig?: unknown;
  readonly OutputDataConfig: unknown;
  readonly ResourceConfig?: unknown;
  readonly StoppingCondition: unknown;
}

export interface EndpointState {
  readonly name: string;
  readonly configName: string;
  status: 'Creating' | 'InService' | 'Failed' | 'Deleting';
  describes: number;
  final: { status: 'InService' } | { status: 'Failed'; reason: string };
  failureReason?: string;
}

export interface TransformJobState {
  readonly name: string;
  readonly request: Record<string, unknown>;
  status: 'InProgress' | 'Stopping' | 'Completed' | 'Failed' | 'Stopped';
  describes: number;
  final: { status: 'Completed' } | { status: 'Failed'; reason: string };
  failureReason?: string;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The loopback control plane. `listen()` resolves to its URL; `close()` stops it.
 *
 * @example
 * ```ts
 * const server = new LoopbackSageMakerServer({ trainingDescribes: 1 });
 * const url = await server.listen();
 * const sagemaker = new SageMakerClient({ endpoint: url, region: 'us-east-1', credentials });
 * server.inject('CreateTrainingJob', THROTTLING, 2);
 * server.failTrainingJob('job-2', 'AlgorithmError: bad csv');
 * ```
 */
export class LoopbackSageMakerServer {
  readonly requests: RecordedRequest[] = [];
  readonly trainingJobs = new Map<string, TrainingJobState>();
  readonly models = new Map<string, Record<string, unknown>>();
  readonly endpointConfigs = new Map<string, Record<string, unknown>>();
  readonly endpoints = new Map<string, EndpointState>();
  readonly transformJobs = new Map<string, TransformJobState>();
  readonly tuningJobs = new Map<string, TuningJobState>();
  /** The objective metric value of each tuning trial (by training job name). */
  readonly #trialMetrics = new Map<
    string,
    { metric: string; type: string; value: number; tuned: Record<string, string> }
  >();
  /** Names deleted so far, in order. */
  readonly deleted = { models: [] as string[], endpointConfigs: [] as string[], endpoints: [] as string[] };

  readonly #options: LoopbackSageMakerOptions;
  readonly #server: Server;
  readonly #model: ServiceModel | undefined;
  readonly #runtimeModel: ServiceModel | undefined;
  readonly #injected = new Map<string, { error: InjectedError; when?: (body: Record<string, unknown>) => boolean }[]>();
  readonly #tags = new Map<string, unknown[]>();
  readonly #created = new Map<string, number>();
  readonly #afterApply = new Map<string, number>();
  readonly #afterApplyError = new Map<string, InjectedError>();
  readonly #failingJobs = new Map<string, string>();
  readonly #stoppingJobs = new Map<string, string>();
  readonly #failingEndpoints = new Map<string, string>();
  readonly #failingTransforms = new Map<string, string>();

  constructor(options: LoopbackSageMakerOptions = {}) {
    this.#options = options;
    const check = options.checkRequests ?? true;
    this.#model = check ? serviceModelForServer('sagemaker') : undefined;
    this.#runtimeModel = check ? serviceModelForServer('sagemaker-runtime') : undefined;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  /** Starts listening on 127.0.0.1 and an ephemeral port; resolves to `http://127.0.0.1:<port>`. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Stops the server and drops keep-alive connections. */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /**
   * The next `times` requests of `operation` (those whose body matches `when`, if given) are
   * answered with `error` instead.
   */
  inject(operation: string, error: InjectedError, times = 1, when?: (body: Record<string, unknown>) => boolean): void {
    const queue = this.#injected.get(operation) ?? [];
    for (let i = 0; i < times; i++) queue.push({ error, when });
    this.#injected.set(operation, queue);
  }

  /**
   * The next `times` requests of `operation` are carried out, then answered with `error`, as when
   * a response is lost after the service acted (a retry then meets the resource it created).
   */
  failAfterApplying(operation: string, error: InjectedError, times = 1): void {
    this.#afterApply.set(operation, (this.#afterApply.get(operation) ?? 0) + times);
    this.#afterApplyError.set(operation, error);
  }

  /** The training job `name` (created later) ends Failed with `reason`. */
  failTrainingJob(name: string, reason: string): void {
    this.#failingJobs.set(name, reason);
  }

  /** The training job `name` ends Stopped, e.g. with secondary status `MaxRuntimeExceeded`. */
  stopTrainingJobWith(name: string, secondary = 'MaxRuntimeExceeded'): void {
    this.#stoppingJobs.set(name, secondary);
  }

  /** The endpoint `name` (created later) ends Failed with `reason`. */
  failEndpoint(name: string, reason: string): void {
    this.#failingEndpoints.set(name, reason);
  }

  /** The transform job `name` ends Failed with `reason`. */
  failTransformJob(name: string, reason: string): void {
    this.#failingTransforms.set(name, reason);
  }

  /** Whether requests are checked against the service models (false when botocore is absent). */
  get checksRequests(): boolean {
    return this.#model !== undefined && this.#runtimeModel !== undefined;
  }

  /** Requests the service model found malformed (answered with a ValidationException). */
  malformed(): RecordedRequest[] {
    return this.requests.filter((r) => r.problems.length > 0);
  }

  /** Requests of one operation, in order. */
  requestsFor(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  /** The first request of one operation; throws when the operation was never called. */
  firstRequestFor(operation: string): RecordedRequest {
    const first = this.requests.find((r) => r.operation === operation);
    if (first === undefined) throw new Error(`loopback SageMaker: no ${operation} request was made`);
    return first;
  }

  /** Endpoints not being deleted, endpoint configs and models that still exist. */
  live(): { endpoints: string[]; endpointConfigs: string[]; models: string[] } {
    return {
      endpoints: [...this.endpoints.values()].filter((e) => e.status !== 'Deleting').map((e) => e.name),
      endpointConfigs: [...this.endpointConfigs.keys()],
      models: [...this.models.keys()],
    };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const rawBody = bytes.toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const invoke = /^\/endpoints\/([^/]+)\/invocations$/.exec(path);
    if (invoke !== null) {
      const record: RecordedRequest = {
        operation: 'InvokeEndpoint',
        body: { text: rawBody },
        rawBody,
        headers: req.headers,
        status: 0,
        problems: [],
        checked: false,
      };
      this.requests.push(record);
      if (this.#runtimeModel !== undefined) {
        record.checked = true;
        const input = restInput(this.#runtimeModel, 'InvokeEndpoint', path, req.headers, bytes);
        const problems = input === undefined ? [] : findProblems(this.#runtimeModel, 'InvokeEndpoint', input);
        if (problems.length > 0) {
          record.problems = problems.map((p) => `${p.where}: ${p.what}`);
          record.status = 400;
          const text = JSON.stringify({ message: validationMessage(problems) });
          res.writeHead(400, {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(text)),
            'x-amzn-ErrorType': 'ValidationError',
          });
          res.end(text);
          return;
        }
      }
      return this.#invoke(decodeURIComponent(invoke[1]!), rawBody, req, res, record);
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('SageMaker.') ? target.slice('SageMaker.'.length) : target;
    let body: Record<string, unknown> = {};
    const record: RecordedRequest = {
      operation,
      body,
      rawBody,
      headers: req.headers,
      status: 0,
      problems: [],
      checked: false,
    };
    this.requests.push(record);
    try {
      if (req.method !== 'POST' || path !== '/')
        throw new ApiError('UnknownOperationException', `no route for ${req.method} ${path}`, 404);
      if (req.headers['content-type'] !== 'application/x-amz-json-1.1') {
        throw new ApiError(
          'SerializationException',
          `Content-Type must be application/x-amz-json-1.1, got ${String(req.headers['content-type'])}`,
        );
      }
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        throw new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      }
      try {
        body = rawBody === '' ? {} : (JSON.parse(rawBody) as Record<string, unknown>);
      } catch {
        throw new ApiError('SerializationException', 'body is not JSON');
      }
      (record as { body: Record<string, unknown> }).body = body;
      if (this.#model !== undefined) {
        record.checked = true;
        const problems = findProblems(this.#model, operation, body, true);
        if (problems.length > 0) {
          record.problems = problems.map((p) => `${p.where}: ${p.what}`);
          const unknownOperation = this.#model.operations[operation] === undefined;
          throw unknownOperation
            ? new ApiError('UnknownOperationException', `Unknown operation ${operation}`)
            : new ApiError('ValidationException', validationMessage(problems));
        }
      }
      const queue = this.#injected.get(operation) ?? [];
      const index = queue.findIndex((entry) => entry.when === undefined || entry.when(body));
      if (index >= 0) {
        const { error } = queue.splice(index, 1)[0]!;
        throw new ApiError(error.type, error.message, error.status);
      }
      const output = await this.#operation(operation, body);
      const pending = this.#afterApply.get(operation) ?? 0;
      if (pending > 0) {
        this.#afterApply.set(operation, pending - 1);
        const error = this.#afterApplyError.get(operation)!;
        throw new ApiError(error.type, error.message, error.status);
      }
      record.status = 200;
      send(res, 200, output);
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError('InternalFailure', (err as Error).message, 500);
      record.status = error.status;
      send(res, error.status, { __type: error.type, message: error.message }, { 'x-amzn-ErrorType': error.type });
    }
  }

  #invoke(name: string, body: string, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
    const endpoint = this.endpoints.get(name);
    const reply = (status: number, contentType: string, text: string, headers: Record<string, string> = {}): void => {
      record.status = status;
      res.writeHead(status, {
        'content-type': contentType,
        'content-length': String(Buffer.byteLength(text)),
        ...headers,
      });
      res.end(text);
    };
    if (endpoint === undefined || endpoint.status !== 'InService') {
      const message = `Endpoint ${name} of account ${ACCOUNT} not found.`;
      return reply(400, 'application/json', JSON.stringify({ message }), { 'x-amzn-ErrorType': 'ValidationError' });
    }
    if (this.#options.invoke === undefined)
      return reply(500, 'application/json', JSON.stringify({ message: 'no invoke handler' }));
    const answer = this.#options.invoke(name, body, req.headers);
    reply(answer.status, answer.contentType, answer.body);
  }

  async #operation(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const output = await this.#dispatch(operation, body);
    const createdArn = Object.entries(output).find(([key]) => key.endsWith('Arn'))?.[1];
    if (operation.startsWith('Create') && typeof createdArn === 'string') {
      this.#tags.set(createdArn, Array.isArray(body.Tags) ? body.Tags : []);
      this.#created.set(createdArn, Date.now() / 1000);
    }
    return output;
  }

  /** One page of a List operation over `names`, filtered by NameContains and CreationTimeBefore. */
  #list(
    body: Record<string, unknown>,
    kind: string,
    names: Iterable<string>,
    entry: (name: string, arn: string, created: number) => Record<string, unknown>,
    key: string,
  ): Record<string, unknown> {
    const contains = typeof body.NameContains === 'string' ? body.NameContains.toLowerCase() : undefined;
    const before = typeof body.CreationTimeBefore === 'number' ? body.CreationTimeBefore : undefined;
    const all = [...names]
      .map((name) => ({ name, arn: arn(kind, name) }))
      .map((r) => ({ ...r, created: this.#created.get(r.arn) ?? 0 }))
      .filter(
        (r) =>
          (contains === undefined || r.name.toLowerCase().includes(contains)) &&
          (before === undefined || r.created < before),
      );
    const start = typeof body.NextToken === 'string' ? Number(body.NextToken) : 0;
    const size = typeof body.MaxResults === 'number' ? body.MaxResults : (this.#options.pageSize ?? 10);
    const page = all.slice(start, start + size);
    return {
      [key]: page.map((r) => entry(r.name, r.arn, r.created)),
      ...(start + size < all.length ? { NextToken: String(start + size) } : {}),
    };
  }

  async #dispatch(operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    switch (operation) {
      case 'ListEndpoints':
        return this.#list(
          body,
          'endpoint',
          this.endpoints.keys(),
          (name, endpointArn, created) => ({
            EndpointName: name,
            EndpointArn: endpointArn,
            CreationTime: created,
            LastModifiedTime: created,
            EndpointStatus: this.endpoints.get(name)!.status,
          }),
          'Endpoints',
        );
      case 'ListEndpointConfigs':
        return this.#list(
          body,
          'endpoint-config',
          this.endpointConfigs.keys(),
          (name, configArn, created) => ({
            EndpointConfigName: name,
            EndpointConfigArn: configArn,
            CreationTime: created,
          }),
          'EndpointConfigs',
        );
      case 'ListModels':
        return this.#list(
          body,
          'model',
          this.models.keys(),
          (name, modelArn, created) => ({ ModelName: name, ModelArn: modelArn, CreationTime: created }),
          'Models',
        );
      case 'ListTags': {
        const resourceArn = requiredString(body, 'ResourceArn');
        const tags = this.#tags.get(resourceArn);
        if (tags === undefined) throw new ApiError('ValidationException', `Could not find resource ${resourceArn}.`);
        return { Tags: tags };
      }
      case 'CreateTrainingJob':
        return this.#createTrainingJob(body);
      case 'DescribeTrainingJob':
        return this.#describeTrainingJob(body);
      case 'StopTrainingJob': {
        const job = this.#trainingJob(requiredString(body, 'TrainingJobName'));
        if (job.status !== 'InProgress') {
          throw new ApiError(
            'ValidationException',
            `The request was rejected because the training job is in status ${job.status}.`,
          );
        }
        job.status = 'Stopping';
        job.final = { status: 'Stopped', secondary: 'Stopped' };
        return {};
      }
      case 'CreateModel': {
        const name = requiredName(body, 'ModelName');
        const container = body.PrimaryContainer as Record<string, unknown> | undefined;
        if (container === undefined || typeof container.Image !== 'string') {
          throw new ApiError(
            'ValidationException',
            "1 validation error detected: Value null at 'primaryContainer.image' failed to satisfy constraint: Member must not be null",
          );
        }
        if (this.models.has(name))
          throw new ApiError('ValidationException', `Cannot create already existing model "${arn('model', name)}".`);
        this.models.set(name, body);
        return { ModelArn: arn('model', name) };
      }
      case 'DeleteModel': {
        const name = requiredString(body, 'ModelName');
        if (!this.models.delete(name))
          throw new ApiError('ValidationException', `Could not find model "${arn('model', name)}".`);
        this.deleted.models.push(name);
        return {};
      }
      case 'CreateEndpointConfig': {
        const name = requiredName(body, 'EndpointConfigName');
        const variants = body.ProductionVariants;
        if (!Array.isArray(variants) || variants.length === 0) {
          throw new ApiError(
            'ValidationException',
            "1 validation error detected: Value null at 'productionVariants' failed to satisfy constraint: Member must not be null",
          );
        }
        for (const variant of variants as Record<string, unknown>[]) {
          if (typeof variant.VariantName !== 'string')
            throw new ApiError(
              'ValidationException',
              "Value null at 'productionVariants.1.member.variantName' failed to satisfy constraint: Member must not be null",
            );
          if (typeof variant.ModelName !== 'string' || !this.models.has(variant.ModelName)) {
            throw new ApiError(
              'ValidationException',
              `Could not find model "${arn('model', String(variant.ModelName))}".`,
            );
          }
        }
        if (this.endpointConfigs.has(name)) {
          throw new ApiError(
            'ValidationException',
            `Cannot create already existing endpoint configuration "${arn('endpoint-config', name)}".`,
          );
        }
        this.endpointConfigs.set(name, body);
        return { EndpointConfigArn: arn('endpoint-config', name) };
      }
      case 'DescribeEndpointConfig': {
        const name = requiredString(body, 'EndpointConfigName');
        const config = this.endpointConfigs.get(name);
        if (config === undefined)
          throw new ApiError(
            'ValidationException',
            `Could not find endpoint configuration "${arn('endpoint-config', name)}".`,
          );
        return {
          EndpointConfigName: name,
          EndpointConfigArn: arn('endpoint-config', name),
          ProductionVariants: config.ProductionVariants,
          CreationTime: this.#created.get(arn('endpoint-config', name)) ?? 0,
        };
      }
      case 'DeleteEndpointConfig': {
        const name = requiredString(body, 'EndpointConfigName');
        if (!this.endpointConfigs.delete(name)) {
          throw new ApiError(
            'ValidationException',
            `Could not find endpoint configuration "${arn('endpoint-config', name)}".`,
          );
        }
        this.deleted.endpointConfigs.push(name);
        return {};
      }
      case 'CreateEndpoint': {
        const name = requiredName(body, 'EndpointName');
        const configName = requiredString(body, 'EndpointConfigName');
        if (!this.endpointConfigs.has(configName)) {
          throw new ApiError(
            'ValidationException',
            `Could not find endpoint configuration "${arn('endpoint-config', configName)}".`,
          );
        }
        if (this.endpoints.has(name))
          throw new ApiError(
            'ValidationException',
            `Cannot create already existing endpoint "${arn('endpoint', name)}".`,
          );
        const reason = this.#failingEndpoints.get(name);
        this.endpoints.set(name, {
          name,
          configName,
          status: 'Creating',
          describes: 0,
          final: reason === undefined ? { status: 'InService' } : { status: 'Failed', reason },
        });
        return { EndpointArn: arn('endpoint', name) };
      }
      case 'DescribeEndpoint':
        return this.#describeEndpoint(body);
      case 'DeleteEndpoint': {
        const endpoint = this.#endpoint(requiredString(body, 'EndpointName'));
        // SageMaker refuses to delete an endpoint that is still being created (users report endpoints
        // stuck in Creating that cannot be deleted until they settle: amazon-sagemaker-examples#3432).
        if (endpoint.status === 'Creating') {
          throw new ApiError(
            'ValidationException',
            `Cannot delete endpoint "${arn('endpoint', endpoint.name)}" while it is in Creating status.`,
          );
        }
        if (endpoint.status !== 'Deleting') {
          endpoint.status = 'Deleting';
          endpoint.describes = 0;
          this.deleted.endpoints.push(endpoint.name);
        }
        return {};
      }
      case 'CreateHyperParameterTuningJob':
        return this.#createTuningJob(body);
      case 'DescribeHyperParameterTuningJob':
        return this.#describeTuningJob(body);
      case 'StopHyperParameterTuningJob': {
        const job = this.#tuningJob(requiredString(body, 'HyperParameterTuningJobName'));
        if (job.status !== 'InProgress')
          throw new ApiError('ValidationException', `The hyperparameter tuning job is in status ${job.status}.`);
        // SageMaker stops the trials on its own time: right after this call they still run.
        job.status = 'Stopping';
        return {};
      }
      case 'ListTrainingJobsForHyperParameterTuningJob': {
        const job = this.#tuningJob(requiredString(body, 'HyperParameterTuningJobName'));
        const start = typeof body.NextToken === 'string' ? Number(body.NextToken) : 0;
        const size = typeof body.MaxResults === 'number' ? body.MaxResults : 50;
        const page = job.trials.slice(start, start + size);
        return {
          TrainingJobSummaries: page.map((name) => this.#trialSummary(name)),
          ...(start + size < job.trials.length ? { NextToken: String(start + size) } : {}),
        };
      }
      case 'CreateTransformJob':
        return this.#createTransformJob(body);
      case 'DescribeTransformJob':
        return this.#describeTransformJob(body);
      case 'StopTransformJob': {
        const job = this.transformJobs.get(requiredString(body, 'TransformJobName'));
        if (job === undefined) throw new ApiError('ValidationException', 'Requested resource not found.');
        if (job.status === 'InProgress') job.status = 'Stopped';
        return {};
      }
      default:
        throw new ApiError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  #createTrainingJob(body: Record<string, unknown>): Record<string, unknown> {
    const name = requiredName(body, 'TrainingJobName');
    const algorithm = requiredObject(body, 'AlgorithmSpecification');
    requiredString(algorithm, 'TrainingInputMode', 'algorithmSpecification.trainingInputMode');
    if (typeof algorithm.TrainingImage !== 'string' && typeof algorithm.AlgorithmName !== 'string') {
      throw new ApiError('ValidationException', 'Either an algorithm name or a training image must be specified.');
    }
    requiredString(body, 'RoleArn');
    const output = requiredObject(body, 'OutputDataConfig');
    const outputPath = requiredString(output, 'S3OutputPath', 'outputDataConfig.s3OutputPath');
    const resources = requiredObject(body, 'ResourceConfig');
    requiredString(resources, 'InstanceType', 'resourceConfig.instanceType');
    requiredNumber(resources, 'InstanceCount', 'resourceConfig.instanceCount');
    requiredNumber(resources, 'VolumeSizeInGB', 'resourceConfig.volumeSizeInGB');
    const stopping = requiredObject(body, 'StoppingCondition');
    const maxRuntime = requiredNumber(stopping, 'MaxRuntimeInSeconds', 'stoppingCondition.maxRuntimeInSeconds');
    if (body.EnableManagedSpotTraining === true) {
      const maxWait = stopping.MaxWaitTimeInSeconds;
      if (typeof maxWait !== 'number') {
        throw new ApiError(
          'ValidationException',
          'MaxWaitTimeInSeconds must be specified when EnableManagedSpotTraining is true.',
        );
      }
      if (maxWait < maxRuntime)
        throw new ApiError(
          'ValidationException',
          'MaxWaitTimeInSeconds must be greater than or equal to MaxRuntimeInSeconds.',
        );
    }
    const hyperparameters = body.HyperParameters;
    if (hyperparameters !== undefined) {
      if (typeof hyperparameters !== 'object' || hyperparameters === null)
        throw new ApiError('SerializationException', 'HyperParameters must be a map');
      for (const [key, value] of Object.entries(hyperparameters)) {
        if (typeof value !== 'string')
          throw new ApiError(
            'SerializationException',
            `HyperParameters.${key}: expected a string, got ${typeof value}`,
          );
      }
    }
    const channels = body.InputDataConfig;
    if (channels !== undefined) {
      if (!Array.isArray(channels)) throw new ApiError('SerializationException', 'InputDataConfig must be a list');
      for (const channel of channels as Record<string, unknown>[]) {
        requiredString(channel, 'ChannelName', 'inputDataConfig.member.channelName');
        const source = requiredObject(channel, 'DataSource', 'inputDataConfig.member.dataSource');
        const s3 = requiredObject(source, 'S3DataSource', 'inputDataConfig.member.dataSource.s3DataSource');
        requiredString(s3, 'S3DataType', 'inputDataConfig.member.dataSource.s3DataSource.s3DataType');
        requiredString(s3, 'S3Uri', 'inputDataConfig.member.dataSource.s3DataSource.s3Uri');
      }
    }
    if (this.trainingJobs.has(name))
      throw new ApiError(
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn('training-job', name)})`,
      );
    const failure = this.#failingJobs.get(name);
    const stop = this.#stoppingJobs.get(name);
    this.trainingJobs.set(name, {
      name,
      request: body,
      artifact: `${outputPath.replace(/\/+$/, '')}/${name}/output/model.tar.gz`,
      status: 'InProgress',
      secondary: 'Starting',
      transitions: [],
      describes: 0,
      final:
        failure !== undefined
          ? { status: 'Failed', reason: failure }
          : stop !== undefined
            ? { status: 'Stopped', secondary: stop }
            : { status: 'Completed' },
    });
    return { TrainingJobArn: arn('training-job', name) };
  }

  async #describeTrainingJob(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const job = this.#trainingJob(requiredString(body, 'TrainingJobName'));
    job.describes++;
    if (
      (job.status === 'InProgress' || job.status === 'Stopping') &&
      job.describes > (this.#options.trainingDescribes ?? 1)
    ) {
      if (job.final.status === 'Completed') {
        await this.#options.onTrainingJobCompleted?.(job);
        job.status = 'Completed';
        job.secondary = 'Completed';
      } else if (job.final.status === 'Failed') {
        job.status = 'Failed';
        job.secondary = 'Failed';
        job.failureReason = job.final.reason;
      } else {
        job.status = 'Stopped';
        job.secondary = job.final.secondary;
      }
    } else if (job.status === 'InProgress') {
      job.secondary = job.describes <= 1 ? 'Starting' : 'Training';
    }
    transition(job);
    await this.#options.onTrainingJobDescribed?.(job);
    const request = job.request;
    const trialMetric = this.#trialMetrics.get(job.name);
    const metrics =
      job.status !== 'Completed'
        ? undefined
        : (this.#options.finalMetrics?.(job) ??
          (trialMetric !== undefined ? [{ MetricName: trialMetric.metric, Value: trialMetric.value }] : undefined));
    return {
      TrainingJobName: job.name,
      SecondaryStatusTransitions: job.transitions,
      ...(metrics !== undefined
        ? { FinalMetricDataList: metrics.map((m) => ({ ...m, Timestamp: 1_700_000_170 })) }
        : {}),
      TrainingJobArn: arn('training-job', job.name),
      TrainingJobStatus: job.status,
      SecondaryStatus: job.secondary,
      ...(job.failureReason !== undefined ? { FailureReason: job.failureReason } : {}),
      ...(job.status === 'Completed' ? { ModelArtifacts: { S3ModelArtifacts: job.artifact } } : { ModelArtifacts: {} }),
      AlgorithmSpecification: request.AlgorithmSpecification,
      RoleArn: request.RoleArn,
      InputDataConfig: request.InputDataConfig,
      OutputDataConfig: request.OutputDataConfig,
      ResourceConfig: request.ResourceConfig,
      StoppingCondition: request.StoppingCondition,
      HyperParameters: request.HyperParameters,
      CreationTime: 1_700_000_000,
      ...(job.status === 'Completed' || job.status === 'Failed' || job.status === 'Stopped'
        ? {
            TrainingStartTime: 1_700_000_060,
            TrainingEndTime: 1_700_000_180,
            TrainingTimeInSeconds: 120,
            BillableTimeInSeconds: 120,
          }
        : {}),
      LastModifiedTime: 1_700_000_000 + job.describes,
    };
  }

  #describeEndpoint(body: Record<string, unknown>): Record<string, unknown> {
    const endpoint = this.#endpoint(requiredString(body, 'EndpointName'));
    endpoint.describes++;
    if (endpoint.status === 'Deleting' && endpoint.describes > (this.#options.deleteDescribes ?? 1)) {
      this.endpoints.delete(endpoint.name);
      throw new ApiError('ValidationException', `Could not find endpoint "${arn('endpoint', endpoint.name)}".`);
    }
    if (endpoint.status === 'Creating' && endpoint.describes > (this.#options.endpointDescribes ?? 1)) {
      endpoint.status = endpoint.final.status;
      if (endpoint.final.status === 'Failed') endpoint.failureReason = endpoint.final.reason;
    }
    return {
      EndpointName: endpoint.name,
      EndpointArn: arn('endpoint', endpoint.name),
      EndpointConfigName: endpoint.configName,
      EndpointStatus: endpoint.status,
      ...(endpoint.failureReason !== undefined ? { FailureReason: endpoint.failureReason } : {}),
      CreationTime: 1_700_000_000,
      LastModifiedTime: 1_700_000_000 + endpoint.describes,
    };
  }

  #createTransformJob(body: Record<string, unknown>): Record<string, unknown> {
    const name = requiredName(body, 'TransformJobName');
    const modelName = requiredString(body, 'ModelName');
    if (!this.models.has(modelName))
      throw new ApiError('ValidationException', `Could not find model "${arn('model', modelName)}".`);
    const input = requiredObject(body, 'TransformInput');
    const source = requiredObject(
      requiredObject(input, 'DataSource', 'transformInput.dataSource'),
      'S3DataSource',
      'transformInput.dataSource.s3DataSource',
    );
    requiredString(source, 'S3DataType', 'transformInput.dataSource.s3DataSource.s3DataType');
    requiredString(source, 'S3Uri', 'transformInput.dataSource.s3DataSource.s3Uri');
    requiredString(requiredObject(body, 'TransformOutput'), 'S3OutputPath', 'transformOutput.s3OutputPath');
    const resources = requiredObject(body, 'TransformResources');
    requiredString(resources, 'InstanceType', 'transformResources.instanceType');
    requiredNumber(resources, 'InstanceCount', 'transformResources.instanceCount');
    if (this.transformJobs.has(name))
      throw new ApiError(
        'ResourceInUse',
        `Job name must be unique within an AWS account and region, and a job with this name already exists (${arn('transform-job', name)})`,
      );
    const reason = this.#failingTransforms.get(name);
    this.transformJobs.set(name, {
      name,
      request: body,
      status: 'InProgress',
      describes: 0,
      final: reason === undefined ? { status: 'Completed' } : { status: 'Failed', reason },
    });
    return { TransformJobArn: arn('transform-job', name) };
  }

  async #describeTransformJob(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const job = this.transformJobs.get(requiredString(body, 'TransformJobName'));
    if (job === undefined) throw new ApiError('ValidationException', 'Requested resource not found.');
    job.describes++;
    if (job.status === 'InProgress' && job.describes > (this.#options.transformDescribes ?? 1)) {
      if (job.final.status === 'Completed') {
        await this.#options.onTransformJobCompleted?.(job);
        job.status = 'Completed';
      } else {
        job.status = 'Failed';
        job.failureReason = job.final.reason;
      }
    }
    return {
      TransformJobName: job.name,
      TransformJobArn: arn('transform-job', job.name),
      TransformJobStatus: job.status,
      ...(job.failureReason !== undefined ? { FailureReason: job.failureReason } : {}),
      ModelName: job.request.ModelName,
      TransformInput: job.request.TransformInput,
      TransformOutput: job.request.TransformOutput,
      TransformResources: job.request.TransformResources,
      CreationTime: 1_700_000_000,
    };
  }

  #tuningJob(name: string): TuningJobState {
    const job = this.tuningJobs.get(name);
    if (job === undefined)
      throw new ApiError('ResourceNotFound', `Amazon SageMaker can't find a tuning job with name ${name}`);
    return job;
  }

  #createTuningJob(body: Record<string, unknown>): Record<string, unknown> {
    const name = requiredString(body, 'HyperParameterTuningJobName');
    const config = requiredObject(body, 'HyperParameterTuningJobConfig');
    const definition = requiredObject(body, 'TrainingJobDefinition');
    if (this.tuningJobs.has(name))
      throw new ApiError(
        'ResourceInUse',
        `Hyperparameter tuning job ${arn('hyper-parameter-tuning-job', name)} already exists`,
      );
    const algorithm = definition.AlgorithmSpecification as Record<string, unknown>;
    if (
      typeof algorithm.TrainingImage === 'string' &&
      algorithm.TrainingImage.includes('sagemaker-xgboost') &&
      algorithm.MetricDefinitions !== undefined
    )
      throw new ApiError(
        'ValidationException',
        "You can't override the metric definitions for Amazon SageMaker algorithms.",
      );
    this.tuningJobs.set(name, { name, request: body, status: 'InProgress', trials: [], describes: 0 });
    void config;
    this.#advanceTuning(this.tuningJobs.get(name)!);
    return { HyperParameterTuningJobArn: arn('hyper-parameter-tuning-job', name) };
  }

  /** Starts trials up to the parallel limit, as SageMaker does while a tuning job runs. */
  #advanceTuning(job: TuningJobState): void {
    const config = job.request.HyperParameterTuningJobConfig as TuningConfig;
    const limits = config.ResourceLimits;
    const objective = config.HyperParameterTuningJobObjective;
    const definition = job.request.TrainingJobDefinition as TuningDefinition;
    const running = job.trials.filter((t) => this.trainingJobs.get(t)?.status === 'InProgress').length;
    let room = limits.MaxParallelTrainingJobs - running;
    while (job.status === 'InProgress' && room > 0 && job.trials.length < limits.MaxNumberOfTrainingJobs) {
      const index = job.trials.length;
      const fraction = (index + 0.5) / limits.MaxNumberOfTrainingJobs;
      const tuned: Record<string, string> = {};
      const ranges = config.ParameterRanges ?? {};
      for (const range of ranges.IntegerParameterRanges ?? []) {
        const [lo, hi] = [Number(range.MinValue), Number(range.MaxValue)];
        tuned[range.Name] = String(Math.round(lo + fraction * (hi - lo)));
      }
      for (const range of ranges.ContinuousParameterRanges ?? []) {
        const [lo, hi] = [Number(range.MinValue), Number(range.MaxValue)];
        tuned[range.Name] = String(
          range.ScalingType === 'Logarithmic'
            ? Math.exp(Math.log(lo) + fraction * (Math.log(hi) - Math.log(lo)))
            : lo + fraction * (hi - lo),
        );
      }
      for (const range of ranges.CategoricalParameterRanges ?? [])
        tuned[range.Name] = range.Values[index % range.Values.length]!;
      const hex = [...`${job.name}${index}`]
        .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
        .toString(16)
        .padStart(8, '0')
        .slice(-8);
      const trial = `${job.name}-${String(index + 1).padStart(3, '0')}-${hex}`;
      const { TrainingImage, TrainingInputMode } = definition.AlgorithmSpecification as Record<string, string>;
      const hyperparameters = {
        ...definition.StaticHyperParameters,
        ...tuned,
        _tuning_objective_metric: objective.MetricName,
      };
      this.#createTrainingJob({
        TrainingJobName: trial,
        AlgorithmSpecification: { TrainingImage, TrainingInputMode },
        RoleArn: definition.RoleArn,
        InputDataConfig: definition.InputDataConfig,
        OutputDataConfig: definition.OutputDataConfig,
        ResourceConfig: definition.ResourceConfig,
        StoppingCondition: definition.StoppingCondition,
        HyperParameters: hyperparameters,
      });
      const value = this.#options.trialMetric?.(hyperparameters, index) ?? 0.8 + ((index * 37) % 17) / 100;
      this.#trialMetrics.set(trial, { metric: objective.MetricName, type: objective.Type, value, tuned });
      job.trials.push(trial);
      room--;
    }
  }

  /** A completed trial's objective: what `finalMetrics` reports for it, else the drawn value. */
  #trialValue(name: string): number {
    const trial = this.trainingJobs.get(name)!;
    const metric = this.#trialMetrics.get(name)!;
    if (trial.status !== 'Completed') return metric.value;
    const reported = this.#options.finalMetrics?.(trial).find((m) => m.MetricName === metric.metric);
    return reported?.Value ?? metric.value;
  }

  #trialSummary(name: string): Record<string, unknown> {
    const trial = this.trainingJobs.get(name)!;
    const metric = { ...this.#trialMetrics.get(name)!, value: this.#trialValue(name) };
    return {
      TrainingJobName: name,
      TrainingJobArn: arn('training-job', name),
      CreationTime: 1_700_000_000,
      TrainingJobStatus: trial.status,
      TunedHyperParameters: metric.tuned,
      ...(trial.status === 'Completed'
        ? {
            FinalHyperParameterTuningJobObjectiveMetric: {
              Type: metric.type,
              MetricName: metric.metric,
              Value: metric.value,
            },
          }
        : {}),
    };
  }

  async #describeTuningJob(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const job = this.#tuningJob(requiredString(body, 'HyperParameterTuningJobName'));
    job.describes++;
    if (
      job.describes % (this.#options.tuningDescribes ?? 1) === 0 &&
      (job.status === 'InProgress' || job.status === 'Stopping')
    ) {
      // Each step, every running trial moves on (as if described), then new ones start.
      for (const trial of job.trials) {
        const state = this.trainingJobs.get(trial)!;
        if (job.status === 'Stopping' && state.status === 'InProgress') {
          state.status = 'Stopping';
          state.final = { status: 'Stopped', secondary: 'Stopped' };
        }
        if (state.status === 'InProgress' || state.status === 'Stopping')
          await this.#describeTrainingJob({ TrainingJobName: trial });
      }
      this.#advanceTuning(job);
      const config = job.request.HyperParameterTuningJobConfig as TuningConfig;
      const done = job.trials.every((t) => !['InProgress', 'Stopping'].includes(this.trainingJobs.get(t)!.status));
      if (done && job.status === 'Stopping') job.status = 'Stopped';
      else if (done && job.trials.length >= config.ResourceLimits.MaxNumberOfTrainingJobs) job.status = 'Completed';
    }
    const count = (status: string): number =>
      job.trials.filter((t) => this.trainingJobs.get(t)!.status === status).length;
    const completed = job.trials.filter((t) => this.trainingJobs.get(t)!.status === 'Completed');
    const objective = (job.request.HyperParameterTuningJobConfig as TuningConfig).HyperParameterTuningJobObjective;
    const sign = objective.Type === 'Maximize' ? 1 : -1;
    const best = completed.sort((a, b) => sign * (this.#trialValue(b) - this.#trialValue(a)))[0];
    return {
      HyperParameterTuningJobName: job.name,
      HyperParameterTuningJobArn: arn('hyper-parameter-tuning-job', job.name),
      HyperParameterTuningJobConfig: job.request.HyperParameterTuningJobConfig,
      TrainingJobDefinition: job.request.TrainingJobDefinition,
      HyperParameterTuningJobStatus: job.status,
      CreationTime: 1_700_000_000,
      TrainingJobStatusCounters: {
        Completed: count('Completed'),
        InProgress: count('InProgress') + count('Stopping'),
        RetryableError: 0,
        NonRetryableError: count('Failed'),
        Stopped: count('Stopped'),
      },
      ObjectiveStatusCounters: {
        Succeeded: completed.length,
        Pending: job.trials.length - completed.length,
        Failed: 0,
      },
      ...(best !== undefined
        ? {
            BestTrainingJob: {
              ...this.#trialSummary(best),
              TrainingStartTime: 1_700_000_060,
              TrainingEndTime: 1_700_000_180,
            },
          }
        : {}),
    };
  }

  #trainingJob(name: string): TrainingJobState {
    const job = this.trainingJobs.get(name);
    if (job === undefined) throw new ApiError('ValidationException', 'Requested resource not found.');
    return job;
  }

  #endpoint(name: string): EndpointState {
    const endpoint = this.endpoints.get(name);
    if (endpoint === undefined)
      throw new ApiError('ValidationException', `Could not find endpoint "${arn('endpoint', name)}".`);
    return endpoint;
  }
}

// SageMaker's messages for the secondary statuses this server plays.
const STATUS_MESSAGES: Record<string, string> = {
  Starting: 'Launching requested ML instances',
  Training: 'Training image download completed. Training in progress.',
  Completed: 'Training job completed',
  Failed: 'Training job failed',
  Stopped: 'Training job stopped',
  MaxRuntimeExceeded: 'Training job stopped: it reached its maximum runtime',
};

/** Records a change of the job's secondary status as SageMaker's SecondaryStatusTransitions do. */
function transition(job: TrainingJobState): void {
  const last = job.transitions.at(-1);
  if (last?.Status === job.secondary) return;
  const now = 1_700_000_000 + job.describes * 10;
  if (last !== undefined) last.EndTime = now;
  job.transitions.push({
    Status: job.secondary,
    StartTime: now,
    StatusMessage: STATUS_MESSAGES[job.secondary] ?? job.secondary,
  });
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

function arn(kind: string, name: string): string {
  return `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${name.toLowerCase()}`;
}

function nullError(path: string): ApiError {
  return new ApiError(
    'ValidationException',
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function requiredString(body: Record<string, unknown>, key: string, path = lowerFirst(key)): string {
  const value = body[key];
  if (value === undefined || value === null) throw nullError(path);
  if (typeof value !== 'string') throw new ApiError('SerializationException', `${path}: expected a string`);
  return value;
}

function requiredNumber(body: Record<string, unknown>, key: string, path = lowerFirst(key)): number {
  const value = body[key];
  if (value === undefined || value === null) throw nullError(path);
  if (typeof value !== 'number') throw new ApiError('SerializationException', `${path}: expected a number`);
  return value;
}

function requiredObject(body: Record<string, unknown>, key: string, path = lowerFirst(key)): Record<string, unknown> {
  const value = body[key];
  if (value === undefined || value === null) throw nullError(path);
  if (typeof value !== 'object') throw new ApiError('SerializationException', `${path}: expected an object`);
  return value as Record<string, unknown>;
}

function requiredName(body: Record<string, unknown>, key: string): string {
  const name = requiredString(body, key);
  if (!NAME.test(name)) {
    throw new ApiError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at '${lowerFirst(key)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
    );
  }
  return name;
}
