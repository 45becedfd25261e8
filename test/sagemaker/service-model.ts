/**
 * AWS's own description of the SageMaker APIs: the service models botocore ships (Debian's
 * `python3-botocore`, `botocore/data/<service>/<version>/service-2.json`), with the required
 * members, patterns, enums, lengths and ranges the JavaScript SDK does not check. The tests
 * validate every request they capture against them, so a request the real service would refuse
 * with a `ValidationException` fails here first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';

const BOTOCORE_DATA = '/usr/lib/python3/dist-packages/botocore/data';

interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Record<string, { readonly shape: string }>;
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

/** One service's model: its operations' input shapes and every shape. */
export interface ServiceModel {
  readonly service: string;
  readonly file: string;
  readonly protocol: string;
  readonly targetPrefix?: string;
  readonly operations: Record<
    string,
    { readonly input?: { readonly shape: string }; readonly http?: { readonly requestUri: string } }
  >;
  readonly shapes: Record<string, Shape>;
}

/** The services whose botocore models the tests read. */
export type CheckedService = 'sagemaker' | 'sagemaker-runtime' | 'logs';

/** The model of `service`, or undefined when botocore is not installed. */
export function loadServiceModel(service: CheckedService): ServiceModel | undefined {
  const dir = path.join(BOTOCORE_DATA, service);
  if (!existsSync(dir)) return undefined;
  const version = readdirSync(dir).sort().at(-1);
  if (version === undefined) return undefined;
  const file = path.join(dir, version, 'service-2.json');
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as Pick<ServiceModel, 'operations' | 'shapes'> & {
    metadata: { protocol: string; targetPrefix?: string };
  };
  return {
    service,
    file,
    protocol: json.metadata.protocol,
    ...(json.metadata.targetPrefix !== undefined ? { targetPrefix: json.metadata.targetPrefix } : {}),
    operations: json.operations,
    shapes: json.shapes,
  };
}

/**
 * The model of `service` for a loopback server: under CI=true a missing model is an error (CI
 * installs python3-botocore, see `.ci/run`), locally undefined with a warning that says what is
 * not checked.
 */
export function serviceModelForServer(service: CheckedService): ServiceModel | undefined {
  const model = loadServiceModel(service);
  if (model !== undefined) return model;
  const why = `botocore's ${service} service model (${BOTOCORE_DATA}/${service}) is missing: python3-botocore is not installed`;
  if (process.env.CI === 'true')
    throw new Error(`${why}; CI installs it (.ci/run), so the request checks cannot be skipped`);
  console.warn(`${why}: the loopback server does NOT check request shapes`);
  return undefined;
}

/** One thing wrong with a request, as the service model sees it. */
export interface Problem {
  /** Where, in the SDK's member names (`CreateTrainingJob.ResourceConfig.InstanceCount`). */
  readonly where: string;
  /** Where, as AWS's validation messages spell it (`resourceConfig.instanceCount`). */
  readonly awsPath: string;
  /** The offending value (undefined for a missing member). */
  readonly value: unknown;
  /** What is wrong, in the words of this checker. */
  readonly what: string;
  /** The constraint, in the words of AWS's validation messages. */
  readonly constraint: string;
  readonly shape: string;
}

/**
 * What the service model says is wrong with an operation's input: missing required members,
 * members the operation does not have, strings outside their length or pattern or enum, numbers
 * outside their range, lists and maps outside their size, blobs over their size. Empty when valid.
 * `wire: true` reads the input as the JSON protocols put it on the wire (blobs as base64).
 */
export function validateRequest(model: ServiceModel, operation: string, input: unknown, wire = false): string[] {
  return findProblems(model, operation, input, wire).map((p) => `${p.where}: ${p.what} (shape ${p.shape})`);
}

