import {
  AddTagsCommand,
  CreateTrainingJobCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  ListModelsCommand,
  SageMakerClient,
  type CreateTrainingJobCommandInput,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_CREDENTIALS } from './aws-test-env.js';
import { LoopbackSageMakerServer } from './loopback-sagemaker-server.js';
import { loadServiceModel } from './service-model.js';

/**
 * The test double must refuse what SageMaker refuses, or the backend tests prove nothing. These
 * tests drive it with the real SageMakerClient and with raw HTTP, per the AWS JSON 1.1 protocol.
 */

const valid: CreateTrainingJobCommandInput = {
  TrainingJobName: 'job-1',
  AlgorithmSpecification: {
    TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    TrainingInputMode: 'File',
  },
  RoleArn: 'arn:aws:iam::123456789012:role/SageMakerSentry',
  OutputDataConfig: { S3OutputPath: 's3://sentry-bucket/out' },
  ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  HyperParameters: { num_round: '10' },
};

describe('LoopbackSageMakerServer', () => {
  let server: LoopbackSageMakerServer;
  let client: SageMakerClient;
  beforeAll(async () => {
    server = new LoopbackSageMakerServer();
    client = new SageMakerClient({
      endpoint: await server.listen(),
      region: 'us-east-1',
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  it('refuses a CreateTrainingJob without a required nested field, as SageMaker\'s "Value null at …" ValidationException', async () => {
    const input = {
      ...valid,
      TrainingJobName: 'job-2',
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1 },
    } as CreateTrainingJobCommandInput;
    const error = await client.send(new CreateTrainingJobCommand(input)).catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain("Value null at 'resourceConfig.volumeSizeInGB'");
  });

  it('refuses spot training without MaxWaitTimeInSeconds and names that break the pattern', async () => {
    const spot = client.send(
      new CreateTrainingJobCommand({ ...valid, TrainingJobName: 'job-3', EnableManagedSpotTraining: true }),
    );
    await expect(spot).rejects.toThrow(/MaxWaitTimeInSeconds must be specified/);
    await expect(client.send(new CreateTrainingJobCommand({ ...valid, TrainingJobName: 'job_4' }))).rejects.toThrow(
      /regular expression pattern/,
    );
  });

  it('accepts a valid job once and answers ResourceInUse for the same name again', async () => {
    await client.send(new CreateTrainingJobCommand(valid));
    await expect(client.send(new CreateTrainingJobCommand(valid))).rejects.toMatchObject({ name: 'ResourceInUse' });
  });

  it('writes errors as JSON 1.1: status, x-amzn-ErrorType header and a __type body', async () => {
    const response = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'SageMaker.DescribeEndpoint',
        authorization: 'AWS4-HMAC-SHA256 Credential=x',
      },
      body: JSON.stringify({ EndpointName: 'missing' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await response.json()).toEqual({
      __type: 'ValidationException',
      message: 'Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/missing".',
    });
    await expect(client.send(new DescribeEndpointCommand({ EndpointName: 'missing' }))).rejects.toThrow(
      /Could not find endpoint/,
    );
  });

  it('refuses unsigned requests and other content types', async () => {
    const unsigned = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'SageMaker.ListModels' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    const wrongType = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-amz-target': 'SageMaker.ListModels',
        authorization: 'AWS4-HMAC-SHA256 Credential=x',
      },
      body: '{}',
    });
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { __type: string }).__type).toBe('SerializationException');
  });
});

const sagemakerModel = loadServiceModel('sagemaker');
const runtimeModel = loadServiceModel('sagemaker-runtime');
const botocoreAbsent = sagemakerModel === undefined || runtimeModel === undefined;

describe.skipIf(botocoreAbsent)(
  `LoopbackSageMakerServer checks requests against botocore's service model${botocoreAbsent ? ' (SKIPPED: python3-botocore is not installed)' : ''}`,
  () => {
    let server: LoopbackSageMakerServer;
    let client: SageMakerClient;
    let runtime: SageMakerRuntimeClient;
    beforeAll(async () => {
      server = new LoopbackSageMakerServer();
      const endpoint = await server.listen();
      const common = { endpoint, region: 'us-east-1', credentials: DUMMY_CREDENTIALS, maxAttempts: 1 };
      client = new SageMakerClient(common);
      runtime = new SageMakerRuntimeClient(common);
    });
    afterAll(async () => {
      client?.destroy();
      runtime?.destroy();
      await server?.close();
    });

    it('answers a request the JavaScript SDK sends unchecked but the model refuses (instance type off its enum, max runtime below 1 s, over-long hyperparameter) with one ValidationException listing every constraint', async () => {
      const input = {
        ...valid,
        TrainingJobName: 'job-enum',
        ResourceConfig: { InstanceType: 'ml.m5.gigantic', InstanceCount: 1, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 0 },
        HyperParameters: { num_round: 'x'.repeat(2501) },
      } as unknown as CreateTrainingJobCommandInput;
      const error = await client.send(new CreateTrainingJobCommand(input)).catch((err: unknown) => err);
      expect(error).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      const message = (error as Error).message;
      expect(message).toMatch(/^3 validation errors detected: /);
      expect(message).toContain(
        "Value 'ml.m5.gigantic' at 'resourceConfig.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [",
      );
      expect(message).toContain(
        "Value '0' at 'stoppingCondition.maxRuntimeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 1",
      );
      expect(message).toContain(
        "at 'hyperParameters.num_round' failed to satisfy constraint: Member must have length less than or equal to 2500",
      );
      expect(server.trainingJobs.has('job-enum')).toBe(false);
      expect(server.malformed().map((r) => r.operation)).toEqual(['CreateTrainingJob']);
    });

    it('checks List, Delete and tag requests too: a MaxResults above 100 and more than 50 tags are refused', async () => {
      await expect(client.send(new ListModelsCommand({ MaxResults: 101 }))).rejects.toThrow(
        /Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100/,
      );
      const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      await expect(
        client.send(
          new AddTagsCommand({ ResourceArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/m', Tags: tags }),
        ),
      ).rejects.toThrow(/at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50/);
      await expect(client.send(new DeleteModelCommand({ ModelName: 'm'.repeat(64) }))).rejects.toThrow(
        /Member must have length less than or equal to 63/,
      );
    });

    it("answers an InvokeEndpoint with a name off the runtime model's pattern with the runtime's ValidationError", async () => {
      const error = await runtime
        .send(
          new InvokeEndpointCommand({
            EndpointName: 'bad_name',
            ContentType: 'text/csv',
            Body: new TextEncoder().encode('1,2\n'),
          }),
        )
        .catch((err: unknown) => err);
      expect(error).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
      expect((error as Error).message).toContain(
        "Value 'bad_name' at 'endpointName' failed to satisfy constraint: Member must satisfy regular expression pattern",
      );
      expect(server.requestsFor('InvokeEndpoint').at(-1)).toMatchObject({ checked: true, status: 400 });
    });

    it('marks well-formed requests checked and leaves them without problems', async () => {
      const before = server.requests.length;
      await client.send(new CreateTrainingJobCommand({ ...valid, TrainingJobName: 'job-well-formed' }));
      const added = server.requests.slice(before);
      expect(added.map((r) => [r.operation, r.checked, r.problems])).toEqual([['CreateTrainingJob', true, []]]);
    });
  },
);
