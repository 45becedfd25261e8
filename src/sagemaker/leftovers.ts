import {
  paginateListEndpointConfigs,
  paginateListEndpoints,
  paginateListModels,
  paginateListTags,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { InvalidArgumentError } from '../errors.js';
import { toAwsTags, type TagRecord } from './resource-names.js';
import { AwsRequestError, isNotFoundError } from './sagemaker-errors.js';

/** Options of {@link findTaggedResources}. */
export interface FindTaggedResourcesOptions {
  /** Only resources whose name contains this text (SageMaker's `NameContains`), e.g. a run prefix. */
  readonly nameContains?: string;
  /** Only resources created before this time (e.g. endpoints older than a TTL). */
  readonly createdBefore?: Date;
}

/** Resources that carry every one of the given tags, by kind. */
export interface TaggedResources {
  readonly endpoints: string[];
  readonly endpointConfigs: string[];
  readonly models: string[];
}

/**
 * Lists the endpoints, endpoint configs and models that carry every tag in `tags`: the leftovers
 * of runs whose process died before clean-up (a killed notebook, a lost laptop). SageMaker's list
 * calls do not filter by tag, so each candidate's tags are read with `ListTags`; narrow the
 * candidates with `nameContains` when the account holds many resources.
 *
 * @throws {InvalidArgumentError} for an empty tag set (which would match everything);
 *   {@link AwsRequestError} when a list call fails.
 *
 * @example
 * ```ts
 * const stale = await findTaggedResources(sagemaker, { project: 'sessionsentry' }, {
 *   createdBefore: new Date(Date.now() - 24 * 3600 * 1000),
 * });
 * console.log(stale.endpoints); // endpoints of this project older than a day
 * ```
 */
export async function findTaggedResources(
  client: SageMakerClient,
  tags: TagRecord,
  options: FindTaggedResourcesOptions = {},
): Promise<TaggedResources> {
  const wanted = toAwsTags(tags, 'findTaggedResources');
  if (wanted === undefined) {
    throw new InvalidArgumentError(
      'findTaggedResources',
      'tags',
      tags,
      'at least one tag (an empty set would match every resource in the account)',
    );
  }
  const { nameContains, createdBefore } = options;
  const filter = {
    ...(nameContains !== undefined ? { NameContains: nameContains } : {}),
    ...(createdBefore !== undefined ? { CreationTimeBefore: createdBefore } : {}),
  };
  const matches = async (arn: string | undefined): Promise<boolean> => {
    if (arn === undefined) return false;
    const found = new Map<string, string | undefined>();
    try {
      for await (const page of paginateListTags({ client }, { ResourceArn: arn })) {
        for (const tag of page.Tags ?? []) if (tag.Key !== undefined) found.set(tag.Key, tag.Value);
      }
    } catch (err) {
      // Deleted between the list and the tag read: nothing to clean up.
      if (isNotFoundError(err)) return false;
      throw new AwsRequestError('ListTags', arn, err);
    }
    return wanted.every((tag) => found.get(tag.Key) === tag.Value);
  };

  const result: TaggedResources = { endpoints: [], endpointConfigs: [], models: [] };
  try {
    for await (const page of paginateListEndpoints({ client }, filter)) {
      for (const endpoint of page.Endpoints ?? []) {
        if (endpoint.EndpointName !== undefined && (await matches(endpoint.EndpointArn)))
          result.endpoints.push(endpoint.EndpointName);
      }
    }
    for await (const page of paginateListEndpointConfigs({ client }, filter)) {
      for (const config of page.EndpointConfigs ?? []) {
        if (config.EndpointConfigName !== undefined && (await matches(config.EndpointConfigArn)))
          result.endpointConfigs.push(config.EndpointConfigName);
      }
    }
    for await (const page of paginateListModels({ client }, filter)) {
      for (const model of page.Models ?? []) {
        if (model.ModelName !== undefined && (await matches(model.ModelArn))) result.models.push(model.ModelName);
      }
    }
  } catch (err) {
    if (err instanceof AwsRequestError) throw err;
    throw new AwsRequestError('List', nameContains ?? '*', err);
  }
  return result;
}
