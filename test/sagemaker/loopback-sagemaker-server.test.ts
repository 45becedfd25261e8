import {
  CreateTrainingJobCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  type CreateTrainingJobCommandInput,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_CREDENTIALS } from './aws-test-env.js';
import { LoopbackSageMakerServer } from './loopback-sagemaker-server.js';

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