/** The problems of {@link validateRequest}, structured. */
export function findProblems(model: ServiceModel, operation: string, input: unknown, wire = false): Problem[] {
  const spec = model.operations[operation];
  if (spec === undefined) {
    return [
      {
        where: operation,
        awsPath: '',
        value: operation,
        what: `not an operation of ${model.service}`,
        constraint: `Member must be an operation of ${model.service}`,
        shape: '',
      },
    ];
  }
  if (spec.input === undefined) return [];
  const problems: Problem[] = [];
  check(model, spec.input.shape, input, operation, '', problems, wire);
  return problems;
}

/**
 * The message AWS answers a request that breaks its model with (`ValidationException`):
 * `2 validation errors detected: Value 'a_b' at 'trainingJobName' failed to satisfy constraint:
 * Member must satisfy regular expression pattern: …; Value null at 'roleArn' failed to …`.
 */
export function validationMessage(problems: readonly Problem[]): string {
  const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: `;
  return (
    count +
    problems
      .map(
        (p) =>
          `Value ${p.value === undefined ? 'null' : `'${typeof p.value === 'string' ? p.value : JSON.stringify(p.value)}'`} at '${p.awsPath}' failed to satisfy constraint: ${p.constraint}`,
      )
      .join('; ')
  );
}

/**
 * The input of a REST operation (SageMaker Runtime's InvokeEndpoint) rebuilt from the HTTP request
 * as the model places its members: `uri` members from the path, `header` members from the headers,
 * the payload member from the body. Undefined when the path is not the operation's.
 */
export function restInput(
  model: ServiceModel,
  operation: string,
  urlPath: string,
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array,
): Record<string, unknown> | undefined {
  const spec = model.operations[operation];
  if (spec?.http === undefined || spec.input === undefined) return undefined;
  const names: string[] = [];
  const template = spec.http.requestUri
    .split('?')[0]!
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name.replace(/\+$/, ''));
      return '([^/]+)';
    });
  const match = new RegExp(`^${template}$`).exec(urlPath);
  if (match === null) return undefined;
  const shape = model.shapes[spec.input.shape] as Shape & {
    members: Record<string, { shape: string; location?: string; locationName?: string }>;
  };
  const input: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(shape.members)) {
    if (member.location === 'uri') {
      const index = names.indexOf(member.locationName ?? name);
      if (index >= 0) input[name] = decodeURIComponent(match[index + 1]!);
    } else if (member.location === 'header') {
      const value = headers[(member.locationName ?? name).toLowerCase()];
      if (value !== undefined) input[name] = Array.isArray(value) ? value.join(',') : value;
    } else if (member.location === undefined && model.shapes[member.shape]?.type === 'blob') {
      input[name] = body;
    }
  }
  return input;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function check(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  where: string,
  awsPath: string,
  problems: Problem[],
  wire: boolean,
): void {
  const shape = model.shapes[shapeName];
  const fail = (what: string, constraint: string, offending: unknown = value): void => {
    problems.push({ where, awsPath, value: offending, what, constraint, shape: shapeName });
  };
  if (shape === undefined) return fail(`unknown shape ${shapeName}`, `Member must have a known shape`);
  const join = (name: string): string => (awsPath === '' ? lowerFirst(name) : `${awsPath}.${lowerFirst(name)}`);
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(`expected an object, got ${JSON.stringify(value)}`, 'Member must be a structure');
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? [])
        if (record[name] === undefined || record[name] === null)
          problems.push({
            where: `${where}.${name}`,
            awsPath: join(name),
            value: undefined,
            what: `missing required member ${name}`,
            constraint: 'Member must not be null',
            shape: shapeName,
          });
      for (const [name, member] of Object.entries(record)) {
        if (member === undefined || member === null) continue;
        const memberSpec = shape.members?.[name];
        if (memberSpec === undefined)
          problems.push({
            where,
            awsPath: join(name),
            value: member,
            what: `unknown member ${name}`,
            constraint: `Member must be one of the members of ${shapeName}`,
            shape: shapeName,
          });
        else check(model, memberSpec.shape, member, `${where}.${name}`, join(name), problems, wire);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return fail('expected a list', 'Member must be a list');
      sized(value.length, shape, fail, 'entries', 'length');
      value.forEach((entry, i) =>
        check(model, shape.member!.shape, entry, `${where}[${i}]`, `${awsPath}.${i + 1}.member`, problems, wire),
      );
      return;
    }
    case 'map': {
      if (value === null || typeof value !== 'object') return fail('expected a map', 'Member must be a map');
      const entries = Object.entries(value as Record<string, unknown>);
      sized(entries.length, shape, fail, 'entries', 'length');
      for (const [key, entry] of entries) {
        check(model, shape.key!.shape, key, `${where} key ${JSON.stringify(key)}`, `${awsPath}.key`, problems, wire);
        check(
          model,
          shape.value!.shape,
          entry,
          `${where}[${JSON.stringify(key)}]`,
          `${awsPath}.${key}`,
          problems,
          wire,
        );
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string')
        return fail(`expected a string, got ${JSON.stringify(value)}`, 'Member must be a string');
      sized([...value].length, shape, fail, 'characters', 'length');
      if (shape.enum !== undefined && !shape.enum.includes(value))
        fail(
          `${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`,
          `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
        );
      // The models' patterns are Java regular expressions that the service matches against the whole
      // value (String.matches: SageMaker refuses `job_4` although `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`
      // finds `job` in it); those used here read the same in JavaScript with the u flag.
      if (shape.pattern !== undefined && !new RegExp(`^(?:${shape.pattern})$`, 'u').test(value))
        fail(
          `${JSON.stringify(value)} does not match ${shape.pattern}`,
          `Member must satisfy regular expression pattern: ${shape.pattern}`,
        );
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return fail(`expected a number, got ${JSON.stringify(value)}`, 'Member must be a number');
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value))
        fail(`${value} is not an integer`, 'Member must be an integer');
      if (shape.min !== undefined && value < shape.min)
        fail(`${value} is below ${shape.min}`, `Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max)
        fail(`${value} is above ${shape.max}`, `Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean')
        fail(`expected a boolean, got ${JSON.stringify(value)}`, 'Member must be a boolean');
      return;
    case 'timestamp':
      if (!(value instanceof Date) && typeof value !== 'number')
        fail('expected a timestamp', 'Member must be a timestamp');
      return;
    case 'blob': {
      const length =
        value instanceof Uint8Array
          ? value.byteLength
          : typeof value === 'string'
            ? wire
              ? Buffer.from(value, 'base64').byteLength
              : Buffer.byteLength(value)
            : -1;
      if (length < 0) return fail('expected bytes', 'Member must be bytes');
      sized(length, shape, fail, 'bytes', 'length');
      return;
    }
    default:
      fail(`shape type ${shape.type} is not checked here`, `Member must have a checked type`);
  }
}

function sized(
  size: number,
  shape: Shape,
  fail: (what: string, constraint: string, offending?: unknown) => void,
  unit: string,
  noun: string,
): void {
  if (shape.min !== undefined && size < shape.min)
    fail(`${size} ${unit}, fewer than ${shape.min}`, `Member must have ${noun} greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && size > shape.max)
    fail(`${size} ${unit}, more than ${shape.max}`, `Member must have ${noun} less than or equal to ${shape.max}`);
}

/** One command a client sent: its operation and the input the SDK serialised. */
export interface CapturedCommand {
  readonly operation: string;
  readonly input: unknown;
}

/** Records every command `client` sends (operation name and input, as given to the SDK). */
export function captureCommands(client: SageMakerClient | SageMakerRuntimeClient): CapturedCommand[] {
  const captured: CapturedCommand[] = [];
  (client as SageMakerClient).middlewareStack.add(
    (next, context) => async (args) => {
      captured.push({ operation: (context.commandName ?? 'unknown').replace(/Command$/, ''), input: args.input });
      return next(args);
    },
    { step: 'initialize', name: `captureCommands${Math.random()}` },
  );
  return captured;
}
