import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  buildCreateModelRequest,
  buildEndpointConfigRequest,
  buildTransformJobRequest,
} from '../../src/sagemaker/endpoint-requests.js';
import { S3UriError } from '../../src/sagemaker/sagemaker-errors.js';
import { buildTrainingJobRequest, type TrainingJobRequestOptions } from '../../src/sagemaker/training-job-request.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerSentry';
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const base: TrainingJobRequestOptions = {
  jobName: 'sentry-first-5',
  imageUri: IMAGE,
  role: ROLE,
  channels: {
    train: 's3://sentry-bucket/p/sentry-first-5/train/',
    validation: 's3://sentry-bucket/p/sentry-first-5/validation/',
  },
  outputPath: 's3://sentry-bucket/p',
  hyperparameters: { num_round: '50', max_depth: '5', objective: 'binary:logistic' },
};

describe('buildTrainingJobRequest (CreateTrainingJob for the built-in XGBoost, per the SageMaker contract)', () => {
  it('passes csv_weights=1 through as a string hyperparameter, so the container reads label, weight, features', () => {
    const input = buildTrainingJobRequest({ ...base, hyperparameters: { ...base.hyperparameters, csv_weights: '1' } });
    expect(input.HyperParameters).toEqual({
      num_round: '50',
      max_depth: '5',
      objective: 'binary:logistic',
      csv_weights: '1',
    });
  });

  it('passes colsample_bytree, colsample_bylevel and colsample_bynode through as the strings the container takes', () => {
    const colsample = { colsample_bytree: '0.8', colsample_bylevel: '0.7', colsample_bynode: '0.5' };
    const input = buildTrainingJobRequest({ ...base, hyperparameters: { ...base.hyperparameters, ...colsample } });
    expect(input.HyperParameters).toEqual({ ...base.hyperparameters, ...colsample });
  });

  it('sets File mode, text/csv S3Prefix channels (the container defaults to libsvm), output, resources and stopping condition', () => {
    const input = buildTrainingJobRequest(base);
    expect(input.AlgorithmSpecification).toEqual({ TrainingImage: IMAGE, TrainingInputMode: 'File' });
    expect(input.InputDataConfig).toEqual([
      {
        ChannelName: 'train',
        ContentType: 'text/csv',
        CompressionType: 'None',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: 's3://sentry-bucket/p/sentry-first-5/train/',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
      {
        ChannelName: 'validation',
        ContentType: 'text/csv',
        CompressionType: 'None',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: 's3://sentry-bucket/p/sentry-first-5/validation/',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
    ]);
    expect(input.OutputDataConfig).toEqual({ S3OutputPath: 's3://sentry-bucket/p' });
    expect(input.ResourceConfig).toEqual({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 });
    expect(input.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(input.RoleArn).toBe(ROLE);
    expect(input.EnableManagedSpotTraining).toBeUndefined();
  });

  it('sets managed spot training with MaxWaitTimeInSeconds and an optional checkpoint location', () => {
    const input = buildTrainingJobRequest({
      ...base,
      maxRuntimeSeconds: 3600,
      spot: { maxWaitSeconds: 7200, checkpointS3Uri: 's3://sentry-bucket/ckpt' },
    });
    expect(input.EnableManagedSpotTraining).toBe(true);
    expect(input.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 });
    expect(input.CheckpointConfig).toEqual({ S3Uri: 's3://sentry-bucket/ckpt' });
  });

  it('rejects a spot wait shorter than the max runtime, as SageMaker would', () => {
    expect(() => buildTrainingJobRequest({ ...base, maxRuntimeSeconds: 3600, spot: { maxWaitSeconds: 600 } })).toThrow(
      /spot\.maxWaitSeconds must be at least maxRuntimeSeconds \(3600\), got 600/,
    );
  });

  it('turns tags into {Key, Value} pairs', () => {
    expect(buildTrainingJobRequest({ ...base, tags: { project: 'sentry', owner: 'secops' } }).Tags).toEqual([
      { Key: 'project', Value: 'sentry' },
      { Key: 'owner', Value: 'secops' },
    ]);
  });

  it('requires num_round, the one hyperparameter the container requires', () => {
    expect(() => buildTrainingJobRequest({ ...base, hyperparameters: { max_depth: '5' } })).toThrow(
      /hyperparameters\.num_round must be set/,
    );
  });

  it('rejects non-string hyperparameters and values over 256 characters (CreateTrainingJob limits)', () => {
    const numeric = { num_round: 50 } as unknown as Record<string, string>;
    expect(() => buildTrainingJobRequest({ ...base, hyperparameters: numeric })).toThrow(
      /hyperparameters\.num_round must be a string/,
    );
    expect(() =>
      buildTrainingJobRequest({ ...base, hyperparameters: { num_round: '5', note: 'x'.repeat(257) } }),
    ).toThrow(InvalidArgumentError);
  });

  it('rejects names, roles and URIs SageMaker would refuse, before anything is sent', () => {
    expect(() => buildTrainingJobRequest({ ...base, jobName: 'first_5' })).toThrow(/jobName must be a SageMaker name/);
    expect(() => buildTrainingJobRequest({ ...base, jobName: 'x'.repeat(64) })).toThrow(InvalidArgumentError);
    expect(() => buildTrainingJobRequest({ ...base, role: 'SageMakerSentry' })).toThrow(/role must be an IAM role ARN/);
    expect(() => buildTrainingJobRequest({ ...base, outputPath: 'sentry-bucket/p' })).toThrow(S3UriError);
    expect(() => buildTrainingJobRequest({ ...base, instanceCount: 0 })).toThrow(
      /instanceCount must be a positive integer, got 0/,
    );
  });
});

describe('endpoint and transform requests', () => {
  it('CreateModel carries the image, the model.tar.gz and the execution role', () => {
    expect(
      buildCreateModelRequest({
        modelName: 'm-1',
        imageUri: IMAGE,
        artifact: 's3://sentry-bucket/p/m-1/output/model.tar.gz',
        role: ROLE,
      }),
    ).toEqual({
      ModelName: 'm-1',
      PrimaryContainer: { Image: IMAGE, ModelDataUrl: 's3://sentry-bucket/p/m-1/output/model.tar.gz' },
      ExecutionRoleArn: ROLE,
      Tags: undefined,
    });
  });

  it('CreateEndpointConfig has one AllTraffic variant on ml.t2.medium × 1 by default', () => {
    expect(buildEndpointConfigRequest({ endpointConfigName: 'ep-1', modelName: 'm-1' }).ProductionVariants).toEqual([
      {
        VariantName: 'AllTraffic',
        ModelName: 'm-1',
        InstanceType: 'ml.t2.medium',
        InitialInstanceCount: 1,
        InitialVariantWeight: 1,
      },
    ]);
  });

  it('CreateTransformJob splits CSV input by line, batches MultiRecord and assembles output by line', () => {
    const input = buildTransformJobRequest({
      jobName: 't-1',
      modelName: 'm-1',
      input: 's3://sentry-bucket/in/',
      outputPath: 's3://sentry-bucket/out',
    });
    expect(input.TransformInput).toEqual({
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://sentry-bucket/in/' } },
      ContentType: 'text/csv',
      CompressionType: 'None',
      SplitType: 'Line',
    });
    expect(input.TransformOutput).toEqual({
      S3OutputPath: 's3://sentry-bucket/out',
      Accept: 'text/csv',
      AssembleWith: 'Line',
    });
    expect(input.BatchStrategy).toBe('MultiRecord');
    expect(input.MaxPayloadInMB).toBe(6);
  });

  it('keeps MaxConcurrentTransforms × MaxPayloadInMB ≤ 100 and refuses MaxPayloadInMB 0 (chunked)', () => {
    const spec = {
      jobName: 't-1',
      modelName: 'm-1',
      input: 's3://sentry-bucket/in/',
      outputPath: 's3://sentry-bucket/out',
    };
    expect(() => buildTransformJobRequest({ ...spec, maxPayloadInMb: 10, maxConcurrentTransforms: 11 })).toThrow(
      /at most 10/,
    );
    expect(() => buildTransformJobRequest({ ...spec, maxPayloadInMb: 0 })).toThrow(/maxPayloadInMb/);
  });
});
