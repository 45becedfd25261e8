import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { xgboostArtifactFormat, xgboostImageUri } from '../../src/sagemaker/image-uri.js';
import { ImageUriError } from '../../src/sagemaker/sagemaker-errors.js';
import { XGBOOST_ECR_ACCOUNTS, XGBOOST_IMAGE_VERSIONS } from '../../src/sagemaker/xgboost-ecr-accounts.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedAccounts = path.resolve(repoRoot, '../shared/sagemaker/xgboost-ecr-accounts.json');

describe('xgboostImageUri', () => {
  // Accounts from the SageMaker Python SDK's image_uri_config/xgboost.json, as tabulated in the contract.
  const sdkAccounts: Record<string, string> = {
    'us-east-1': '683313688378',
    'us-east-2': '257758044811',
    'us-west-1': '746614075791',
    'us-west-2': '246618743249',
    'eu-west-1': '141502667606',
    'eu-west-2': '764974769150',
    'eu-central-1': '492215442770',
    'ap-northeast-1': '354813040037',
    'ap-southeast-1': '121021644041',
    'ap-southeast-2': '783357654285',
    'ap-south-1': '720646828776',
    'ca-central-1': '341280168497',
    'sa-east-1': '737474898029',
  };

  it.each(Object.entries(sdkAccounts))(
    'builds {account}.dkr.ecr.%s.amazonaws.com/sagemaker-xgboost:1.7-1 as the Python SDK does',
    (region, account) => {
      expect(xgboostImageUri(region)).toBe(`${account}.dkr.ecr.${region}.amazonaws.com/sagemaker-xgboost:1.7-1`);
    },
  );

  it('tags 1.2-1 and later with the version and 0.90-x / 1.0-1 with -cpu-py3 (the SDK expected_uris)', () => {
    expect(xgboostImageUri('us-west-2', '3.0-5')).toBe(
      '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:3.0-5',
    );
    expect(xgboostImageUri('us-west-2', '1.2-1')).toBe(
      '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.2-1',
    );
    expect(xgboostImageUri('us-west-2', '1.0-1')).toBe(
      '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.0-1-cpu-py3',
    );
    expect(xgboostImageUri('us-west-2', '0.90-2')).toBe(
      '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:0.90-2-cpu-py3',
    );
  });

  it('uses the amazonaws.com.cn domain in the China regions', () => {
    expect(xgboostImageUri('cn-north-1')).toBe(
      '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1',
    );
    expect(xgboostImageUri('cn-northwest-1')).toBe(
      '451049120500.dkr.ecr.cn-northwest-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1',
    );
  });

  it('rejects an unknown region with a typed error naming the region and the known ones', () => {
    const error = (() => {
      try {
        xgboostImageUri('us-east1');
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ImageUriError);
    expect((error as ImageUriError).code).toBe('ERR_IMAGE_URI');
    expect((error as ImageUriError).argument).toBe('region');
    expect((error as Error).message).toContain('"us-east1"');
    expect((error as Error).message).toContain('us-east-1');
  });

  it('rejects an unknown version (1.7 is not an image version; 1.7-1 is)', () => {
    expect(() => xgboostImageUri('us-east-1', '1.7')).toThrow(/version "1\.7".*1\.7-1/);
    expect(() => xgboostImageUri('us-east-1', 'toString')).toThrow(ImageUriError);
    expect(() => xgboostImageUri('constructor')).toThrow(ImageUriError);
  });

  it('names the artifact format each image writes (pickle, legacy binary, UBJSON), per the container sources', () => {
    expect(xgboostArtifactFormat('1.0-1')).toBe('pickle');
    expect(xgboostArtifactFormat('1.2-2')).toBe('pickle');
    expect(xgboostArtifactFormat('1.3-1')).toBe('legacy-binary');
    expect(xgboostArtifactFormat('1.7-1')).toBe('legacy-binary');
    expect(xgboostArtifactFormat('3.0-5')).toBe('ubjson');
    expect(() => xgboostArtifactFormat('2.0-1')).toThrow(ImageUriError);
  });

  it.skipIf(!existsSync(sharedAccounts))(
    'ships the same 37-region account map and versions as the contract folder (skipped when ../shared is absent)',
    () => {
      const shared = JSON.parse(readFileSync(sharedAccounts, 'utf8')) as {
        accounts: Record<string, string>;
        versions: string[];
      };
      expect(XGBOOST_ECR_ACCOUNTS).toEqual(shared.accounts);
      expect(Object.keys(XGBOOST_ECR_ACCOUNTS)).toHaveLength(37);
      expect(XGBOOST_IMAGE_VERSIONS).toEqual(shared.versions);
    },
  );
});
