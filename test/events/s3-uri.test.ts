import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { S3UriError } from '../../src/events/s3-errors.js';
import { isS3Prefix, isS3Uri, parseS3Uri, relativeLocation, resolveLocation } from '../../src/events/s3-uri.js';
import { S3UriError as SageMakerS3UriError } from '../../src/sagemaker/sagemaker-errors.js';

describe('S3 locations', () => {
  it('tells an S3 URI by its scheme, and a prefix by its trailing slash (or an empty key)', () => {
    expect(isS3Uri('s3://b-1/logs/x.txt')).toBe(true);
    expect(isS3Uri('logs/s3://x')).toBe(false);
    expect(isS3Uri(undefined)).toBe(false);
    expect(isS3Prefix('s3://b-1/logs/')).toBe(true);
    expect(isS3Prefix('s3://b-1')).toBe(true);
    expect(isS3Prefix('s3://b-1/logs')).toBe(false);
  });

  it('parses keys with any characters after the bucket, newlines included, and rejects bad buckets', () => {
    expect(parseS3Uri('s3://b-1/a b/ü\nx.txt')).toEqual({ bucket: 'b-1', key: 'a b/ü\nx.txt' });
    expect(() => parseS3Uri('s3://b_1/x', 'readEventLog', 'sources')).toThrow(
      'readEventLog: sources must be an S3 URI of the form s3://bucket/key, got "s3://b_1/x"',
    );
  });

  it('is one error class for the events layer and the sagemaker entry', () => {
    expect(SageMakerS3UriError).toBe(S3UriError);
  });

  it('resolves a location against a local folder or an S3 prefix, and back', () => {
    expect(resolveLocation('/data', 's3://b-1/x.txt')).toBe('s3://b-1/x.txt');
    expect(resolveLocation('s3://b-1/logs', 'mixed-1.txt')).toBe('s3://b-1/logs/mixed-1.txt');
    expect(resolveLocation('s3://b-1/logs/', './more/')).toBe('s3://b-1/logs/more/');
    expect(resolveLocation('s3://b-1/logs/', '.')).toBe('s3://b-1/logs/');
    expect(resolveLocation('/data', 'a/b.txt')).toBe(path.resolve('/data', 'a/b.txt'));
    expect(relativeLocation('/data/feat', '/data/logs/a.txt')).toBe(path.join('..', 'logs', 'a.txt'));
    expect(relativeLocation('/data/feat', 's3://b-1/logs/')).toBe('s3://b-1/logs/');
  });
});
