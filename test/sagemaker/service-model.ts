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
  readonly operations: Record<string, { readonly input?: { readonly shape: string } }>;
  readonly shapes: Record<string, Shape>;
}

/** The model of `sagemaker` or `sagemaker-runtime`, or undefined when botocore is not installed. */
export function loadServiceModel(service: 'sagemaker' | 'sagemaker-runtime'): ServiceModel | undefined {
  const dir = path.join(BOTOCORE_DATA, service);
  if (!existsSync(dir)) return undefined;
  const version = readdirSync(dir).sort().at(-1);
  if (version === undefined) return undefined;
  const file = path.join(dir, version, 'service-2.json');
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, 'utf8')) as Omit<ServiceModel, 'service' | 'file'>;
  return { service, file, operations: json.operations, shapes: json.shapes };
}

/**
 * What the service model says is wrong with an operation's input: missing required members,
 * members the operation does not have, strings outside their length or pattern or enum, numbers
 * outside their range, lists and maps outside their size, blobs over their size. Empty when valid.
 */
export function validateRequest(model: ServiceModel, operation: string, input: unknown): string[] {
  const spec = model.operations[operation];
  if (spec === undefined) return [`${operation}: not an operation of ${model.service}`];
  if (spec.input === undefined) return [];
  const problems: string[] = [];
  check(model, spec.input.shape, input, operation, problems);
  return problems;
}

function check(model: ServiceModel, shapeName: string, value: unknown, where: string, problems: string[]): void {
  const shape = model.shapes[shapeName];
  if (shape === undefined) {
    problems.push(`${where}: unknown shape ${shapeName}`);
    return;
  }
  const fail = (what: string): void => {
    problems.push(`${where}: ${what} (shape ${shapeName})`);
  };
  switch (shape.type) {
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return fail(`expected an object, got ${JSON.stringify(value)}`);
      const record = value as Record<string, unknown>;
      for (const name of shape.required ?? []) if (record[name] === undefined) fail(`missing required member ${name}`);
      for (const [name, member] of Object.entries(record)) {
        if (member === undefined) continue;
        const memberSpec = shape.members?.[name];
        if (memberSpec === undefined) fail(`unknown member ${name}`);
        else check(model, memberSpec.shape, member, `${where}.${name}`, problems);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return fail('expected a list');
      sized(value.length, shape, fail, 'entries');
      value.forEach((entry, i) => check(model, shape.member!.shape, entry, `${where}[${i}]`, problems));
      return;
    }
    case 'map': {
      if (value === null || typeof value !== 'object') return fail('expected a map');
      const entries = Object.entries(value as Record<string, unknown>);
      sized(entries.length, shape, fail, 'entries');
      for (const [key, entry] of entries) {
        check(model, shape.key!.shape, key, `${where} key ${JSON.stringify(key)}`, problems);
        check(model, shape.value!.shape, entry, `${where}[${JSON.stringify(key)}]`, problems);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return fail(`expected a string, got ${JSON.stringify(value)}`);
      sized([...value].length, shape, fail, 'characters');
      if (shape.enum !== undefined && !shape.enum.includes(value))
        fail(`${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`);
      // The models' patterns are Java regular expressions; those used here read the same with the u flag.
      if (shape.pattern !== undefined && !new RegExp(shape.pattern, 'u').test(value))
        fail(`${JSON.stringify(value)} does not match ${shape.pattern}`);
      return;
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return fail(`expected a number, got ${JSON.stringify(value)}`);
      if ((shape.type === 'integer' || shape.type === 'long') && !Number.isInteger(value))
        fail(`${value} is not an integer`);
      if (shape.min !== undefined && value < shape.min) fail(`${value} is below ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(`${value} is above ${shape.max}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'timestamp':
      if (!(value instanceof Date) && typeof value !== 'number') fail('expected a timestamp');
      return;
    case 'blob': {
      const length =
        value instanceof Uint8Array ? value.byteLength : typeof value === 'string' ? Buffer.byteLength(value) : -1;
      if (length < 0) return fail('expected bytes');
      sized(length, shape, fail, 'bytes');
      return;
    }
    default:
      fail(`shape type ${shape.type} is not checked here`);
  }
}

function sized(size: number, shape: Shape, fail: (what: string) => void, unit: string): void {
  if (shape.min !== undefined && size < shape.min) fail(`${size} ${unit}, fewer than ${shape.min}`);
  if (shape.max !== undefined && size > shape.max) fail(`${size} ${unit}, more than ${shape.max}`);
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
