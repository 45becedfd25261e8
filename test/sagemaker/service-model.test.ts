import { describe, expect, it } from 'vitest';
import { loadServiceModel, validateRequest } from './service-model.js';

/**
 * The request checker the SageMaker tests use, on requests botocore's service model (Debian's
 * python3-botocore) accepts and refuses. Skipped, and says so, when botocore is not installed.
 */

const sagemaker = loadServiceModel('sagemaker');
const runtime = loadServiceModel('sagemaker-runtime');
if (sagemaker === undefined || runtime === undefined)
  console.warn('python3-botocore is not installed: the service-model checks are SKIPPED');

describe.skipIf(sagemaker === undefined || runtime === undefined)(
  'validateRequest against botocore’s SageMaker service models',
  () => {
    it('accepts well-formed requests', () => {
      expect(validateRequest(sagemaker!, 'DescribeTrainingJob', { TrainingJobName: 'exp1-first-5' })).toEqual([]);
      expect(
        validateRequest(sagemaker!, 'CreateEndpoint', {
          EndpointName: 'e-1',
          EndpointConfigName: 'e-1',
          Tags: [{ Key: 'keep', Value: 'demo' }],
        }),
      ).toEqual([]);
      expect(
        validateRequest(runtime!, 'InvokeEndpoint', {
          EndpointName: 'e-1',
          ContentType: 'text/csv',
          Accept: 'text/csv',
          Body: new Uint8Array(3),
        }),
      ).toEqual([]);
    });

    it('finds a missing required member, an unknown member, a name off its pattern, a value off its enum, a list over its size', () => {
      expect(validateRequest(sagemaker!, 'CreateEndpoint', { EndpointName: 'e-1' })).toEqual([
        expect.stringContaining('missing required member EndpointConfigName'),
      ]);
      expect(validateRequest(sagemaker!, 'DescribeTrainingJob', { TrainingJobName: 'a', Extra: 1 })).toEqual([
        expect.stringContaining('unknown member Extra'),
      ]);
      expect(validateRequest(runtime!, 'InvokeEndpoint', { EndpointName: '-bad', Body: new Uint8Array(1) })).toEqual([
        expect.stringContaining('does not match'),
      ]);
      expect(validateRequest(sagemaker!, 'ListEndpoints', { SortBy: 'Size' })).toEqual([
        expect.stringContaining('is not one of'),
      ]);
      const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      expect(
        validateRequest(sagemaker!, 'CreateEndpoint', { EndpointName: 'e', EndpointConfigName: 'e', Tags: tags }),
      ).toEqual([expect.stringContaining('51 entries, more than 50')]);
      expect(
        validateRequest(runtime!, 'InvokeEndpoint', { EndpointName: 'e', Body: new Uint8Array(6 * 1024 * 1024 + 1) }),
      ).toEqual([expect.stringContaining('more than 6291456')]);
    });
  },
);
