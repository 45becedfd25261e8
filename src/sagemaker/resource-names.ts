import { InvalidArgumentError } from '../errors.js';

/** SageMaker's pattern for job, model, endpoint and endpoint-config names: 1–63 characters. */
const RESOURCE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** SageMaker's pattern for execution role ARNs. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

/**
 * Checks a SageMaker resource name (training job, model, endpoint config, endpoint, transform
 * job) against the service's pattern, so a bad name fails here instead of after an S3 upload.
 *
 * @throws {InvalidArgumentError} naming the argument and the pattern.
 *
 * @example
 * ```ts
 * checkResourceName('createModel', 'modelName', 'sentry-truncate-5'); // ok
 * checkResourceName('createModel', 'modelName', 'sentry_truncate_5'); // throws
 * ```
 */
export function checkResourceName(where: string, argument: string, name: string): void {
  if (typeof name !== 'string' || !RESOURCE_NAME.test(name)) {
    throw new InvalidArgumentError(
      where,
      argument,
      name,
      'a SageMaker name of 1-63 letters, digits and hyphens, starting and ending with a letter or digit',
    );
  }
}

/**
 * Checks an IAM role ARN of the form `arn:aws:iam::123456789012:role/Name`.
 *
 * @throws {InvalidArgumentError} naming the argument.
 *
 * @example
 * ```ts
 * checkRoleArn('SageMakerBackend', 'role', 'arn:aws:iam::123456789012:role/SageMakerSentry'); // ok
 * ```
 */
export function checkRoleArn(where: string, argument: string, role: string): void {
  if (typeof role !== 'string' || !ROLE_ARN.test(role)) {
    throw new InvalidArgumentError(
      where,
      argument,
      role,
      'an IAM role ARN like arn:aws:iam::123456789012:role/SageMakerRole',
    );
  }
}

/**
 * Checks that a number is a positive integer (instance counts, sizes, seconds).
 *
 * @throws {InvalidArgumentError} naming the argument.
 *
 * @example
 * ```ts
 * checkPositiveInteger('SageMakerBackend', 'instanceCount', 2); // ok
 * ```
 */
export function checkPositiveInteger(where: string, argument: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(where, argument, value, 'a positive integer');
  }
}

/** AWS tags as a record, the way callers write them. */
export type TagRecord = Readonly<Record<string, string>>;

/**
 * Turns a tag record into the `{ Key, Value }` list AWS expects, checking AWS's limits (at most
 * 50 tags, keys ≤ 128 and values ≤ 256 characters, no `aws:` prefix).
 *
 * @throws {InvalidArgumentError} naming the offending tag.
 *
 * @example
 * ```ts
 * toAwsTags({ project: 'sentry' }); // [{ Key: 'project', Value: 'sentry' }]
 * ```
 */
export function toAwsTags(
  tags: TagRecord | undefined,
  where = 'toAwsTags',
): { Key: string; Value: string }[] | undefined {
  if (tags === undefined) return undefined;
  const entries = Object.entries(tags);
  if (entries.length > 50) throw new InvalidArgumentError(where, 'tags', `${entries.length} tags`, 'at most 50 tags');
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith('aws:')) {
      throw new InvalidArgumentError(where, 'tags key', key, 'a key of 1-128 characters not starting with aws:');
    }
    if (typeof value !== 'string' || value.length > 256) {
      throw new InvalidArgumentError(
        where,
        `tags[${JSON.stringify(key)}]`,
        value,
        'a string of at most 256 characters',
      );
    }
  }
  return entries.length === 0 ? undefined : entries.map(([Key, Value]) => ({ Key, Value }));
}
