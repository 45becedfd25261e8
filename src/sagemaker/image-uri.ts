import { ImageUriError } from './sagemaker-errors.js';
import {
  XGBOOST_ALTERNATE_DOMAINS,
  XGBOOST_ECR_ACCOUNTS,
  XGBOOST_IMAGE_VERSIONS,
  XGBOOST_REPOSITORY,
} from './xgboost-ecr-accounts.js';

/**
 * The default built-in XGBoost image version: XGBoost 1.7.4, the version this library matches.
 *
 * @example
 * ```ts
 * xgboostImageUri('eu-west-1', DEFAULT_XGBOOST_VERSION); // '…/sagemaker-xgboost:1.7-1'
 * ```
 */
export const DEFAULT_XGBOOST_VERSION = '1.7-1';

/**
 * How a built-in XGBoost image writes `xgboost-model` inside `model.tar.gz`: a Python pickle
 * (0.90-x to 1.2-x), XGBoost's legacy binary (1.3-1 to 1.7-1) or UBJSON (3.0-5 and later).
 */
export type XgboostArtifactFormat = 'pickle' | 'legacy-binary' | 'ubjson';

/**
 * The ECR image URI of SageMaker's built-in XGBoost for a region and image version, as the
 * SageMaker Python SDK's `image_uris.retrieve('xgboost', region, version)` builds it:
 * `{account}.dkr.ecr.{region}.{domain}/sagemaker-xgboost:{tag}`, where the tag is the version
 * (with `-cpu-py3` for 0.90-x and 1.0-1) and the domain is `amazonaws.com.cn` in China regions.
 *
 * @param region - An AWS region, e.g. `us-east-1`.
 * @param version - A built-in image version (default `1.7-1`, XGBoost 1.7.4).
 * @throws {ImageUriError} for a region or version with no built-in image.
 *
 * @example
 * ```ts
 * xgboostImageUri('us-east-1');
 * // '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'
 * xgboostImageUri('cn-north-1', '1.0-1');
 * // '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.0-1-cpu-py3'
 * ```
 */
export function xgboostImageUri(region: string, version: string = DEFAULT_XGBOOST_VERSION): string {
  const account = Object.hasOwn(XGBOOST_ECR_ACCOUNTS, region) ? XGBOOST_ECR_ACCOUNTS[region] : undefined;
  if (account === undefined) throw new ImageUriError('region', region, Object.keys(XGBOOST_ECR_ACCOUNTS));
  if (!XGBOOST_IMAGE_VERSIONS.includes(version)) throw new ImageUriError('version', version, XGBOOST_IMAGE_VERSIONS);
  const domain = Object.hasOwn(XGBOOST_ALTERNATE_DOMAINS, region) ? XGBOOST_ALTERNATE_DOMAINS[region] : 'amazonaws.com';
  const tag = version.startsWith('0.90-') || version === '1.0-1' ? `${version}-cpu-py3` : version;
  return `${account}.dkr.ecr.${region}.${domain}/${XGBOOST_REPOSITORY}:${tag}`;
}

/**
 * The on-disk format of `xgboost-model` written by a built-in image version (from each version's
 * `algorithm_mode/train.py` and its XGBoost's `save_model`).
 *
 * @throws {ImageUriError} for an unknown version.
 *
 * @example
 * ```ts
 * xgboostArtifactFormat('1.7-1'); // 'legacy-binary'
 * xgboostArtifactFormat('3.0-5'); // 'ubjson'
 * ```
 */
export function xgboostArtifactFormat(version: string): XgboostArtifactFormat {
  if (!XGBOOST_IMAGE_VERSIONS.includes(version)) throw new ImageUriError('version', version, XGBOOST_IMAGE_VERSIONS);
  // Every listed version reads `major.minor-build`.
  const [major, minor] = version.split(/[.-]/).map(Number) as [number, number, number];
  if (major === 0 || (major === 1 && minor <= 2)) return 'pickle';
  return major === 1 ? 'legacy-binary' : 'ubjson';
}
